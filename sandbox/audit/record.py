"""The one writer of audit events. Adds to the caller's transaction; never commits."""
import json
from datetime import datetime, timezone

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import AuditEvent, AuditHead
from .chain import GENESIS, event_hash, format_time

SYSTEM = "system"


def _json_safe(data):
    # Dates, enums and decimals become strings once, so the stored JSON hashes the same on re-read.
    return json.loads(json.dumps(data or {}, default=str, ensure_ascii=False))


def _actor_fields(actor, role):
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if actor is None or actor == SYSTEM:
        return None, SYSTEM, role or SYSTEM
    return actor.id, actor.email, role or ",".join(sorted(actor.role_set))


def _select_head_for_update(session):
    return session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()


def _create_head(session):
    """The first writer ever creates the head row; concurrent first writers must not collide on it."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(insert(AuditHead).values(id=1, seq=0, hash=GENESIS)
                    .on_conflict_do_nothing(index_elements=["id"]))


def _lock_head(session):
    # FOR UPDATE serialises writers on PostgreSQL so the chain never forks; SQLite has one writer.
    head = _select_head_for_update(session)
    if head is None:
        _create_head(session)
        head = _select_head_for_update(session)
    return head


def record(action, subject=None, *, application=None, from_state=None, to_state=None, data=None,
           actor=None, role=None, zone_id=None, actor_label=None):
    """Append one event for `action` (dotted past tense, e.g. `application.submitted`)."""
    session = db.session
    actor_id, actor_name, actor_role = _actor_fields(actor, role)
    if actor_label:
        actor_name = actor_label
    if application is not None and zone_id is None:
        zone_id = application.zone_id
    head = _lock_head(session)
    now = datetime.now(timezone.utc)
    fields = {
        "seq": head.seq + 1,
        "occurred_at": format_time(now),
        "actor_id": actor_id,
        "actor_name": actor_name or "",
        "actor_role": actor_role or "",
        "ip": (request.remote_addr or "") if has_request_context() else "",
        "action": action,
        "subject_type": type(subject).__name__.lower() if subject is not None else "",
        "subject_id": str(getattr(subject, "id", "") or "") if subject is not None else "",
        "application_id": application.id if application is not None else None,
        "zone_id": zone_id,
        "from_state": str(from_state or ""),
        "to_state": str(to_state or ""),
        "data": _json_safe(data),
        "prev_hash": head.hash,
    }
    digest = event_hash(fields)
    event = AuditEvent(**{**fields, "occurred_at": now}, hash=digest)
    session.add(event)
    head.seq = fields["seq"]
    head.hash = digest
    session.flush()
    return event


def event_fields(event):
    """The hashed fields of a stored event, as the chain and exports see them."""
    return {
        "seq": event.seq, "occurred_at": format_time(event.occurred_at), "actor_id": event.actor_id,
        "actor_name": event.actor_name, "actor_role": event.actor_role, "ip": event.ip,
        "action": event.action, "subject_type": event.subject_type, "subject_id": event.subject_id,
        "application_id": event.application_id, "zone_id": event.zone_id, "from_state": event.from_state,
        "to_state": event.to_state, "data": event.data, "prev_hash": event.prev_hash, "hash": event.hash,
    }
