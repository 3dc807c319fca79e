"""The public register and citizen feedback: nothing confidential ever reaches a public page; entries
appear only once the office approves a summary; feedback is throttled and shown only after moderation."""
import re

import pytest
from sqlalchemy import select

from sandbox.models import Application, Claim, Zone
from sandbox.seed.demo import load_demo
from sandbox.seed.demo_files import CONFIDENTIAL_MARK
from sandbox.seed.demo_trials import CONFIDENTIAL_CONTACT
from sandbox.services import feedback
from sandbox.states import ApplicationState as S


def _public_urls(client, db):
    urls = ["/", "/zones", "/exemptions", "/register", "/register/map.geojson", "/zones/map.geojson"]
    for code in db.session.scalars(select(Zone.code)).all():
        urls += [f"/zones/{code}", f"/zones/{code}/map.geojson"]
    for application_id in db.session.scalars(select(Application.id)).all():
        urls += [f"/register/{application_id}", f"/register/{application_id}/map.geojson",
                 f"/register/{application_id}/feedback"]
    return urls


@pytest.mark.slow  # renders every public page: about 5 s
def test_no_public_page_shows_a_confidential_field(client, db):
    load_demo()
    secrets = [CONFIDENTIAL_MARK, CONFIDENTIAL_CONTACT] + [c.claimant for c in db.session.scalars(select(Claim))]
    secrets += [a.financing for a in db.session.scalars(select(Application)) if a.financing]
    assert len(secrets) > 3
    seen = 0
    for url in _public_urls(client, db):
        with client.get(url) as response:
            assert response.status_code in (200, 404), url
            body = response.get_data(as_text=True)
            seen += response.status_code == 200
            for secret in secrets:
                assert secret not in body, f"{secret!r} on {url}"
    assert seen > 20
    # Every phase of the demo's trials is on the register map.
    with client.get("/register/map.geojson") as response:
        states = {f["properties"]["state"] for f in response.get_json()["features"] if f["properties"]["kind"] == "trial"}
    assert {"trial_active", "suspended", "extension_review", "amendment_pending", "result_reporting", "closed"} <= states


def test_register_shows_a_file_only_after_the_summary_is_approved(cast, client):
    application = cast.running()
    with client.get("/register") as response:
        assert application.title not in response.get_data(as_text=True)
    assert client.get(f"/register/{application.id}").status_code == 404
    feedback.save_public_summary(cast.office, application, "공개 요약", "Public summary", publish=False)
    assert client.get(f"/register/{application.id}").status_code == 404
    feedback.save_public_summary(cast.office, application, "공개 요약", "Public summary")
    with client.get(f"/register/{application.id}") as response:
        body = response.get_data(as_text=True)
    assert response.status_code == 200 and "At most 5 vehicles." in body
    assert "공개 요약" in body or "Public summary" in body
    assert application.financing not in body


def _published(cast):
    application = cast.running()
    feedback.save_public_summary(cast.office, application, "공개 요약", "Public summary")
    return application


def test_feedback_shows_only_after_moderation_and_never_the_contact(cast, client, db):
    application = _published(cast)
    response = client.post(f"/register/{application.id}/feedback",
                           data={"text": "Too fast near the school", "contact": "me@example.kr",
                                 "location": '{"type": "Point", "coordinates": [126.89, 37.58]}'})
    assert response.status_code == 303
    with client.get(f"/register/{application.id}") as page:
        assert "Too fast near the school" not in page.get_data(as_text=True)
    item = feedback.moderation_queue()[0]
    assert item.contact == "me@example.kr" and item.location_geojson["type"] == "Point"
    feedback.moderate_feedback(cast.office, item, True)
    with client.get(f"/register/{application.id}") as page:
        body = page.get_data(as_text=True)
    assert "Too fast near the school" in body and "me@example.kr" not in body


def test_rejected_feedback_never_shows(cast, client):
    application = _published(cast)
    client.post(f"/register/{application.id}/feedback", data={"text": "Spam spam"})
    feedback.moderate_feedback(cast.office, feedback.moderation_queue()[0], False)
    with client.get(f"/register/{application.id}") as page:
        assert "Spam spam" not in page.get_data(as_text=True)


def test_feedback_is_throttled_per_address(cast, client):
    application = _published(cast)
    codes = [client.post(f"/register/{application.id}/feedback", data={"text": f"note {n}"},
                         environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code for n in range(6)]
    assert codes == [303] * 5 + [429]
    other = client.post(f"/register/{application.id}/feedback", data={"text": "from elsewhere"},
                        environ_base={"REMOTE_ADDR": "10.0.0.8"})
    assert other.status_code == 303


def _send_until_throttled(client, application, address, sent):
    for n in range(sent):
        client.post(f"/register/{application.id}/feedback", data={"text": f"note {n}"},
                    environ_base={"REMOTE_ADDR": address})
    return client.post(f"/register/{application.id}/feedback",
                       data={"text": "The shuttle brakes hard at the crossing", "contact": "me@example.kr"},
                       environ_base={"REMOTE_ADDR": address})


def test_throttle_page_says_the_real_limit_and_keeps_the_text(cast, client):
    application = _published(cast)
    response = _send_until_throttled(client, application, "10.0.0.9", 5)
    body = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "You may send at most 5 messages an hour from one address." in body
    assert re.search(r"You can send this one from \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(Korea time\)", body)
    assert "15 minutes" not in body
    # What was typed comes back in the form, ready to send again later; nothing of it was saved.
    assert "The shuttle brakes hard at the crossing</textarea>" in body and 'value="me@example.kr"' in body
    assert all("brakes hard" not in f.text for f in feedback.moderation_queue())


def test_throttle_page_follows_the_configured_limit(app, cast, client, monkeypatch):
    monkeypatch.setitem(app.config, "FEEDBACK_RATE_LIMIT", "2 per 10 minutes")
    application = _published(cast)
    response = _send_until_throttled(client, application, "10.0.0.10", 2)
    assert response.status_code == 429
    assert "You may send at most 2 messages in 10 minutes from one address." in response.get_data(as_text=True)


def test_throttle_page_in_korean(cast, client):
    application = _published(cast)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ko"
    body = _send_until_throttled(client, application, "10.0.0.11", 5).get_data(as_text=True)
    assert "한 주소에서 1시간에 최대 5건까지 보낼 수 있습니다." in body and "(한국 시간)부터 다시 보낼 수 있습니다" in body


def test_bad_feedback_keeps_what_was_typed(cast, client):
    application = _published(cast)
    response = client.post(f"/register/{application.id}/feedback",
                           data={"text": "Keep me", "location": "not a place"})
    assert response.status_code == 422 and "Keep me" in response.get_data(as_text=True)
    assert feedback.moderation_queue() == []


def test_feedback_is_closed_for_finished_trials(cast, client):
    from sandbox.services.workflow import fire
    application = _published(cast)
    fire(application, "finish", application.created_by)
    response = client.post(f"/register/{application.id}/feedback", data={"text": "late"})
    assert response.status_code == 422 and feedback.moderation_queue() == []
