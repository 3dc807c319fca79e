"""Applicants create organisations and join them by invitation code; a user may belong to several."""
from sandbox.models import Organisation

from .conftest import login
from .factories import OrganisationFactory


def test_create_and_join(client, make_user, db):
    founder = make_user("applicant")
    login(client, founder)
    response = client.post("/applicant/organisations/create", data={
        "create-name": "서울로봇", "create-registration_number": "123-45-67890", "create-kind": "company"})
    assert response.status_code == 302
    org = db.session.query(Organisation).one()
    assert [m.user_id for m in org.memberships] == [founder.id]
    client.post("/auth/logout")

    colleague = make_user("applicant")
    login(client, colleague)
    assert client.post("/applicant/organisations/join", data={"join-invite_code": org.invite_code}).status_code == 302
    db.session.refresh(org)
    assert {m.user_id for m in org.memberships} == {founder.id, colleague.id}
    page = client.get("/applicant/organisations").get_data(as_text=True)
    assert "서울로봇" in page


def test_one_user_in_several_organisations(client, make_user, db):
    user = make_user("applicant")
    orgs = [OrganisationFactory(), OrganisationFactory()]
    login(client, user)
    for org in orgs:
        client.post("/applicant/organisations/join", data={"join-invite_code": org.invite_code})
    db.session.refresh(user)
    assert {o.id for o in user.organisations} == {o.id for o in orgs}


def test_wrong_invitation_code_is_explained(client, make_user):
    login(client, make_user("applicant"))
    response = client.post("/applicant/organisations/join", data={"join-invite_code": "nope"})
    assert response.status_code == 422
    assert 'value="nope"' in response.get_data(as_text=True)


def test_duplicate_registration_number_keeps_the_form(client, make_user, db):
    existing = OrganisationFactory()
    login(client, make_user("applicant"))
    response = client.post("/applicant/organisations/create", data={
        "create-name": "Copycat", "create-registration_number": existing.registration_number,
        "create-kind": "company"})
    assert response.status_code == 422
    assert 'value="Copycat"' in response.get_data(as_text=True)
    assert db.session.query(Organisation).count() == 1
