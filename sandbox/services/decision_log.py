"""The decision log auditors read and export: one row per decision record, with the votes behind it
and the sequence number and hash of the audit event that recorded it (DESIGN §5, issue item 7)."""
import io
import json
from datetime import datetime, time, timezone

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import policy
from ..audit.record import record
from ..extensions import db
from ..labels import Instrument
from ..models import AgendaItem, Application, Decision, Opinion, Review
from ..models.committee import DecisionOutcome, VoteChoice
from ..spreadsheet import InertWriter
from ..transaction import atomic

COLUMNS = ("decision_id", "reference", "title", "organisation", "zone", "instrument", "outcome", "conditions",
           "votes", "reasons", "cited_reviews", "cited_opinions", "meeting", "decided_by", "decided_at",
           "conditions_accepted_at", "audit_seq", "audit_hash")
BATCH = 200


def _statement(filters):
    stmt = select(Decision).join(Application, Decision.application_id == Application.id)
    if filters.get("since"):
        stmt = stmt.where(Decision.decided_at >= datetime.combine(filters["since"], time.min, timezone.utc))
    if filters.get("until"):
        stmt = stmt.where(Decision.decided_at <= datetime.combine(filters["until"], time.max, timezone.utc))
    if filters.get("zone"):
        stmt = stmt.where(Application.zone_id == filters["zone"])
    if filters.get("instrument"):
        stmt = stmt.where(Application.instrument == Instrument(filters["instrument"]))
    if filters.get("outcome"):
        stmt = stmt.where(Decision.outcome == DecisionOutcome(filters["outcome"]))
    return stmt.options(
        selectinload(Decision.conditions), selectinload(Decision.decided_by),
        selectinload(Decision.application).selectinload(Application.organisation),
        selectinload(Decision.application).selectinload(Application.zone),
        selectinload(Decision.item).selectinload(AgendaItem.votes),
        selectinload(Decision.item).selectinload(AgendaItem.meeting)).order_by(Decision.id)


def _votes(decision):
    if decision.item is None:
        return []
    return [{"member": v.member.email, "choice": str(v.choice), "reason": v.reason} for v in decision.item.votes]


def _cited(decision):
    reviews = db.session.scalars(select(Review).where(Review.id.in_(decision.cited_review_ids or []))).all()
    opinions = db.session.scalars(select(Opinion).where(Opinion.id.in_(decision.cited_opinion_ids or []))).all()
    return ([{"id": r.id, "reviewer": r.assignment.user.email, "total": r.total,
              "recommendation": str(r.recommendation)} for r in reviews],
            [{"id": o.id, "authority": o.authority.email, "exemption": o.exemption_request.exemption_type.code,
              "verdict": str(o.verdict)} for o in opinions])


def row(decision):
    application = decision.application
    reviews, opinions = _cited(decision)
    return {
        "decision_id": decision.id, "reference": application.reference or "", "title": application.title,
        "organisation": application.organisation.name, "zone": application.zone.code if application.zone else "",
        "instrument": str(application.instrument), "outcome": str(decision.outcome),
        "conditions": [{"kind": str(c.kind), "parameters": c.parameters, "text": c.text} for c in decision.conditions],
        "votes": _votes(decision), "reasons": decision.reasons, "cited_reviews": reviews, "cited_opinions": opinions,
        "meeting": decision.item.meeting.title if decision.item else "",
        "decided_by": decision.decided_by.email, "decided_at": decision.decided_at.isoformat(),
        "conditions_accepted_at": decision.accepted_at.isoformat() if decision.accepted_at else "",
        "audit_seq": decision.audit_seq, "audit_hash": decision.audit_hash,
    }


def page(filters, limit=100):
    return [row(d) for d in db.session.scalars(_statement(filters).limit(limit)).all()]


def _rows(filters):
    """Every matching row, fetched in keyset batches so memory stays flat for any size."""
    last = 0
    while True:
        batch = db.session.scalars(_statement(filters).where(Decision.id > last).limit(BATCH)).all()
        if not batch:
            return
        for decision in batch:
            yield row(decision)
        last = batch[-1].id


def _flat(value):
    if isinstance(value, list):
        return " | ".join(json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, dict) else str(v)
                          for v in value)
    return value


def record_export(user, fmt, filters):
    policy.ensure(user, "decision_log.export")
    with atomic():
        record("decision_log.exported", None, actor=user,
               data={"format": fmt, **{k: v for k, v in filters.items() if v}})


def iter_csv(filters):
    buffer = io.StringIO()
    writer = InertWriter(buffer)
    writer.writerow(COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    for r in _rows(filters):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_flat(r[c]) for c in COLUMNS])
        yield buffer.getvalue()


def iter_jsonl(filters):
    for r in _rows(filters):
        yield json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n"


def vote_label(choice):
    return VoteChoice(choice).label
