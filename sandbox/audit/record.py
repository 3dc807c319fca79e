"""The one writer of audit events. Adds to the caller's transaction; never commits."""
import json
from datetime import datetime, timezone
from functools import lru_cache

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import AuditEvent, AuditHead
from ..models.base import conflict_insert
from ..transaction import lock_for_write
from .chain import GENESIS, event_hash, format_time

SYSTEM = "system"
# Extra rows written in the event's own statement on PostgreSQL; more go as separate statements.
MAX_ROWS_IN_ONE = 200


def _json_safe(data):
    # Dates, enums and decimals become strings once, so the stored JSON hashes the same on re-read.
    return json.loads(json.dumps(data or {}, default=str, ensure_ascii=False))


def event_row(action, *, actor_id, actor_name, actor_role, ip="", subject_type="", subject_id="",
              application_id=None, zone_id=None, from_state=None, to_state=None, data=None):
    """An event's fields before it takes its place in the chain (seq, time and prev_hash still None), in
    the forms that are stored and hashed. record() builds every event with it, and so does the data
    generator (sandbox/seed/scale.py), which writes rows in bulk without record()'s lock per event."""
    return {
        "seq": None,
        "occurred_at": None,
        "actor_id": actor_id,
        "actor_name": actor_name or "",
        "actor_role": actor_role or "",
        "ip": ip,
        "action": action,
        "subject_type": subject_type,
        "subject_id": str(subject_id or ""),
        "application_id": application_id,
        "zone_id": zone_id,
        "from_state": str(from_state or ""),
        "to_state": str(to_state or ""),
        "data": _json_safe(data),
        "prev_hash": None,
    }


def chained_row(fields, seq, when, prev_hash):
    """The stored row of event_row's `fields` as event `seq`, at `when` (a UTC datetime), after the event
    hashed `prev_hash`: the fields, their place in the chain and the hash over them."""
    placed = {**fields, "seq": seq, "occurred_at": format_time(when), "prev_hash": prev_hash}
    return {**placed, "occurred_at": when, "hash": event_hash(placed)}


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
    session.execute(conflict_insert(session)(AuditHead).values(id=1, seq=0, hash=GENESIS)
                    .on_conflict_do_nothing(index_elements=["id"]))


def _lock_head(session):
    # FOR UPDATE serialises writers on PostgreSQL so the chain never forks. SQLite ignores it: there the
    # write lock is taken before the head is read, or two writers read one head and both append seq+1.
    lock_for_write(session)
    head = _select_head_for_update(session)
    if head is None:
        _create_head(session)
        head = _select_head_for_update(session)
    return head


def record(action, subject=None, *, application=None, from_state=None, to_state=None, data=None,
           actor=None, role=None, zone_id=None, actor_label=None, rows_after=None):
    """Append one event for `action` (dotted past tense, e.g. `application.submitted`).

    The audit-head row lock serialises every writer until commit, so it is taken as late as possible:
    the caller's pending changes are flushed and the event's fields prepared first; under the lock only
    the sequence number, the time, the hash and the writes remain. Callers should record last, right
    before their transaction commits.

    `rows_after(event)` may return rows that quote the event (e.g. notices keyed by its seq) as a list
    of (table, rows, conflict_column): they are inserted in the same transaction, skipping rows whose
    conflict_column value exists already (ON CONFLICT DO NOTHING). On PostgreSQL the event, the head
    and those rows are written in one statement, so the lock is held for one round trip and the commit."""
    session = db.session
    # Pending rows get their ids (the subject may be new) and their statements run before the lock.
    session.flush()
    actor_id, actor_name, actor_role = _actor_fields(actor, role)
    if actor_label:
        actor_name = actor_label
    if application is not None and zone_id is None:
        zone_id = application.zone_id
    fields = event_row(
        action, actor_id=actor_id, actor_name=actor_name, actor_role=actor_role,
        ip=(request.remote_addr or "") if has_request_context() else "",
        subject_type=type(subject).__name__.lower() if subject is not None else "",
        subject_id=getattr(subject, "id", "") if subject is not None else "",
        application_id=application.id if application is not None else None, zone_id=zone_id,
        from_state=from_state, to_state=to_state, data=data)
    head = _lock_head(session)
    row = chained_row(fields, head.seq + 1, datetime.now(timezone.utc), head.hash)
    event = AuditEvent(**row)
    also = [(table, rows, conflict)
            for table, rows, conflict in (rows_after(event) if rows_after else ()) if rows]
    postgresql = session.get_bind().dialect.name == "postgresql"
    if postgresql and sum(len(rows) for _table, rows, _conflict in also) <= MAX_ROWS_IN_ONE:
        _append_in_one_statement(session, head, event, also)
        return event
    session.add(event)
    head.seq = row["seq"]
    head.hash = row["hash"]
    session.flush()
    for table, rows, conflict in also:
        session.execute(conflict_insert(session)(table).values(rows)
                        .on_conflict_do_nothing(index_elements=[conflict]))
    return event


