"""A registration number already registered by someone else can be disputed; the office verifies and
resolves; the real company is never locked out (issue 14, item 7)."""
import io
import re

import pytest
from sqlalchemy import select

from sandbox.audit.integrity import verify_database
from sandbox.labels import Role
from sandbox.models import (Application, AuditEvent, DisputeState, Membership, Notification, Organisation,
                            OrganisationDispute)

from .conftest import login
from .factories import ApplicationFactory, MembershipFactory, OrganisationFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
NUMBER = "214-87-00042"


@pytest.fixture
def squatted(db):
    """An organisation registered by the wrong company under company B's number, with a draft filed."""
    organisation = OrganisationFactory(name="Squatter Ltd", registration_number=NUMBER)
    membership = MembershipFactory(organisation=organisation)
    ApplicationFactory(organisation=membership.organisation, created_by=membership.user)
    return membership.organisation


@pytest.fixture
def company_b(make_user):
    return make_user("applicant", email="ceo@company-b.kr")


@pytest.fixture
def office(make_user):
    return make_user("secretariat", email="officer@sandbox.kr")


def file_dispute(client, statement="We are Company B; our certificate is attached.", evidence=None, **fields):
    data = {"registration_number": NUMBER, "name": "Company B Co., Ltd.", "kind": "company",
            "statement": statement, **fields}
    if evidence is not None:
        data["evidence"] = (io.BytesIO(evidence[0]), evidence[1])
    return client.post("/applicant/organisations/disputes/new", data=data, content_type="multipart/form-data")


def resolve(client, dispute, outcome, note="Checked the certificate with the national tax service."):
    return client.post(f"/office/organisation-disputes/{dispute.id}/resolve",
                       data={"outcome": outcome, "note": note})


def notices_of(db, user):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id)).all()


