"""Administrators manage accounts and never act on files; nobody grants a role to themselves, and every
grant and revocation is audited (DESIGN §2, issue 14)."""
import pytest
from sqlalchemy import func, select

from sandbox import policy
from sandbox.errors import PermissionDenied, ValidationFailed
from sandbox.labels import Role
from sandbox.models import AuditEvent, UserRole
from sandbox.services import accounts
from sandbox.services.workflow import available_triggers, fire
from sandbox.states import ApplicationState as S

from .conftest import login
from .factories import ApplicationFactory

ADMIN_REASON = "You hold the administrator role: administrators manage accounts and do not act on files."
SELF_GRANT = "You cannot grant a role to yourself; another administrator must do it."


def _role_events(db):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("user.role_%"))
                              .order_by(AuditEvent.seq)).all()


def test_an_admin_granting_itself_a_role_is_refused_and_nothing_changes(client, make_user, db):
    admin = make_user(Role.admin)
    login(client, admin)
    response = client.post(f"/admin/users/{admin.id}/roles/grant", data={"role": "committee"}, follow_redirects=True)
    assert response.status_code == 200
    assert SELF_GRANT in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role_set == {Role.admin}
    assert _role_events(db) == []
    with pytest.raises(ValidationFailed) as excinfo:
        accounts.grant_role(admin, admin, Role.committee)
    assert excinfo.value.message == SELF_GRANT
    assert db.session.scalar(select(func.count()).select_from(UserRole).where(UserRole.user_id == admin.id)) == 1


def test_the_admin_page_does_not_offer_granting_yourself_a_role(client, make_user):
    admin = make_user(Role.admin)
    login(client, admin)
    page = client.get("/admin/users").get_data(as_text=True)
    assert f'/admin/users/{admin.id}/roles/grant' not in page
    assert "another administrator must" in page


def test_another_admin_grants_the_role_and_the_grant_is_audited(client, make_user, db):
    admin, colleague = make_user(Role.admin), make_user(Role.admin)
    login(client, colleague)
    client.post(f"/admin/users/{admin.id}/roles/grant", data={"role": "committee"})
    db.session.refresh(admin)
    assert Role.committee in admin.role_set
    granted = next(r for r in admin.roles if r.role == Role.committee)
    assert granted.granted_by_id == colleague.id
    [event] = _role_events(db)
    assert (event.action, event.actor_id, event.data) == ("user.role_granted", colleague.id,
                                                          {"role": "committee", "user": admin.email})
    client.post(f"/admin/users/{admin.id}/roles/revoke", data={"role": "committee"})
    assert [(e.action, e.actor_id) for e in _role_events(db)] == [("user.role_granted", colleague.id),
                                                                  ("user.role_revoked", colleague.id)]


def test_only_an_admin_changes_roles_even_through_the_service(make_user):
    office, person = make_user(Role.office), make_user(Role.applicant)
    with pytest.raises(PermissionDenied):
        accounts.grant_role(office, person, Role.reviewer)
    with pytest.raises(PermissionDenied):
        accounts.revoke_role(office, person, Role.applicant)
    assert person.role_set == {Role.applicant}


def test_an_admin_given_a_file_role_still_may_not_act_on_files(client, make_user, db):
    admin, colleague = make_user(Role.admin), make_user(Role.admin)
    accounts.grant_role(colleague, admin, Role.office)
    application = ApplicationFactory(state=S.submitted)
    assert not policy.may(admin, "application.screen", application)
    assert policy.refusals(admin, "application.screen", application) == [ADMIN_REASON]
    screen = next(a for a in available_triggers(application, admin) if a["trigger"] == "screen")
    assert not screen["enabled"] and screen["reasons"] == [ADMIN_REASON]
    with pytest.raises(PermissionDenied) as excinfo:
        fire(application, "screen", admin)
    assert excinfo.value.message == ADMIN_REASON

    login(client, admin)
    response = client.post(f"/files/{application.id}/actions/screen")
    assert response.status_code == 403 and ADMIN_REASON in response.get_data(as_text=True)
    db.session.refresh(application)
    assert application.state == S.submitted
    for action in ("assignment.manage", "meeting.manage"):
        assert not policy.may(admin, action)


@pytest.mark.parametrize("role,action", [(Role.committee, "vote.cast"), (Role.chair, "decision.record"),
                                         (Role.reviewer, "review.submit"), (Role.authority, "opinion.give"),
                                         (Role.reviewer, "assignment.answer"), (Role.applicant, "application.create")])
def test_the_admin_role_excludes_every_file_act(make_user, role, action):
    admin, colleague = make_user(Role.admin), make_user(Role.admin)
    accounts.grant_role(colleague, admin, role)
    assert ADMIN_REASON in policy.refusals(admin, action, None)


def test_an_admin_is_neither_assigned_to_a_file_nor_seated_on_a_meeting(make_user):
    from datetime import date
    from sandbox.services import assignments, committee
    admin, colleague, office = make_user(Role.admin), make_user(Role.admin), make_user(Role.office)
    accounts.grant_role(colleague, admin, Role.reviewer)
    accounts.grant_role(colleague, admin, Role.committee)
    application = ApplicationFactory(state=S.submitted)
    fire(application, "screen", office)
    problems = assignments.assignment_problems(application, admin, "reviewer")
    assert any("administrators do not act on files" in p for p in problems)
    with pytest.raises(ValidationFailed) as excinfo:
        committee.create_meeting(office, "Meeting", date(2030, 1, 1), [admin])
    assert any("administrators do not act on files" in r for r in excinfo.value.reasons)
