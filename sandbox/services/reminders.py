"""Reminders before and after due dates, and escalation of overdue items to the office.

Every kind of deadline is a *rule*: a function `(now) -> DueItems` registered with @rule. The
engine below does the rest (which reminder is due today, who hears, dedupe keys). The Trials issue
adds rules for trial reports, claims and extension/amendment windows the same way."""
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import holidays
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..labels import Role
from ..models import Application, Assignment, Claim, CorrectionOrder, Incident, StageClock, Trial
from ..models.reviews import AssignmentRole, AssignmentStatus
from ..models.trials import ClaimOutcome, OrderStatus
from ..rules.trial_reports import schedule
from ..rules.trials import extension_outcome, request_deadline
from ..states import TERMINAL
from ..states import ApplicationState as S
from .notifications import notify, organisation_members, site_path, users_with_role

# Stages whose clock the applicant must beat; the office owns every other stage clock.
APPLICANT_STAGES = frozenset({S.supplement_requested, S.approved, S.result_reporting})


@dataclass(frozen=True)
class DueItem:
    key: str              # stable identity of the deadline, e.g. "clock:12"
    due: object           # date
    what: str             # "Expert review of SBX-2026-000001 “title”"
    recipients: tuple     # users reminded
    link: str = ""
    application: object = None
    escalate: bool = True  # overdue → daily notice to the office


RULES = {}


def rule(name):
    def register(function):
        RULES[name] = function
        return function
    return register


# ---- days ---------------------------------------------------------------------------------------

@lru_cache(maxsize=16)
def korean_holidays(year):
    return holidays.KR(years=year, language="ko")


def is_business_day(day):
    return day.weekday() < 5 and day not in korean_holidays(day.year)


def add_business_days(day, n):
    """`n` business days after (negative: before) `day`; 0 is `day` itself."""
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    while remaining:
        day += timedelta(days=step)
        if is_business_day(day):
            remaining -= 1
    return day


def business_days_between(start, end):
    """Business days after `start` up to and including `end` (negative when end is earlier)."""
    if end < start:
        return -business_days_between(end, start)
    return sum(1 for i in range(1, (end - start).days + 1) if is_business_day(start + timedelta(days=i)))


def reminder_day(due, offset, business=None):
    business = current_app.config.get("REMINDER_BUSINESS_DAYS", False) if business is None else business
    return add_business_days(due, offset) if business else due + timedelta(days=offset)


def due_offset(due, today, offsets=None, business=None):
    """The latest reminder offset whose day has come, or None. Only the latest is sent, so a tick
    that missed days sends one current reminder instead of a burst of stale ones."""
    offsets = current_app.config.get("REMINDER_OFFSETS", [-7, 0, 3]) if offsets is None else offsets
    passed = [o for o in offsets if reminder_day(due, o, business) <= today]
    return max(passed) if passed else None


# ---- rules --------------------------------------------------------------------------------------

def _label(application):
    return f"{application.reference or '#' + str(application.id)} “{application.display_title}”"


def _open_clocks(stages=None, exclude=()):
    stmt = (select(StageClock).join(Application)
            .where(StageClock.ended_at.is_(None), StageClock.due_at.is_not(None),
                   StageClock.paused_at.is_(None), Application.state.not_in(list(TERMINAL)))
            .options(selectinload(StageClock.application)).order_by(StageClock.id))
    if stages:
        stmt = stmt.where(StageClock.stage.in_(list(stages)))
    if exclude:
        stmt = stmt.where(StageClock.stage.not_in(list(exclude)))
    return db.session.scalars(stmt).all()


def _clock_item(clock, recipients, what, escalate=True):
    application = clock.application
    return DueItem(key=f"clock:{clock.id}", due=clock.due_at.date(), what=what, recipients=tuple(recipients),
                   link=site_path("casefile.show", application_id=application.id), application=application,
                   escalate=escalate)


@rule("stage")
def stage_clocks(now):
    office = users_with_role(Role.office)
    for clock in _open_clocks(exclude=APPLICANT_STAGES):
        yield _clock_item(clock, office, _("%(file)s in “%(stage)s”", stage=S(clock.stage).label,
                                           file=_label(clock.application)))


@rule("supplement")
def supplement_requests(now):
    for clock in _open_clocks(stages=[S.supplement_requested]):
        yield _clock_item(clock, organisation_members(clock.application),
                          _("Supplement for %(file)s", file=_label(clock.application)))


@rule("start_deadline")
def start_deadlines(now):
    # The office hears once when the deadline passes (ticking.flag_start_deadlines), not daily.
    for clock in _open_clocks(stages=[S.approved]):
        yield _clock_item(clock, organisation_members(clock.application),
                          _("Start of the trial approved in %(file)s", file=_label(clock.application)),
                          escalate=False)


@rule("result_report")
def result_reports(now):
    for clock in _open_clocks(stages=[S.result_reporting]):
        yield _clock_item(clock, organisation_members(clock.application),
                          _("Result report for %(file)s", file=_label(clock.application)))


