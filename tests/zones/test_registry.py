"""The office's zone registry: create, edit, boundary, designation history; refusals keep the input
and save nothing; every change is audited with a diff; only the secretariat gets in."""
import io
import json

import pytest
from markupsafe import escape
from sqlalchemy import select

from sandbox.extensions import db
from sandbox.labels import Role
from sandbox.models import AuditEvent, Zone

from ..conftest import login
from ..factories import ApplicationFactory, ExemptionTypeFactory, ZoneFactory
from .conftest import box

NEW_BOUNDARY = box(126.93, 37.55, 126.95, 37.56)


def zone_form(**overrides):
    data = {"code": "HONGDAE-ROBOT", "name_ko": "홍대 로봇 실증구역", "name_en": "Hongdae robot pilot area",
            "district_ko": "마포구", "district_en": "Mapo-gu", "designation_ko": "실증구역", "designation_en": "Pilot area",
            "instruments": ["trial_exemption", "quick_confirmation"], "categories": ["robots"],
            "capacity": "4", "active_from": "2026-03-01", "active_until": ""}
    data.update(overrides)
    return data


def events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)).all()


def test_create_a_zone(client, db, office):
    exemption = ExemptionTypeFactory(code="ROBOT-X")
    response = client.post("/office/zones/new", data=zone_form(exemption_type_ids=[str(exemption.id)]))
    assert response.status_code == 303 and response.headers["Location"].endswith("/office/zones/HONGDAE-ROBOT/edit")
    zone = db.session.scalar(select(Zone).where(Zone.code == "HONGDAE-ROBOT"))
    assert zone.capacity == 4 and zone.categories == ["robots"] and [t.code for t in zone.exemption_types] == ["ROBOT-X"]
    assert zone.boundary_geojson is None and zone.boundary_approximate
    [event] = events("zone.created")
    assert event.actor_id == office.id and event.zone_id == zone.id
    assert event.data["changes"]["name_en"] == "Hongdae robot pilot area"


