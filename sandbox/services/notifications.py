"""Notifications (outbox pattern). notify() adds rows to the CALLER's transaction and never commits,
so a notice exists exactly when the event that caused it does; sandbox.services.delivery sends the
emails after commit. Also the notification centre: unread counts, pages, marking read."""
from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from ..errors import PermissionDenied
from ..extensions import db
from ..labels import Role
from ..models import AuditEvent, EmailStatus, Membership, Notification, User, UserRole
from ..models.base import conflict_insert
from ..policy.disclosure import Audience, Viewer, disclose_event, pending_event
from ..states import ApplicationState as S
from ..transaction import atomic
from .letters import LETTER_KINDS, bilingual_letter

# Triggers the office hears about (applicants hear about every change of their own files).
OFFICE_TRIGGERS = frozenset({"submit", "answer_supplement"})


def _utcnow():
    return datetime.now(timezone.utc)


def site_path(endpoint, **values):
    """A path inside the site, also outside a request (tick runs from cron)."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)


def absolute_url(path):
    return current_app.config.get("BASE_URL", "").rstrip("/") + path if path else ""


def notify(users, kind, subject, body, link="", application=None, dedupe_key=None, audit_seq=None, now=None):
    """Queue one notice per distinct user in the caller's transaction; returns how many were new.

    With a dedupe_key, a notice already written under that key (by this run, an earlier one or a
    concurrent one) is silently skipped: INSERT ... ON CONFLICT DO NOTHING on the unique key."""
    rows = notice_rows(users, kind, subject, body, link, application, dedupe_key, audit_seq, now)
    if not rows:
        return 0
    stmt = conflict_insert(db.session)(Notification.__table__).values(rows)
    if dedupe_key:
        stmt = stmt.on_conflict_do_nothing(index_elements=["dedupe_key"])
    return db.session.execute(stmt).rowcount


def notice_rows(users, kind, subject, body, link="", application=None, dedupe_key=None, audit_seq=None,
                now=None):
    """The notification rows notify() inserts: one per distinct user (anything with .id and .active)."""
    now = now or _utcnow()
    rows, seen = [], set()
    for user in users:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        rows.append({
            "user_id": user.id, "kind": kind, "subject": subject[:300], "body": body, "link": link or "",
            "application_id": getattr(application, "id", None), "audit_seq": audit_seq, "created_at": now,
            "email_status": EmailStatus.pending if user.active else EmailStatus.skipped,
            "attempts": 0, "next_attempt_at": None, "last_error": "",  # None: send on the next run
            "dedupe_key": f"{dedupe_key}:u{user.id}" if dedupe_key else None,
        })
    return rows


def users_with_role(role):
    return db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                              .where(UserRole.role == Role(role), User.active.is_(True))
                              .order_by(User.id)).all()


def organisation_members(application):
    return db.session.scalars(select(User).join(Membership, Membership.user_id == User.id)
                              .where(Membership.organisation_id == application.organisation_id)
                              .order_by(User.id)).all()


# notify() needs only a recipient's id and active flag: rows, not User entities (which would also
# load every recipient's roles). Same people, same order as the two functions above.
def _member_recipients(application):
    return db.session.execute(select(User.id, User.active).join(Membership, Membership.user_id == User.id)
                              .where(Membership.organisation_id == application.organisation_id)
                              .order_by(User.id)).all()


def _role_recipients(role):
    return db.session.execute(select(User.id, User.active).join(UserRole, UserRole.user_id == User.id)
                              .where(UserRole.role == Role(role), User.active.is_(True))
                              .order_by(User.id)).all()


def _event_just_recorded(application):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.application_id == application.id)
                              .order_by(AuditEvent.seq.desc()).limit(1)).first()


def _default_locale():
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "ko")


def _transition_text(application, source, dest, shown):
    """Subject and body of a transition notice, from the event as its reader may see it (`shown`)."""
    reference = application.reference or f"#{application.id}"
    subject = _("[%(ref)s] %(state)s", ref=reference, state=S(dest).label)
    lines = [_("The file “%(title)s” (%(ref)s) moved from “%(source)s” to “%(dest)s” (by %(who)s).",
               title=application.display_title, ref=reference, source=S(source).label, dest=S(dest).label,
               who=shown.actor if shown is not None else _("the system"))]
    if shown is not None and shown.reason:
        lines.append(_("Reason: %(reason)s", reason=shown.reason))
    return subject, "\n\n".join(lines)


def _texts_for(application, source, dest, event, member_ids):
    """(the applicant's text, the office's text): the same news, each as the disclosure rule lets its
    readers see the event (the applicant sees staff only as "the sandbox office", "the committee")."""
    applicant = Viewer(None, Audience.applicant, frozenset(member_ids))
    office = Viewer(None, Audience.office, frozenset(member_ids))
    return tuple(_transition_text(application, source, dest, disclose_event(viewer, event))
                 for viewer in (applicant, office))


@dataclass
class TransitionNotices:
    """What a transition's notices need that does not depend on its audit event: recipients and the
    plain texts, gathered before the audit-head lock is taken."""
    trigger: str
    link: str
    members: list
    text: tuple
    office: list = field(default_factory=list)
    office_text: tuple = ()


def transition_recipients(application, trigger):
    """Who hears of `trigger` on the file: (the organisation's members, the office or [])."""
    members = _member_recipients(application)
    return members, _role_recipients(Role.office) if trigger in OFFICE_TRIGGERS else []


def prepare_transition_notices(application, trigger, source, dest, actor, reason, action=None,
                               recipients=None):
    """The queries and texts of notify_transition, run BEFORE the audit event is recorded (so outside
    the audit-head lock). `action`: the audit action about to be recorded; a lettered one has its
    file's zone and organisation loaded now, so rendering the letter later needs no query.
    `recipients`: transition_recipients(), when the caller has read them already."""
    if action in LETTER_KINDS:
        application.zone, application.organisation  # noqa: B018 - loaded here, outside the lock
    members, office = recipients if recipients is not None else transition_recipients(application, trigger)
    link = site_path("casefile.show", application_id=application.id)
    event = pending_event(action or f"application.{trigger}", actor, {"reason": reason} if reason else {},
                          source, dest)
    with force_locale(_default_locale()):
        text, office_text = _texts_for(application, source, dest, event, {m.id for m in members})
    notices = TransitionNotices(trigger, link, members, text)
    if trigger in OFFICE_TRIGGERS:
        notices.office = office
        notices.office_text = office_text
    return notices


def transition_notice_rows(notices, application, event):
    """The rows of the prepared notices under `event` (just recorded, same transaction): the seq is
    their dedupe key, and a lettered event's letter (which quotes the seq) is the applicant's notice.
    For audit.record(rows_after=...), which writes them together with the event."""
    seq = event.seq if event is not None else None
    with force_locale(_default_locale()):
        letter = bilingual_letter(application, event) if event is not None else None
    subject, body = letter or notices.text
    rows = notice_rows(notices.members, "letter" if letter else "transition", subject, body, notices.link,
                       application, dedupe_key=f"event:{seq}" if seq else None, audit_seq=seq)
    if notices.trigger in OFFICE_TRIGGERS:
        office_subject, office_body = notices.office_text
        rows += notice_rows(notices.office, f"office.{notices.trigger}", office_subject, office_body,
                            notices.link, application, dedupe_key=f"event:{seq}:office" if seq else None,
                            audit_seq=seq)
    return rows


def send_transition_notices(notices, application, event):
    """Queue the prepared notices under `event` (just recorded, same transaction)."""
    rows = transition_notice_rows(notices, application, event)
    if not rows:
        return 0
    stmt = conflict_insert(db.session)(Notification.__table__).values(rows)
    if event is not None:
        stmt = stmt.on_conflict_do_nothing(index_elements=["dedupe_key"])
    return db.session.execute(stmt).rowcount


def notify_transition(application, trigger, source, dest, actor, reason, event=None):
    """Tell the applicant's organisation of every change of its file (with the decision letter when
    there is one) and the office of new work, in the caller's transaction, after the event is recorded.
    services.workflow.fire calls the two halves itself, so its queries run before the audit-head lock."""
    event = event if event is not None else _event_just_recorded(application)
    notices = prepare_transition_notices(application, trigger, source, dest, actor, reason,
                                         action=event.action if event is not None else None)
    send_transition_notices(notices, application, event)


# ---- the notification centre -------------------------------------------------------------------

def unread_count(user):
    return db.session.scalar(select(func.count(Notification.id))
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def notices_for(user, page=1, per_page=30):
    """Unread first, then newest; one extra row tells whether there is a next page."""
    rows = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(), Notification.id.desc())
        .offset((page - 1) * per_page).limit(per_page + 1)).all()
    return rows[:per_page], len(rows) > per_page


def mark_read(user, notification, now=None):
    # Read markers are one person's view state, not a record of the file: not audited.
    if notification.user_id != user.id:
        raise PermissionDenied(_("This notification is not yours."))
    with atomic():
        if notification.read_at is None:
            notification.read_at = now or _utcnow()
    return notification


def mark_all_read(user, now=None):
    with atomic():
        result = db.session.execute(
            update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
            .values(read_at=now or _utcnow()).execution_options(synchronize_session=False))
    return result.rowcount