def events(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def the_dispute(db):
    db.session.expire_all()
    return db.session.scalars(select(OrganisationDispute)).one()


def switch(client, user):
    client.post("/auth/logout")
    login(client, user)


def test_a_taken_number_offers_a_dispute_instead_of_a_dead_end(client, squatted, company_b):
    login(client, company_b)
    refused = client.post("/applicant/organisations/create", data={
        "create-name": "Company B Co., Ltd.", "create-registration_number": NUMBER, "create-kind": "company"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "You are not locked out" in html
    link = re.search(r'href="(/applicant/organisations/disputes/new\?[^"]+)"', html)[1].replace("&amp;", "&")
    form = client.get(link).get_data(as_text=True)
    assert f'value="{NUMBER}"' in form and 'value="Company B Co., Ltd."' in form  # nothing typed is lost
    assert "Squatter Ltd" not in form  # the holder's name is the office's to see, not the disputer's


def test_filing_a_dispute_tells_both_sides_and_the_office_and_is_audited(client, db, squatted, company_b,
                                                                         office):
    holder = squatted.members[0]
    login(client, company_b)
    response = file_dispute(client)
    assert response.status_code == 303
    dispute = the_dispute(db)
    assert (dispute.state, dispute.organisation_id, dispute.filed_by_id) == (DisputeState.open, squatted.id,
                                                                               company_b.id)
    assert "Your dispute over registration number" in notices_of(db, company_b)[-1].subject
    assert "A dispute over the registration number of Squatter Ltd" == notices_of(db, holder)[-1].subject
    assert "ceo@company-b.kr" not in notices_of(db, holder)[-1].body  # the holder is not told who disputes
    office_notice = notices_of(db, office)[-1]
    assert office_notice.link == f"/office/organisation-disputes/{dispute.id}"
    [event] = events(db, "organisation.dispute_filed")
    assert event.actor_id == company_b.id and event.data["registration_number"] == NUMBER
    page = client.get("/applicant/organisations").get_data(as_text=True)
    assert "My disputes over registration numbers" in page and "Open: the office is verifying" in page
    # Nothing changed yet: the holder keeps the organisation until the office decides.
    assert [m.user_id for m in db.session.get(Organisation, squatted.id).memberships] == [holder.id]


def test_evidence_is_stored_and_each_download_audited_and_the_holder_cannot_read_it(client, db, squatted,
                                                                                    company_b, office):
    login(client, company_b)
    assert file_dispute(client, statement="", evidence=(PDF, "certificate.pdf")).status_code == 303
    dispute = the_dispute(db)
    assert dispute.evidence_media_type == "application/pdf" and dispute.evidence_size == len(PDF)

    switch(client, office)
    download = client.get(f"/office/organisation-disputes/{dispute.id}/evidence")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].endswith(f"dispute-{dispute.id}-evidence.pdf")
    [event] = events(db, "organisation.dispute_evidence_downloaded")
    assert event.actor_id == office.id

    switch(client, squatted.members[0])
    assert client.get(f"/applicant/organisations/disputes/{dispute.id}/evidence").status_code == 403
    assert client.get(f"/office/organisation-disputes/{dispute.id}").status_code == 403
    assert len(events(db, "organisation.dispute_evidence_downloaded")) == 1


@pytest.mark.parametrize("statement, evidence, message", [
    ("", None, "Give a statement, upload evidence, or both."),
    ("It is ours.", (b"<html>not a certificate</html>", "certificate.pdf"), "Only PDF, PNG, JPEG and WebP"),
    ("x" * 5001, None, "Field cannot be longer than 5000 characters."),
])
def test_a_bad_dispute_is_explained_with_the_form_kept(client, db, squatted, company_b, statement, evidence,
                                                       message):
    login(client, company_b)
    response = file_dispute(client, statement=statement, evidence=evidence)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and 'value="Company B Co., Ltd."' in html
    assert db.session.scalars(select(OrganisationDispute)).all() == []
    assert events(db, "organisation.dispute_filed") == []


def test_one_open_dispute_per_person_and_number(client, db, squatted, company_b):
    login(client, company_b)
    assert file_dispute(client).status_code == 303
    again = file_dispute(client, statement="Again.")
    assert again.status_code == 422 and "You have an open dispute over this number already" in again.get_data(
        as_text=True)
    assert len(db.session.scalars(select(OrganisationDispute)).all()) == 1


def test_nothing_to_dispute_over_a_free_number_or_ones_own_organisation(client, db, squatted, company_b):
    login(client, company_b)
    free = file_dispute(client, registration_number="999-99-99999")
    assert free.status_code == 422 and "you can register it yourself" in free.get_data(as_text=True)
    switch(client, squatted.members[0])
    own = file_dispute(client)
    assert own.status_code == 422 and "You are a member of the organisation" in own.get_data(as_text=True)


def test_the_office_sees_open_disputes_in_its_queue(client, db, squatted, company_b, office):
    login(client, company_b)
    file_dispute(client)
    switch(client, office)
    queue = client.get("/office/").get_data(as_text=True)
    assert "1 open dispute over an organisation" in queue
    listing = client.get("/office/organisation-disputes").get_data(as_text=True)
    assert NUMBER in listing and "Squatter Ltd" in listing and "Company B Co., Ltd." in listing
    page = client.get(f"/office/organisation-disputes/{the_dispute(db).id}").get_data(as_text=True)
    assert "Record the decision" in page and squatted.members[0].email in page


def test_confirming_the_holder_keeps_the_organisation_and_tells_both_sides(client, db, squatted, company_b,
                                                                           office):
    holder = squatted.members[0]
    login(client, company_b)
    file_dispute(client)
    switch(client, office)
    assert resolve(client, the_dispute(db), "holder_confirmed").status_code == 303

    dispute = the_dispute(db)
    assert dispute.state == DisputeState.holder_confirmed and dispute.resolved_by_id == office.id
    organisation = db.session.get(Organisation, squatted.id)
    assert organisation.name == "Squatter Ltd"
    assert [m.user_id for m in organisation.memberships] == [holder.id]
    assert "the registered holder keeps it" in notices_of(db, company_b)[-1].subject
    assert "your organisation keeps the number" in notices_of(db, holder)[-1].subject
    assert "national tax service" in notices_of(db, company_b)[-1].body
    [event] = events(db, "organisation.dispute_resolved")
    assert event.data["outcome"] == "holder_confirmed" and event.actor_id == office.id
    verify_database()


def test_transferring_gives_company_b_the_organisation_and_locks_the_wrong_holder_out(client, db, squatted,
                                                                                      company_b, office):
    holder = squatted.members[0]
    old_code = squatted.invite_code
    squatted_file = db.session.scalars(
        select(Application).where(Application.organisation_id == squatted.id)).one()
    login(client, company_b)
    file_dispute(client)
    switch(client, office)
    assert resolve(client, the_dispute(db), "transferred").status_code == 303

    db.session.expire_all()
    organisation = db.session.get(Organisation, squatted.id)
    assert organisation.registration_number == NUMBER and organisation.name == "Company B Co., Ltd."
    assert [m.user_id for m in organisation.memberships] == [company_b.id]
    assert organisation.invite_code != old_code
    assert "the organisation is now yours" in notices_of(db, company_b)[-1].subject
    assert "the organisation was transferred" in notices_of(db, holder)[-1].subject
    [event] = events(db, "organisation.dispute_resolved")
    assert event.data["outcome"] == "transferred" and event.data["members_removed"] == [holder.email]
    assert event.data["previous_name"] == "Squatter Ltd"
    verify_database()

    # The wrong holder is out: no file, no rejoining with the code they had.
    switch(client, holder)
    assert client.get(f"/files/{squatted_file.id}").status_code == 403
    rejoin = client.post("/applicant/organisations/join", data={"join-invite_code": old_code})
    assert rejoin.status_code == 422
    # Company B uses its organisation: it sees the file filed in its name and starts its own.
    switch(client, company_b)
    assert client.get(f"/files/{squatted_file.id}").status_code == 200
    started = client.post("/applicant/applications/new",
                          data={"organisation": organisation.id, "instrument": "trial_exemption"})
    assert started.status_code == 302
    assert db.session.scalar(select(Application).where(Application.created_by_id == company_b.id)) is not None


@pytest.mark.parametrize("form, message", [
    ({"outcome": "transferred", "note": ""}, "Give the reason for the decision."),
    ({"outcome": "hand_to_anyone", "note": "Because."}, "Not a valid choice"),
    ({"note": "Because."}, "Choose a decision."),
])
def test_a_decision_needs_a_known_outcome_and_a_reason(client, db, squatted, company_b, office, form,
                                                       message):
    login(client, company_b)
    file_dispute(client)
    switch(client, office)
    dispute = the_dispute(db)
    response = client.post(f"/office/organisation-disputes/{dispute.id}/resolve", data=form)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert the_dispute(db).state == DisputeState.open
    assert events(db, "organisation.dispute_resolved") == []


def test_only_an_uninvolved_officer_resolves(client, db, squatted, company_b, make_user):
    login(client, company_b)
    file_dispute(client)
    dispute = the_dispute(db)
    outsiders = [make_user("applicant"), make_user("admin"), make_user("auditor")]
    # An officer who belongs to the disputed organisation, and one who filed the dispute themselves.
    insider = make_user("secretariat", "applicant")
    db.session.add(Membership(user=insider, organisation_id=squatted.id))
    db.session.commit()
    for user in outsiders:
        switch(client, user)
        assert client.get("/office/organisation-disputes").status_code == 403
        assert resolve(client, dispute, "transferred").status_code == 403
    switch(client, insider)
    page = client.get(f"/office/organisation-disputes/{dispute.id}").get_data(as_text=True)
    assert "You are a member of the disputed organisation" in page and "Record the decision" not in page
    assert resolve(client, dispute, "holder_confirmed").status_code == 403

    filer = make_user("secretariat", "applicant")
    switch(client, filer)
    assert file_dispute(client).status_code == 303
    own = db.session.scalars(
        select(OrganisationDispute).where(OrganisationDispute.filed_by_id == filer.id)).one()
    assert resolve(client, own, "transferred").status_code == 403
    assert all(d.state == DisputeState.open for d in db.session.scalars(select(OrganisationDispute)))
    assert events(db, "organisation.dispute_resolved") == []


def test_a_resolved_dispute_cannot_be_decided_again(client, db, squatted, company_b, office, make_user):
    login(client, company_b)
    file_dispute(client)
    switch(client, office)
    dispute = the_dispute(db)
    assert resolve(client, dispute, "holder_confirmed").status_code == 303
    switch(client, make_user("secretariat"))
    again = resolve(client, dispute, "transferred")
    assert again.status_code == 409
    assert "Another officer resolved this dispute first" in again.get_data(as_text=True)
    assert the_dispute(db).state == DisputeState.holder_confirmed
    assert [m.user_id for m in db.session.get(Organisation, squatted.id).memberships] != [company_b.id]


def test_office_role_is_needed_in_the_policy(db, squatted):
    from sandbox import policy
    dispute = OrganisationDispute(organisation=squatted, filed_by=UserFactory(roles=[Role.applicant]),
                                  registration_number=NUMBER, claimed_name="B", claimed_kind="company",
                                  statement="Ours.", state=DisputeState.open)
    assert policy.may(UserFactory(roles=[Role.office]), "dispute.resolve", dispute)
    assert not policy.may(UserFactory(roles=[Role.admin]), "dispute.resolve", dispute)
    assert not policy.may(squatted.members[0], "dispute.evidence", dispute)
    db.session.rollback()