def test_invalid_zone_is_refused_with_422_and_keeps_the_input(client, db, office):
    ZoneFactory(code="TAKEN")
    response = client.post("/office/zones/new", data=zone_form(code="TAKEN", name_en="", capacity="-1",
                                                               active_until="2026-01-01"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "홍대 로봇 실증구역" in page                       # what was typed is still there
    assert "This field is required" in page
    assert "The zone cannot end before it starts" in page
    assert db.session.scalar(select(Zone).where(Zone.name_ko == "홍대 로봇 실증구역")) is None
    assert events("zone.created") == []


def test_duplicate_code_is_refused_beside_the_code_field(client, db, office):
    ZoneFactory(code="TAKEN")
    response = client.post("/office/zones/new", data=zone_form(code="TAKEN"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    # In the form's error summary and beside the field, not flashed a third time.
    assert page.count("Another zone already uses the code TAKEN") == 2
    assert "The zone was not saved." in page
    assert db.session.scalar(select(db.func.count(Zone.id))) == 1


def test_edit_records_a_diff(client, db, office):
    zone = ZoneFactory(code="EDIT-ME", capacity=5, categories=["robots"])
    data = zone_form(code="EDIT-ME", name_ko=zone.name_ko, name_en="Renamed zone", capacity="7",
                     categories=["robots", "drones"],
                     exemption_type_ids=[str(t.id) for t in zone.exemption_types])
    response = client.post("/office/zones/EDIT-ME/edit", data=data)
    assert response.status_code == 303
    db.session.refresh(zone)
    assert zone.name_en == "Renamed zone" and zone.capacity == 7 and zone.categories == ["drones", "robots"]
    [event] = events("zone.updated")
    assert event.data["changes"]["capacity"] == {"old": 5, "new": 7}
    assert event.data["changes"]["name_en"]["new"] == "Renamed zone"
    # Saving the same again changes nothing and writes no event.
    client.post("/office/zones/EDIT-ME/edit", data=data)
    assert len(events("zone.updated")) == 1


def test_edit_with_errors_saves_nothing(client, db, office):
    zone = ZoneFactory(code="EDIT-ME", capacity=5)
    response = client.post("/office/zones/EDIT-ME/edit", data=zone_form(code="EDIT-ME", capacity="abc",
                                                                          name_en="Half saved?"))
    assert response.status_code == 422
    assert "Half saved?" in response.get_data(as_text=True)
    db.session.refresh(zone)
    assert zone.capacity == 5 and zone.name_en != "Half saved?"
    assert events("zone.updated") == []


def test_boundary_from_the_textarea_is_published_and_audited(client, db, office):
    zone = ZoneFactory(code="SHIFT")
    old = zone.boundary_geojson
    response = client.post("/office/zones/SHIFT/boundary", data={"boundary": json.dumps(NEW_BOUNDARY)})
    assert response.status_code == 303
    db.session.refresh(zone)
    assert zone.boundary_geojson == NEW_BOUNDARY and zone.boundary_approximate is False  # box unticked
    [event] = events("zone.boundary_changed")
    assert event.data["changes"]["boundary"] == {"old": old, "new": NEW_BOUNDARY}
    assert event.data["area_m2"] > 0


def test_boundary_from_an_uploaded_file(client, db, office):
    zone = ZoneFactory(code="SHIFT")
    feature = {"type": "Feature", "properties": {"name": "x"}, "geometry": NEW_BOUNDARY}
    response = client.post("/office/zones/SHIFT/boundary", content_type="multipart/form-data", data={
        "boundary": "", "approximate": "y",
        "upload": (io.BytesIO(json.dumps(feature).encode()), "boundary.geojson")})
    assert response.status_code == 303
    db.session.refresh(zone)
    assert zone.boundary_geojson == NEW_BOUNDARY and zone.boundary_approximate is True


@pytest.mark.parametrize("text,reason", [
    ("{oops", "not valid JSON"),
    (json.dumps({"type": "Point", "coordinates": [126.9, 37.5]}), "Geometry type must be one of"),
    (json.dumps(box(129.0, 35.1, 129.1, 35.2)), "outside Seoul"),
    (json.dumps({"type": "Polygon", "coordinates": [[[126.88, 37.57], [126.90, 37.59], [126.90, 37.57],
                                                      [126.88, 37.59], [126.88, 37.57]]]}), "Self-intersection"),
    ("", "Paste the boundary or choose a file"),
])
def test_bad_boundary_is_refused_with_the_reason_and_nothing_saved(client, db, office, text, reason):
    zone = ZoneFactory(code="KEEP")
    old = zone.boundary_geojson
    response = client.post("/office/zones/KEEP/boundary", data={"boundary": text})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert reason in page
    assert str(escape(text)) in page  # the refused text is still in the box, to fix
    db.session.refresh(zone)
    assert zone.boundary_geojson == old
    assert events("zone.boundary_changed") == []


def test_moving_the_boundary_warns_about_running_trials_left_outside(client, db, office):
    from sandbox.states import ApplicationState as S
    zone = ZoneFactory(code="SHIFT")
    ApplicationFactory(zone=zone, state=S.trial_active, title="Left behind")
    response = client.post("/office/zones/SHIFT/boundary", data={"boundary": json.dumps(NEW_BOUNDARY)},
                           follow_redirects=True)
    assert "These running trials now lie outside the zone: Left behind" in response.get_data(as_text=True)


def test_designation_history_entries_are_added_in_date_order(client, db, office):
    zone = ZoneFactory(code="HIST", designation_history=[{"date": "2024-01-01", "event_ko": "지정", "event_en": "Designated"}])
    response = client.post("/office/zones/HIST/history", data={"date": "2023-05-05", "event_ko": "후보지 선정",
                                                               "event_en": "Candidate site chosen"})
    assert response.status_code == 303
    db.session.refresh(zone)
    assert [h["date"] for h in zone.designation_history] == ["2023-05-05", "2024-01-01"]
    [event] = events("zone.designation_added")
    assert event.data["entry"]["event_en"] == "Candidate site chosen"
    refused = client.post("/office/zones/HIST/history", data={"date": "", "event_ko": "", "event_en": "kept text"})
    assert refused.status_code == 422 and "kept text" in refused.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.applicant, Role.reviewer, Role.committee, Role.auditor, Role.admin])
def test_only_the_secretariat_manages_zones(client, db, make_user, role):
    zone = ZoneFactory(code="GUARDED")
    login(client, make_user(role))
    for url in ("/office/zones", "/office/zones/new", "/office/zones/GUARDED/edit", "/office/zones/GUARDED/dashboard"):
        assert client.get(url).status_code == 403, url
    assert client.post("/office/zones/GUARDED/boundary", data={"boundary": json.dumps(NEW_BOUNDARY)}).status_code == 403
    assert client.post("/office/zones/new", data=zone_form()).status_code == 403
    db.session.refresh(zone)
    assert zone.boundary_geojson != NEW_BOUNDARY
    assert db.session.scalar(select(db.func.count(Zone.id))) == 1


def test_anonymous_users_are_sent_to_log_in(client, db):
    ZoneFactory(code="GUARDED")
    assert client.get("/office/zones/GUARDED/edit").status_code == 302


def test_service_refuses_without_permission(db, make_user):
    from sandbox.errors import PermissionDenied
    from sandbox.services import zones
    zone = ZoneFactory()
    with pytest.raises(PermissionDenied):
        zones.set_boundary(make_user(Role.applicant), zone, NEW_BOUNDARY)


def test_office_pages_render(client, db, office):
    ZoneFactory(code="SEEN")
    assert "SEEN" in client.get("/office/zones").get_data(as_text=True)
    page = client.get("/office/zones/SEEN/edit").get_data(as_text=True)
    assert 'data-source="boundary"' in page and "Publish the boundary" in page
    assert client.get("/office/zones/new").status_code == 200
    assert client.get("/office/zones/NOPE/edit").status_code == 404
