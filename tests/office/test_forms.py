"""The office's assignment and meeting forms: input the form cannot take comes back with a clear message,
everything typed still in place, and nothing saved."""
from datetime import date

from sqlalchemy import func, select

from sandbox.extensions import db
from sandbox.labels import Role
from sandbox.models import Assignment, AuditEvent, CommitteeMeeting
from sandbox.states import ApplicationState as S

from ..conftest import login
from ..factories import ApplicationFactory, ExemptionRequestFactory


def count(model):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def audit_count():
    return count(AuditEvent)


def test_reviewer_with_an_impossible_due_date_is_refused_and_kept(client, make_user):
    application = ApplicationFactory(state=S.expert_review)
    reviewer = make_user(Role.reviewer)
    login(client, make_user(Role.office))
    before = audit_count()
    response = client.post(f"/office/files/{application.id}/assignments/reviewer",
                           data={"reviewer_id": str(reviewer.id), "due": "2026-02-30"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Not a valid date value" in page
    assert f'<option value="{reviewer.id}" selected>' in page        # the pick is kept
    assert 'value="2026-02-30"' in page                             # and so is what was typed
    assert count(Assignment) == 0 and audit_count() == before


def test_reviewer_must_be_chosen(client, make_user):
    application = ApplicationFactory(state=S.expert_review)
    login(client, make_user(Role.office))
    response = client.post(f"/office/files/{application.id}/assignments/reviewer",
                           data={"reviewer_id": "99999999999999999999", "due": "2031-01-15"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose a reviewer." in page and 'value="2031-01-15"' in page
    assert count(Assignment) == 0


def test_authority_for_another_files_exemption_is_refused(client, make_user):
    application = ApplicationFactory(state=S.exemption_check)
    elsewhere = ExemptionRequestFactory()
    authority = make_user(Role.authority)
    login(client, make_user(Role.office))
    response = client.post(f"/office/files/{application.id}/assignments/authority", data={
        "exemption_request_id": str(elsewhere.id), "authority_id": str(authority.id), "due": "2031-01-15"})
    assert response.status_code == 422
    assert "Choose the exemption and the authority officer." in response.get_data(as_text=True)
    assert count(Assignment) == 0


def test_meeting_with_a_bad_date_keeps_title_and_members(client, make_user):
    members = [make_user(Role.committee) for _ in range(3)]
    login(client, make_user(Role.office))
    before = audit_count()
    response = client.post("/office/meetings", data={
        "title": "Spring session", "meets_on": "2026-13-01", "members": [str(m.id) for m in members[:2]]})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Not a valid date value" in page and 'value="Spring session"' in page
    for member in members[:2]:
        assert f'id="member-{member.id}" name="members" value="{member.id}" checked' in page
    assert f'id="member-{members[2].id}" name="members" value="{members[2].id}">' in page
    assert count(CommitteeMeeting) == 0 and audit_count() == before


def test_meeting_refused_by_the_service_says_why_and_keeps_the_input(client, make_user):
    make_user(Role.committee)
    login(client, make_user(Role.office))
    response = client.post("/office/meetings", data={"title": "No one invited", "meets_on": "2031-03-04"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose the members of the meeting." in page
    assert 'value="No one invited"' in page and 'value="2031-03-04"' in page
    assert count(CommitteeMeeting) == 0


def test_meeting_members_must_be_committee_members(client, make_user):
    outsider = make_user(Role.reviewer)
    login(client, make_user(Role.office))
    response = client.post("/office/meetings", data={
        "title": "Stacked", "meets_on": "2031-03-04", "members": [str(outsider.id)]})
    assert response.status_code == 422
    assert "not a valid choice" in response.get_data(as_text=True)
    assert count(CommitteeMeeting) == 0


def test_agenda_pick_must_name_a_file(client, make_user):
    office = make_user(Role.office)
    meeting = CommitteeMeeting(title="Session", meets_on=date(2031, 3, 4),
                               created_by_id=office.id)
    db.session.add(meeting)
    db.session.commit()
    login(client, office)
    response = client.post(f"/office/meetings/{meeting.id}", data={"application_id": "abc"})
    assert response.status_code == 422
    assert "Choose a file." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CommitteeMeeting, meeting.id).items == []


def test_bulk_csv_without_the_columns_is_refused_and_kept(client, make_user):
    login(client, make_user(Role.office))
    response = client.post("/office/assignments/bulk", data={"csv": "only,two\n1,2\n", "action": "apply"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The CSV needs the columns" in page and "only,two" in page
    assert count(Assignment) == 0
