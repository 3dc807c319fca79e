"""Two officers deciding one organisation dispute at the same moment: one decision stands, the other
officer gets the 409 page, and the organisation changes once."""
from sqlalchemy import select

from sandbox.audit.integrity import verify_database
from sandbox.extensions import db
from sandbox.labels import Role
from sandbox.models import AuditEvent, DisputeState, Organisation, OrganisationDispute
from sandbox.services import disputes

from .. import factories

OFFICERS = 4


def test_officers_resolving_one_dispute_at_once_decide_it_once(live_server):
    with live_server.app.app_context():
        holder = factories.MembershipFactory()
        filer = factories.UserFactory(roles=[Role.applicant])
        dispute = disputes.file_dispute(filer, holder.organisation.registration_number, "Real Co", "company",
                                        "The number is ours.")
        organisation_id, path = holder.organisation_id, f"/office/organisation-disputes/{dispute.id}/resolve"
        filer_id, holder_id = filer.id, holder.user_id
        officers = [factories.UserFactory(roles=[Role.office]) for _ in range(OFFICERS)]
        cookies = [live_server.log_in(officer) for officer in officers]
    outcomes = ["transferred", "holder_confirmed"] * (OFFICERS // 2)

    results = live_server.all_at_once([
        (lambda cookie=cookie, outcome=outcome: live_server.request(
            "POST", path, cookie, {"outcome": outcome, "note": f"Decided: {outcome}."}))
        for cookie, outcome in zip(cookies, outcomes)])

    statuses = [r[0] if isinstance(r, tuple) else repr(r) for r in results]
    assert sorted(statuses) == [303] + [409] * (OFFICERS - 1), statuses
    decided = outcomes[statuses.index(303)]
    with live_server.app.app_context():
        stored = db.session.scalars(select(OrganisationDispute)).one()
        assert stored.state == DisputeState(decided) and stored.resolution_note == f"Decided: {decided}."
        members = {m.user_id for m in db.session.get(Organisation, organisation_id).memberships}
        assert members == ({filer_id} if decided == "transferred" else {holder_id})
        resolved = db.session.scalars(select(AuditEvent)
                                      .where(AuditEvent.action == "organisation.dispute_resolved")).all()
        assert len(resolved) == 1
        verify_database()
