"""Each step of the application form saves the draft, and bad input comes back with the data kept."""
import re

from sandbox.extensions import db
from sandbox.labels import TechCategory
from sandbox.models import Application, AuditEvent

from .. import factories
from ..conftest import login


def edit_url(application, step=None):
    return f"/applicant/applications/{application.id}/edit" + (f"/{step}" if step else "")


def reload(application):
    db.session.expire_all()
    return db.session.get(Application, application.id)


def field_error(html, field_id):
    """The error text shown under one field (the forms macro renders it as `<id>-error`)."""
    match = re.search(rf'id="{field_id}-error">(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", "", match[1]) if match else None


def test_new_draft_opens_on_the_first_step(client, empty_draft):
    response = client.get(edit_url(empty_draft))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'aria-current="step"' in html and "Basics" in html


def test_basics_save_and_continue_moves_to_the_next_step(client, empty_draft, zone):
    response = client.post(edit_url(empty_draft, "basics"), data={
        "zone_id": zone.id, "category": "autonomous_driving", "title": "Night shuttle",
        "summary": "A shuttle", "go": "next"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(edit_url(empty_draft, "benefit"))
    saved = reload(empty_draft)
    assert saved.zone_id == zone.id and saved.title == "Night shuttle"
    assert saved.category == TechCategory.autonomous_driving
    saved_events = db.select(AuditEvent).where(AuditEvent.action == "application.draft_saved")
    assert db.session.scalar(saved_events) is not None


def test_save_and_stay_returns_to_the_same_step_with_the_data_shown(client, empty_draft):
    response = client.post(edit_url(empty_draft, "benefit"), data={
        "innovation": "First night service", "public_benefit": "Fewer accidents", "go": "stay"})
    assert response.headers["Location"].endswith(edit_url(empty_draft, "benefit"))
    html = client.get(edit_url(empty_draft, "benefit")).get_data(as_text=True)
    assert "First night service" in html and "Fewer accidents" in html


def test_unknown_zone_is_refused_with_the_title_kept(client, empty_draft):
    response = client.post(edit_url(empty_draft, "basics"), data={
        "zone_id": "999999", "category": "drones", "title": "My kept title", "summary": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "My kept title" in html
    assert field_error(html, "zone_id")
    assert reload(empty_draft).title == ""


def test_category_the_zone_does_not_allow_is_tied_to_the_category_field(client, empty_draft):
    zone = factories.ZoneFactory(categories=["drones"])
    response = client.post(edit_url(empty_draft, "basics"), data={
        "zone_id": zone.id, "category": "robots", "title": "Robot", "summary": ""})
    assert response.status_code == 422
    assert "does not allow" in field_error(response.get_data(as_text=True), "category")


def test_zone_change_names_the_requests_the_new_zone_does_not_offer(client, member, organisation):
    draft = factories.ApplicationFactory(organisation=organisation, created_by=member)
    requested = draft.exemption_requests[0].exemption_type.name
    other_zone = factories.ZoneFactory()
    response = client.post(edit_url(draft, "basics"), data={
        "zone_id": other_zone.id, "category": "autonomous_driving", "title": draft.title, "summary": "s",
        "go": "stay"}, follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "does not offer these requested exemptions" in html and requested in html


def test_scope_accepts_geojson_dates_and_scale(client, empty_draft):
    response = client.post(edit_url(empty_draft, "scope"), data={
        "site": '{"type": "Polygon", "coordinates": [[[126.885, 37.575], [126.89, 37.575], [126.89, 37.58], '
                '[126.885, 37.575]]]}',
        "period_start": "2030-01-01", "period_end": "2031-01-01", "units": "3", "users_planned": "200"})
    assert response.status_code == 303
    saved = reload(empty_draft)
    assert saved.site_geojson["type"] == "Polygon"
    assert (str(saved.period_start), saved.units, saved.users_planned) == ("2030-01-01", 3, 200)


def test_scope_turns_plain_coordinates_into_a_point(client, empty_draft):
    client.post(edit_url(empty_draft, "scope"), data={"site": "37.5790, 126.8900"})
    assert reload(empty_draft).site_geojson == {"type": "Point", "coordinates": [126.89, 37.579]}


def test_scope_errors_are_tied_to_their_fields_and_nothing_is_saved(client, empty_draft):
    response = client.post(edit_url(empty_draft, "scope"), data={
        "site": '{"type": "Point", "coordinates": [0, 0]}', "period_start": "2030-02-31",
        "period_end": "2030-01-01", "units": "-1", "users_planned": "many"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "outside Seoul" in field_error(html, "site")
    assert field_error(html, "period_start")
    assert field_error(html, "units") and field_error(html, "users_planned")
    assert "2030-02-31" in html and "many" in html  # the user's input comes back as typed
    saved = reload(empty_draft)
    assert saved.site_geojson is None and saved.units is None


def test_scope_refuses_malformed_json_and_a_period_ending_before_it_starts(client, empty_draft):
    response = client.post(edit_url(empty_draft, "scope"), data={
        "site": "{not json", "period_start": "2030-05-01", "period_end": "2030-04-01"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "not valid JSON" in field_error(html, "site")
    assert "end after it starts" in field_error(html, "period_end")


def test_plans_step_saves_every_plan(client, empty_draft):
    client.post(edit_url(empty_draft, "plans"), data={
        "safety_plan": "Driver on board", "user_protection": "Consent", "insurance_plan": "KRW 1bn",
        "financing": "Seed round"})
    saved = reload(empty_draft)
    assert (saved.safety_plan, saved.financing) == ("Driver on board", "Seed round")


def test_too_long_title_is_refused_not_a_server_error(client, empty_draft):
    response = client.post(edit_url(empty_draft, "basics"), data={"title": "x" * 300})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "title")


def test_unknown_step_is_not_found(client, empty_draft):
    assert client.get(edit_url(empty_draft, "nonsense")).status_code == 404


def test_exemption_request_is_added_and_removed(client, empty_draft, zone):
    client.post(edit_url(empty_draft, "basics"), data={"zone_id": zone.id, "category": "drones"})
    exemption = zone.exemption_types[0]
    response = client.post(f"/applicant/applications/{empty_draft.id}/exemptions", data={
        "exemption_type": exemption.id, "legal_ground": "no_standard", "justification": "No rule covers it"})
    assert response.status_code == 303
    draft = reload(empty_draft)
    assert [r.exemption_type_id for r in draft.exemption_requests] == [exemption.id]
    html = client.get(edit_url(draft, "exemptions")).get_data(as_text=True)
    assert "No rule covers it" in html
    request_id = draft.exemption_requests[0].id
    client.post(f"/applicant/applications/{draft.id}/exemptions/{request_id}/remove")
    assert reload(draft).exemption_requests == []


def test_exemption_request_without_justification_keeps_the_choice(client, empty_draft, zone):
    client.post(edit_url(empty_draft, "basics"), data={"zone_id": zone.id})
    exemption = zone.exemption_types[0]
    response = client.post(f"/applicant/applications/{empty_draft.id}/exemptions", data={
        "exemption_type": exemption.id, "legal_ground": "unclear_standard", "justification": " "})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_error(html, "justification")
    chosen = rf'<option selected value="{exemption.id}"|<option value="{exemption.id}" selected'
    assert re.search(chosen, html)


def test_exemption_the_zone_does_not_offer_is_refused(client, empty_draft, zone):
    client.post(edit_url(empty_draft, "basics"), data={"zone_id": zone.id})
    foreign = factories.ExemptionTypeFactory()
    response = client.post(f"/applicant/applications/{empty_draft.id}/exemptions", data={
        "exemption_type": foreign.id, "legal_ground": "no_standard", "justification": "x"})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "exemption_type")


def test_non_member_gets_403_on_every_step_and_action(client, complete_draft, make_user):
    client.post("/auth/logout")
    login(client, factories.MembershipFactory().user)
    assert client.get(edit_url(complete_draft)).status_code == 403
    assert client.post(edit_url(complete_draft, "basics"), data={"title": "hijack"}).status_code == 403
    assert client.post(f"/applicant/applications/{complete_draft.id}/exemptions", data={}).status_code == 403
    assert reload(complete_draft).title != "hijack"


def test_submitted_file_can_no_longer_be_edited(client, complete_draft):
    assert client.post(f"/files/{complete_draft.id}/actions/submit").status_code == 303
    assert client.get(edit_url(complete_draft, "basics")).status_code == 403
    response = client.post(edit_url(complete_draft, "basics"), data={"title": "changed after submit"})
    assert response.status_code == 403
    assert reload(complete_draft).title != "changed after submit"
