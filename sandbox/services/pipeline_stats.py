"""Read-only figures for the pipeline dashboard. Counts and groupings run in SQL; medians and
percentiles run in Python over a bounded sample of the most recent rows."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from ..extensions import db
from ..models import Application, Assignment, AuditEvent, StageClock
from ..models.reviews import AssignmentStatus
from ..states import TERMINAL
from ..states import ApplicationState as S

APPROVAL_ACTIONS = ("application.approved", "application.approved_with_conditions")
TRIAL_START_ACTION = "application.trial_started"
SAMPLE = 5000


def percentile(values, p):
    """Linear interpolation between closest ranks (numpy's default); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _summary(days):
    median, p90 = percentile(days, 50), percentile(days, 90)
    return {"count": len(days), "median": round(median, 1) if median is not None else None,
            "p90": round(p90, 1) if p90 is not None else None}


def state_counts():
    rows = db.session.execute(select(Application.state, func.count(Application.id))
                              .where(Application.state != S.draft).group_by(Application.state)).all()
    counts = {S(state): n for state, n in rows}
    return [(state, counts[state]) for state in S if state in counts]


def stage_times(sample=SAMPLE):
    """Days spent per stage (pauses excluded), from clocks that have ended."""
    rows = db.session.execute(
        select(StageClock.stage, StageClock.started_at, StageClock.ended_at, StageClock.paused_seconds)
        .where(StageClock.ended_at.is_not(None)).order_by(StageClock.ended_at.desc()).limit(sample)).all()
    days = {}
    for stage, started, ended, paused in rows:
        days.setdefault(S(stage), []).append(max(0.0, ((ended - started).total_seconds() - paused) / 86400))
    return [(stage, _summary(days[stage])) for stage in S if stage in days]


def overdue_clocks(now=None, limit=50):
    now = now or datetime.now(timezone.utc)
    condition = (StageClock.ended_at.is_(None), StageClock.paused_at.is_(None), StageClock.due_at < now,
                 Application.state.not_in(list(TERMINAL)))
    total = db.session.scalar(select(func.count(StageClock.id)).join(Application).where(*condition))
    rows = db.session.execute(select(StageClock, Application).join(Application).where(*condition)
                              .order_by(StageClock.due_at).limit(limit)).all()
    items = [{"application": application, "stage": S(clock.stage), "due_date": clock.due_at.date(),
              "days_overdue": (now.date() - clock.due_at.date()).days} for clock, application in rows]
    return total or 0, items


def overdue_assignments(now=None):
    today = (now or datetime.now(timezone.utc)).date()
    open_statuses = [AssignmentStatus.proposed, AssignmentStatus.accepted]
    return db.session.scalar(
        select(func.count(Assignment.id)).join(Application, Assignment.application_id == Application.id)
        .where(Assignment.status.in_(open_statuses), Assignment.due_date < today,
               Application.state.not_in(list(TERMINAL)))) or 0


def _month(column):
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _months_back(today, months):
    year, month = today.year, today.month
    labels = []
    for _i in range(months):
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(labels))


def approvals_per_month(months=12, now=None):
    today = (now or datetime.now(timezone.utc)).date()
    labels = _months_back(today, months)
    start = datetime.fromisoformat(labels[0] + "-01").replace(tzinfo=timezone.utc)
    month = _month(AuditEvent.occurred_at)
    rows = db.session.execute(select(month, func.count(AuditEvent.seq))
                              .where(AuditEvent.action.in_(APPROVAL_ACTIONS), AuditEvent.occurred_at >= start)
                              .group_by(month)).all()
    counts = dict(rows)
    return [(label, counts.get(label, 0)) for label in labels]


def approval_to_start(sample=SAMPLE):
    """Days from the (first) approval to the trial start, per file that has started."""
    approved = (select(AuditEvent.application_id, func.min(AuditEvent.occurred_at).label("at"))
                .where(AuditEvent.action.in_(APPROVAL_ACTIONS))
                .group_by(AuditEvent.application_id).subquery())
    started = (select(AuditEvent.application_id, func.min(AuditEvent.occurred_at).label("at"))
               .where(AuditEvent.action == TRIAL_START_ACTION).group_by(AuditEvent.application_id).subquery())
    rows = db.session.execute(select(approved.c.at, started.c.at)
                              .join(started, started.c.application_id == approved.c.application_id)
                              .order_by(started.c.at.desc()).limit(sample)).all()
    waiting = db.session.scalar(select(func.count(Application.id))
                                .where(Application.state == S.approved)) or 0
    days = [max(0.0, (_aware(start) - _aware(approval)).total_seconds() / 86400) for approval, start in rows]
    return {**_summary(days), "waiting": waiting}


def _aware(moment):
    # Subquery columns lose the UTC type decorator on some dialects.
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def dashboard(now=None):
    now = now or datetime.now(timezone.utc)
    overdue_total, overdue = overdue_clocks(now)
    return {
        "states": state_counts(), "stages": stage_times(), "overdue_total": overdue_total, "overdue": overdue,
        "overdue_assignments": overdue_assignments(now), "approvals": approvals_per_month(now=now),
        "approval_to_start": approval_to_start(),
        "generated_at": now - timedelta(microseconds=now.microsecond),
    }
