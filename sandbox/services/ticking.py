"""tick(now): the periodic job behind `flask --app wsgi tick` (cron, every few minutes).

Idempotent: every notice it writes has a dedupe key (UNIQUE, inserted with ON CONFLICT DO NOTHING),
and deemed outcomes go through fire(), which refuses a second transition. On PostgreSQL a session
advisory lock lets a second concurrent tick exit at once instead of doing the same work."""
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, text

from ..errors import SandboxError
from ..extensions import db
from ..labels import Instrument, Role
from ..models import Application
from ..states import ApplicationState as S
from ..transaction import atomic
from ..workflow.machine import SYSTEM
from . import reminders
from .delivery import deliver_pending
from .notifications import notify, users_with_role
from .workflow import fire

TICK_LOCK_KEY = 0x5B_71C4  # any constant shared by every tick process


@dataclass
class TickReport:
    lines: list = field(default_factory=list)
    locked_out: bool = False
    delivery: object = None

    def add(self, what, detail):
        self.lines.append(f"{what}: {detail}")

    def count(self, what):
        return sum(1 for line in self.lines if line.startswith(what + ":"))

    def output(self):
        if self.locked_out:
            return ["another tick is running; nothing done"]
        lines = self.lines or ["nothing due"]
        return lines + ([self.delivery.summary()] if self.delivery is not None else [])


@contextmanager
def tick_lock():
    """True when this process may tick. Session-level advisory lock on a dedicated connection,
    so the commits of the work itself do not release it."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        yield True  # SQLite: one writer at a time, and the dedupe keys keep a second run harmless
        return
    with engine.connect() as connection:
        acquired = connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                      {"key": TICK_LOCK_KEY}).scalar()
        connection.commit()
        try:
            yield bool(acquired)
        finally:
            if acquired:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": TICK_LOCK_KEY})
                connection.commit()


def apply_deemed_outcomes(now, report):
    """Quick confirmations unanswered for the full answer period become 'no regulation applies'."""
    days = current_app.config.get("QUICK_CONFIRMATION_DAYS", 30)
    ids = db.session.scalars(select(Application.id).where(
        Application.instrument == Instrument.quick_confirmation, Application.state == S.submitted,
        Application.submitted_at <= now - timedelta(days=days)).order_by(Application.id)).all()
    for application_id in ids:
        application = db.session.get(Application, application_id)
        try:
            fire(application, "deem_no_regulation", SYSTEM, now=now)
        except SandboxError as exc:
            # Answered or moved meanwhile (another tick, an officer): nothing to do for this file.
            report.add("not deemed", f"{application.reference}: {exc.message or type(exc).__name__}")
        else:
            report.add("deemed no regulation", f"{application.reference} “{application.display_title}”")


def flag_start_deadlines(now, report):
    """Tell the office once when an approved trial has not started by its deadline (it may be cancelled)."""
    items = [item for item in reminders.start_deadlines(now) if item.due < now.date()]
    if not items:
        return
    office = users_with_role(Role.office)
    with atomic(), force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "ko")):
        for item in items:
            subject = _("Start deadline passed: %(what)s", what=item.what)
            body = _("The trial was due to start by %(due)s and has not started. "
                     "The approval may be cancelled after a hearing.", due=item.due.isoformat())
            created = notify(office, "start_deadline", subject, body, item.link, item.application,
                             dedupe_key=f"start-deadline:{item.key}:{item.due.isoformat()}", now=now)
            if created:
                report.add("start deadline passed", f"{item.what} → {created} office member(s)")


def tick(now=None, deliver=True):
    """Apply deemed outcomes, flag late starts, queue reminders and escalations, then send email."""
    now = now or datetime.now(timezone.utc)
    report = TickReport()
    with tick_lock() as acquired:
        if not acquired:
            report.locked_out = True
            return report
        apply_deemed_outcomes(now, report)
        flag_start_deadlines(now, report)
        with atomic():
            reminders.send_reminders(now, report)
        with atomic():
            reminders.escalate_overdue(now, report)
        if deliver:
            report.delivery = deliver_pending(now)
    return report
