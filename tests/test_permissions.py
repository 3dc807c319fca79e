"""Each role's page refuses the other roles with 403 and sends anonymous visitors to log in."""
import pytest

from sandbox.labels import Role

from .conftest import login

ROLE_PAGES = {
    Role.applicant: "/applicant/",
    Role.office: "/office/",
    Role.reviewer: "/review/",
    Role.authority: "/authority/",
    Role.committee: "/committee/",
    Role.auditor: "/audit/",
    Role.admin: "/admin/users",
}
HEADINGS = {
    Role.applicant: "My applications",
    Role.office: "Office queue",
    Role.reviewer: "My reviews",
    Role.authority: "Exemption opinions",
    Role.committee: "Committee agenda",
    Role.auditor: "Audit log",
    Role.admin: "Users and roles",
}
CASES = [(role, page, other) for role, page in ROLE_PAGES.items() for other in Role
         if other != role and not (role == Role.committee and other == Role.chair)]


@pytest.mark.parametrize("role,page", ROLE_PAGES.items(), ids=[r.value for r in ROLE_PAGES])
def test_role_page_opens_for_its_role(client, make_user, role, page):
    login(client, make_user(role))
    response = client.get(page)
    assert response.status_code == 200
    assert f"<h1>{HEADINGS[role]}</h1>" in response.get_data(as_text=True)


@pytest.mark.parametrize("role,page,other", CASES, ids=[f"{r.value}-page-as-{o.value}" for r, _, o in CASES])
def test_role_page_refuses_other_roles(client, make_user, role, page, other):
    login(client, make_user(other))
    response = client.get(page)
    assert response.status_code == 403
    assert "403" in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ROLE_PAGES.values())
def test_anonymous_visitors_are_sent_to_log_in(client, page):
    response = client.get(page)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_chair_sees_the_committee_agenda(client, make_user):
    login(client, make_user(Role.chair))
    response = client.get("/committee/")
    assert response.status_code == 200
    assert "<h1>Committee agenda</h1>" in response.get_data(as_text=True)


def test_admin_grants_and_revokes_roles_and_each_change_is_recorded(client, make_user, db):
    from sandbox.models import AuditEvent
    admin = make_user(Role.admin)
    person = make_user(Role.applicant)
    login(client, admin)
    assert client.post(f"/admin/users/{person.id}/roles/grant", data={"role": "reviewer"}).status_code == 302
    db.session.refresh(person)
    assert Role.reviewer in person.role_set
    client.post(f"/admin/users/{person.id}/roles/revoke", data={"role": "reviewer"})
    db.session.refresh(person)
    assert Role.reviewer not in person.role_set
    actions = [e.action for e in db.session.query(AuditEvent).filter(AuditEvent.action.like("user.role_%"))]
    assert actions == ["user.role_granted", "user.role_revoked"]


def test_admin_cannot_remove_own_admin_role(client, make_user, db):
    admin = make_user(Role.admin)
    login(client, admin)
    client.post(f"/admin/users/{admin.id}/roles/revoke", data={"role": "admin"})
    db.session.refresh(admin)
    assert Role.admin in admin.role_set
