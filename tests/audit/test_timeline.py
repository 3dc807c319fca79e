"""The history on a file's page: who did what, when, from which state to which, and why; the latest
events first in view, the whole history one click away, and only for those who may see the file."""
from sandbox.audit.record import record
from sandbox.transaction import atomic
from sandbox.states import ApplicationState as S

from ..factories import ApplicationFactory


def a_busy_file(make_user, events):
    officer = make_user("secretariat", email="park.officer@city.kr")
    application = ApplicationFactory(state=S.screening)
    with atomic():
        for n in range(events):
            record("application.supplement_requested", application, application=application,
                   from_state=S.screening, to_state=S.supplement_requested, actor=officer,
                   data={"reason": f"round {n:03d}"})
    return application


def test_the_page_shows_who_did_what_and_why(client, login_as, make_user):
    application = a_busy_file(make_user, 3)
    login_as("secretariat")
    page = client.get(f"/files/{application.id}").get_data(as_text=True)
    assert "park.officer@city.kr" in page and "round 000" in page and "round 002" in page
    assert "Show the whole history" not in page


def test_a_long_history_shows_the_latest_events_and_links_to_the_rest(client, login_as, make_user):
    application = a_busy_file(make_user, 105)
    login_as("secretariat")
    page = client.get(f"/files/{application.id}").get_data(as_text=True)
    assert "round 104" in page and "round 005" in page and "round 004" not in page
    assert "The latest 100 events are shown." in page
    whole = client.get(f"/files/{application.id}?history=all").get_data(as_text=True)
    assert "round 000" in whole and "round 104" in whole and "Show the whole history" not in whole
    assert whole.index("round 000") < whole.index("round 104")  # oldest first, as it happened


def test_people_who_may_not_see_the_file_do_not_see_its_history(client, login_as, make_user):
    application = a_busy_file(make_user, 2)
    login_as("applicant")  # of another organisation
    response = client.get(f"/files/{application.id}?history=all")
    assert response.status_code == 403 and "round 000" not in response.get_data(as_text=True)