def _insert_sql(table, columns, count, prefix, conflict=None):
    rows = ", ".join("(" + ", ".join(f":{prefix}{n}_{c}" for c in columns) + ")" for n in range(count))
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES {rows}"
    binds = [bindparam(f"{prefix}{n}_{c}", type_=table.c[c].type) for n in range(count) for c in columns]
    return sql + (f" ON CONFLICT ({conflict}) DO NOTHING" if conflict else ""), binds


@lru_cache(maxsize=64)
def _append_statement(shape):
    """WITH head AS (UPDATE audit_head ...), also_0 AS (INSERT ...) INSERT INTO audit_events ...: one
    text statement per shape ((table, row count, conflict column) of the extra rows), built once."""
    event_table = AuditEvent.__table__
    event_sql, binds = _insert_sql(event_table, [c.name for c in event_table.columns], 1, "e")
    ctes = ["audit_head_moved AS (UPDATE audit_head SET seq = :head_seq, hash = :head_hash WHERE id = 1)"]
    binds += [bindparam("head_seq", type_=AuditHead.__table__.c.seq.type),
              bindparam("head_hash", type_=AuditHead.__table__.c.hash.type)]
    for k, (table, count, conflict) in enumerate(shape):
        columns = [c.name for c in table.columns if c.name != "id"]
        sql, more = _insert_sql(table, columns, count, f"a{k}r", conflict)
        ctes.append(f"also_{k} AS ({sql})")
        binds += more
    return text(f"WITH {', '.join(ctes)} {event_sql}").bindparams(*binds)


def _append_in_one_statement(session, head, event, also):
    event_table = AuditEvent.__table__
    params = {f"e0_{c.name}": getattr(event, c.key) for c in event_table.columns}
    params.update(head_seq=event.seq, head_hash=event.hash)
    for k, (table, rows, _conflict) in enumerate(also):
        columns = [c.name for c in table.columns if c.name != "id"]
        for n, row in enumerate(rows):
            params.update({f"a{k}r{n}_{c}": row.get(c) for c in columns})
    shape = tuple((table, len(rows), conflict) for table, rows, conflict in also)
    session.execute(_append_statement(shape), params)
    # The returned event is a detached copy of the stored row (every field set, readable after commit).
    # It is not attached to the session: a rollback then leaves nothing behind that could collide
    # with the next event to take the same seq.
    make_transient_to_detached(event)
    set_committed_value(head, "seq", event.seq)
    set_committed_value(head, "hash", event.hash)


def event_fields(event):
    """The hashed fields of a stored event, as the chain and exports see them."""
    return {
        "seq": event.seq, "occurred_at": format_time(event.occurred_at), "actor_id": event.actor_id,
        "actor_name": event.actor_name, "actor_role": event.actor_role, "ip": event.ip,
        "action": event.action, "subject_type": event.subject_type, "subject_id": event.subject_id,
        "application_id": event.application_id, "zone_id": event.zone_id, "from_state": event.from_state,
        "to_state": event.to_state, "data": event.data, "prev_hash": event.prev_hash, "hash": event.hash,
    }
