"""Stage clocks: start when a file enters a stage, pause while a supplement is owed, end when it leaves."""
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import inspect, select

from ..extensions import db
from ..models import StageClock
from ..states import ApplicationState as S

# Calendar days allowed per stage (DESIGN §1); overridable with the STAGE_DAYS setting.
DEFAULT_STAGE_DAYS = {
    "quick_confirmation": {S.submitted: 30},
    "default": {
        S.submitted: 7, S.screening: 14, S.expert_review: 30, S.exemption_check: 30,
        S.committee: 90, S.supplement_requested: 30, S.approved: 365, S.result_reporting: 30,
        S.extension_review: 30, S.amendment_pending: None,
    },
}


def allowed_days(application, stage):
    table = {**DEFAULT_STAGE_DAYS, **current_app.config.get("STAGE_DAYS", {})}
    specific = table.get(str(application.instrument), {})
    if stage in specific:
        return specific[stage]
    return table["default"].get(stage)


def open_clocks(application):
    """The file's running (or paused) clocks, oldest first. Without loading its whole clock history
    when that is not loaded already: a file collects a clock per stage and per supplement round."""
    if "clocks" not in inspect(application).unloaded:
        return [c for c in application.clocks if c.ended_at is None]
    return db.session.scalars(select(StageClock).where(StageClock.application_id == application.id,
                                                       StageClock.ended_at.is_(None))
                              .order_by(StageClock.id)).all()



def start(application, stage, now, days=None):
    days = allowed_days(application, stage) if days is None else days
    clock = StageClock(application=application, stage=stage, started_at=now, allowed_days=days,
                       due_at=now + timedelta(days=days) if days else None)
    db.session.add(clock)
    return clock


def pause(clock, now, reason):
    if clock.paused_at is None:
        clock.paused_at = now
        clock.pause_reason = reason or ""


def resume(clock, now):
    if clock.paused_at is not None:
        paused = now - clock.paused_at
        clock.paused_seconds += int(paused.total_seconds())
        if clock.due_at is not None:
            clock.due_at += paused
        clock.paused_at = None
        clock.pause_reason = ""


def end(clock, now):
    clock.ended_at = now
    if clock.due_at is not None and now > clock.due_at and clock.breached_at is None:
        clock.breached_at = clock.due_at


def on_transition(application, source, dest, now=None, reason="", due=None, running=None):
    """Move the clocks along with the file: called by service.fire inside its transaction.
    `running`: the file's open clocks when the caller has read them already (open_clocks())."""
    now = now or datetime.now(timezone.utc)
    source, dest = S(source), S(dest)
    if source == dest:
        return
    running = running if running is not None else open_clocks(application)
    if dest == S.supplement_requested:
        for clock in running:
            pause(clock, now, reason)
        days = (due - now.date()).days if due else None
        start(application, dest, now, days=days)
        return
    resumed = None
    for clock in running:
        if source == S.supplement_requested and clock.stage == dest and clock.paused:
            resume(clock, now)
            resumed = clock
        else:
            end(clock, now)
    if resumed is None and allowed_days(application, dest) is not None:
        start(application, dest, now)


def view(clock, today=None):
    """What a page shows of a clock: plain values, no model access in templates."""
    if clock is None:
        return None
    now = datetime.now(timezone.utc)
    return {
        "label": S(clock.stage).label,
        "days_used": clock.days_used(now),
        "days_left": clock.days_left(today or now.date()),
        "due_date": clock.due_date,
        "paused": clock.paused,
        "pause_reason": clock.pause_reason,
        "overdue": clock.overdue(now),
    }
