"""The office's duties on a file, written as they happen: who screened it or handled it for the office.
The separation-of-duties rule that reads them is rules/duties.py."""
from ..extensions import db
from ..models import FileDuty
from ..models.base import conflict_insert, utcnow
from ..models.duties import DutyKind

# The office's triggers, and the duty each one records on the file for whoever fires it.
OFFICE_DUTIES = {
    "screen": DutyKind.screened, "accept": DutyKind.screened, "return_to_applicant": DutyKind.screened,
    "request_supplement": DutyKind.screened,
    "close_review": DutyKind.handled, "to_committee": DutyKind.handled,
}


def note_office_duty(application, trigger, actor):
    """Record that `actor` did the office's work `trigger` on the file (once per kind of duty); called by
    services.workflow.fire inside the transition's transaction."""
    kind = OFFICE_DUTIES.get(trigger)
    if kind is None or actor is None or not hasattr(actor, "id"):
        return
    session = db.session
    session.execute(conflict_insert(session)(FileDuty).values(
        application_id=application.id, user_id=actor.id, duty=kind, first_at=utcnow())
        .on_conflict_do_nothing(index_elements=["application_id", "user_id", "duty"]))


