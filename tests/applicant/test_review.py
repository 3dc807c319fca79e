"""The review page lists what the submit guards still miss, links each item to its step, and offers
Submit only when nothing is missing."""
from sandbox.extensions import db
from sandbox.labels import Instrument
from sandbox.models import Application, StageClock
from sandbox.states import ApplicationState

from .. import factories
from .conftest import start_draft
from .test_steps import edit_url, reload


def review(client, application):
    response = client.get(edit_url(application, "review"))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_draft_without_exemptions_is_told_to_request_one_with_a_link(client, member, organisation):
    draft = factories.ApplicationFactory(organisation=organisation, created_by=member, exemptions=[])
    html = review(client, draft)
    assert "Request at least one exemption." in html
    assert f'href="{edit_url(draft, "exemptions")}"' in html
    assert "/actions/submit" not in html


def test_empty_draft_lists_every_missing_item_each_linked_to_its_step(client, empty_draft):
    html = review(client, empty_draft)
    for item, step in [("Choose a zone.", "basics"), ("Choose a technology category.", "basics"),
                       ("Innovation", "benefit"), ("Regulations to be waived", "exemptions"),
                       ("Give the trial site", "scope"), ("Give the trial period", "scope"),
                       ("Safety plan", "plans"), ("Request at least one exemption.", "exemptions")]:
        line = next(li for li in html.split("<li>") if item in li)
        assert f'href="{edit_url(empty_draft, step)}"' in line, item


def test_site_outside_the_zone_is_listed(client, member, organisation):
    draft = factories.ApplicationFactory(organisation=organisation, created_by=member,
                                         site_geojson={"type": "Point", "coordinates": [127.05, 37.50]})
    html = review(client, draft)
    assert "must lie wholly inside the zone" in html
    assert f'href="{edit_url(draft, "scope")}"' in html


def test_complete_draft_is_submitted_from_the_review_page(client, complete_draft):
    html = review(client, complete_draft)
    assert "Nothing is missing" in html
    action = f"/files/{complete_draft.id}/actions/submit?version={complete_draft.version}"
    assert f'action="{action}"' in html
    response = client.post(action, follow_redirects=True)
    assert response.status_code == 200
    submitted = reload(complete_draft)
    assert submitted.state == ApplicationState.submitted
    clock = db.session.scalar(db.select(StageClock).where(StageClock.application_id == submitted.id))
    assert clock is not None and clock.ended_at is None
    assert "Submitted" in response.get_data(as_text=True)


def test_quick_confirmation_goes_through_its_shorter_steps(client, organisation):
    draft = start_draft(client, organisation, Instrument.quick_confirmation)
    html = client.get(edit_url(draft)).get_data(as_text=True)
    for step in ("basics", "question", "documents", "review"):
        assert f'href="{edit_url(draft, step)}"' in html or step == "basics"
    for absent in ("benefit", "exemptions", "scope", "plans"):
        assert edit_url(draft, absent) not in html
    assert "Write the question you want confirmed." in review(client, draft)
    client.post(edit_url(draft, "basics"), data={"zone_id": "", "title": "Home battery sharing",
                                                 "summary": "Neighbours share stored power", "go": "next"})
    response = client.post(edit_url(draft, "question"),
                           data={"question": "Is a licence needed?", "go": "next"})
    assert response.headers["Location"].endswith(edit_url(draft, "documents"))
    html = review(client, draft)
    assert "Nothing is missing" in html
    client.post(f"/files/{draft.id}/actions/submit?version={reload(draft).version}")
    assert db.session.get(Application, draft.id).state == ApplicationState.submitted


def test_supplement_answer_form_on_the_file_page_resubmits(client, complete_draft, make_user):
    from sandbox.services.workflow import fire
    office = make_user("secretariat")
    fire(complete_draft, "submit", complete_draft.created_by)
    fire(reload(complete_draft), "screen", office)
    fire(reload(complete_draft), "request_supplement", office, reason="Send the insurance quote")
    html = client.get(f"/files/{complete_draft.id}").get_data(as_text=True)
    assert "Send the insurance quote" in html and 'name="answer"' in html
    application = reload(complete_draft)
    response = client.post(f"/files/{application.id}/actions/answer_supplement?version={application.version}",
                           data={"answer": "Quote attached to the email"})
    assert response.status_code == 303
    assert reload(application).state == ApplicationState.screening