@rule("assignment")
def assignments(now):
    rows = db.session.scalars(
        select(Assignment).join(Application, Assignment.application_id == Application.id)
        .where(Assignment.status.in_([AssignmentStatus.proposed, AssignmentStatus.accepted]),
               Assignment.due_date.is_not(None), Application.state.not_in(list(TERMINAL) + [S.draft]))
        .options(selectinload(Assignment.application), selectinload(Assignment.user))
        .order_by(Assignment.id)).all()
    for assignment in rows:
        application = assignment.application
        if assignment.role == AssignmentRole.reviewer:
            what = _("Review of %(file)s", file=_label(application))
        else:
            what = _("Authority opinion on %(file)s", file=_label(application))
        yield DueItem(key=f"assignment:{assignment.id}", due=assignment.due_date, what=what,
                      recipients=(assignment.user,), application=application,
                      link=site_path("casefile.show", application_id=application.id))


# ---- trial rules (reports, claims, extension and amendment window, correction orders) -------------

def _running_trials(states):
    return db.session.scalars(select(Trial).join(Application, Trial.application_id == Application.id)
                              .where(Application.state.in_(list(states)))
                              .options(selectinload(Trial.application)).order_by(Trial.id)).all()


def _trial_link(application):
    return site_path("applicant.trial", application_id=application.id)


@rule("trial_report")
def trial_reports(now):
    for trial in _running_trials((S.trial_active, S.suspended, S.extension_review, S.amendment_pending)):
        application = trial.application
        for kind, due, report in schedule(trial):
            if report is None:
                yield DueItem(key=f"trial-report:{trial.id}:{kind}", due=due, application=application,
                              what=_("%(report)s for %(file)s", report=kind.label, file=_label(application)),
                              recipients=tuple(organisation_members(application)), link=_trial_link(application))


@rule("claim")
def claims(now):
    rows = db.session.scalars(select(Claim).join(Incident).join(Trial)
                              .where(Claim.outcome == ClaimOutcome.pending).order_by(Claim.id)).all()
    for claim in rows:
        application = claim.incident.trial.application
        yield DueItem(key=f"claim:{claim.id}", due=claim.due_on, application=application,
                      what=_("Pay or refuse claim #%(id)d on %(file)s", id=claim.id, file=_label(application)),
                      recipients=tuple(organisation_members(application)), link=_trial_link(application))


@rule("extension_window")
def extension_windows(now):
    for trial in _running_trials((S.trial_active,)):
        deadline = request_deadline(trial)
        if deadline is None or any(extension_outcome(r) for r in trial.extension_requests):
            continue
        application = trial.application
        yield DueItem(key=f"extension-window:{trial.id}", due=deadline, application=application, escalate=False,
                      what=_("Last day to request an extension or a law amendment for %(file)s",
                             file=_label(application)),
                      recipients=tuple(organisation_members(application)), link=_trial_link(application))


@rule("correction_order")
def correction_orders(now):
    for order in db.session.scalars(select(CorrectionOrder).where(CorrectionOrder.status == OrderStatus.open)
                                    .order_by(CorrectionOrder.id)).all():
        application = order.trial.application
        yield DueItem(key=f"correction-order:{order.id}", due=order.current_deadline, application=application,
                      what=_("Correction order #%(id)d on %(file)s", id=order.id, file=_label(application)),
                      recipients=tuple(organisation_members(application)), link=_trial_link(application))


def due_items(now):
    for name, function in RULES.items():
        for item in function(now):
            yield name, item


# ---- engine -------------------------------------------------------------------------------------

def _reminder_text(item, today):
    days = (item.due - today).days
    if days > 0:
        subject = _("Due in %(n)d days: %(what)s", n=days, what=item.what)
    elif days == 0:
        subject = _("Due today: %(what)s", what=item.what)
    else:
        subject = _("Overdue by %(n)d days: %(what)s", n=-days, what=item.what)
    return subject, _("%(what)s is due on %(due)s.", what=item.what, due=item.due.isoformat())


def send_reminders(now, report):
    """Queue each item's current reminder once (dedupe key: item, due date, offset)."""
    today = now.date()
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "ko")):
        for name, item in due_items(now):
            offset = due_offset(item.due, today)
            if offset is None:
                continue
            subject, body = _reminder_text(item, today)
            created = notify(item.recipients, f"reminder.{name}", subject, body, item.link, item.application,
                             dedupe_key=f"reminder:{item.key}:{item.due.isoformat()}:{offset:+d}", now=now)
            if created:
                report.add("reminder", f"{subject} → {created} recipient(s)")


def escalate_overdue(now, report):
    """At most one notice per overdue item per day to the office."""
    today = now.date()
    office = None
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "ko")):
        for name, item in due_items(now):
            if not item.escalate or item.due >= today:
                continue
            office = office if office is not None else users_with_role(Role.office)
            days = (today - item.due).days
            subject = _("Overdue by %(n)d days: %(what)s", n=days, what=item.what)
            body = _("%(what)s was due on %(due)s and is still open.", what=item.what,
                     due=item.due.isoformat())
            created = notify(office, f"escalation.{name}", subject, body, item.link, item.application,
                             dedupe_key=f"escalation:{item.key}:{today.isoformat()}", now=now)
            if created:
                report.add("escalated", f"{subject} → {created} secretariat member(s)")
