"""Public zone pages: the map data, capacity and charts, and nothing confidential about any file."""
from datetime import date, datetime, timezone

from sandbox.extensions import db as _db
from sandbox.models import PublicSummary
from sandbox.labels import Role
from sandbox.states import ApplicationState as S

from ..conftest import login
from ..factories import ApplicationFactory, ZoneFactory

SECRET = "SECRET-FINANCING-PLAN"


def trial(zone, state, title, published=True, **kwargs):
    """A file in `state`; by default the office has published its redacted summary, as the public map requires."""
    application = ApplicationFactory(zone=zone, state=state, title=title, financing=SECRET, safety_plan=SECRET,
                             period_start=date(2026, 3, 1), period_end=date(2028, 2, 28), **kwargs)
    if published:
        _db.session.add(PublicSummary(application_id=application.id, summary_ko="요약",
                                      published_at=datetime.now(timezone.utc)))
        _db.session.commit()
    return application


def test_unpublished_trial_stays_off_the_public_map(client, db):
    zone = ZoneFactory(code="QUIET")
    trial(zone, S.trial_active, "Not yet published", published=False)
    titles = [f["properties"].get("title") for f in client.get("/zones/map.geojson").get_json()["features"]]
    assert "Not yet published" not in titles


def test_map_data_has_zones_and_only_public_trials_without_confidential_fields(client, db):
    zone = ZoneFactory(code="MAPPED")
    trial(zone, S.trial_active, "Running shuttle")
    trial(zone, S.closed, "Finished robot")
    trial(zone, S.committee, "Under review")
    trial(zone, S.approved, "Approved not started")
    response = client.get("/zones/map.geojson")
    assert response.status_code == 200 and response.is_json
    features = response.get_json()["features"]
    zones = [f for f in features if f["properties"]["kind"] == "zone"]
    trials = [f for f in features if f["properties"]["kind"] == "trial"]
    assert [z["properties"]["code"] for z in zones] == ["MAPPED"]
    assert zones[0]["properties"]["approximate"] is True and zones[0]["geometry"]["type"] == "Polygon"
    assert sorted(t["properties"]["title"] for t in trials) == ["Finished robot", "Running shuttle"]
    assert set(trials[0]["properties"]) == {"kind", "title", "organisation", "zone", "zone_code", "period_start",
                                            "period_end", "state", "state_label"}
    assert SECRET not in response.get_data(as_text=True)


def test_zone_page_shows_map_capacity_chart_and_trials(client, db):
    zone = ZoneFactory(code="PAGE", capacity=3)
    trial(zone, S.trial_active, "Running shuttle")
    trial(zone, S.suspended, "Paused drone")
    trial(zone, S.committee, "Under review")
    client.set_cookie("lang", "en")
    page = client.get("/zones/PAGE").get_data(as_text=True)
    assert 'data-geojson-url="/zones/PAGE/map.geojson"' in page
    assert "2 of 3 places taken by running trials; 1 free." in page
    assert 'type="application/json" id="zone-chart-data"' in page and 'data-chart="zone-chart-data"' in page
    assert "Running shuttle" in page and "Paused drone" in page and "Under review" not in page
    assert SECRET not in page
    assert "approximate" in page
    assert "vendor/leaflet/leaflet.js" in page and "vendor/chartjs/chart.umd.min.js" in page
    assert "<script>" not in page  # CSP: only data blocks and external scripts
    zone_map = client.get("/zones/PAGE/map.geojson").get_json()
    assert {f["properties"].get("title") for f in zone_map["features"]} == {None, "Running shuttle", "Paused drone"}


def test_full_zone_says_so(client, db):
    zone = ZoneFactory(code="FULL", capacity=1)
    trial(zone, S.trial_active, "Only place")
    client.set_cookie("lang", "en")
    assert "The zone is at capacity" in client.get("/zones/FULL").get_data(as_text=True)


def test_zone_list_has_the_map(client, db):
    ZoneFactory(code="LISTED")
    page = client.get("/zones").get_data(as_text=True)
    assert 'data-geojson-url="/zones/map.geojson"' in page and "data-map" in page
    assert client.get("/zones/NOPE").status_code == 404
    assert client.get("/zones/NOPE/map.geojson").status_code == 404


def test_zone_without_boundary_is_listed_but_not_drawn(client, db):
    ZoneFactory(code="BLANK", boundary_geojson=None)
    assert client.get("/zones/map.geojson").get_json()["features"] == []
    assert client.get("/zones/BLANK").status_code == 200


def test_office_dashboard_counts_applications_by_state(client, db, make_user):
    zone = ZoneFactory(code="DASH", capacity=4)
    trial(zone, S.trial_active, "Running shuttle")
    trial(zone, S.committee, "Under review")
    trial(zone, S.committee, "Also under review")
    trial(zone, S.draft, "Private draft")
    client.set_cookie("lang", "en")
    login(client, make_user(Role.office))
    page = client.get("/office/zones/DASH/dashboard").get_data(as_text=True)
    assert 'id="state-chart-data"' in page
    assert "Submitted applications in this zone by state (3 in all)" in page
    assert "<th scope=\"row\">Committee</th><td>2</td>" in page
    assert "Running shuttle" in page and "Private draft" not in page
    assert "1 of 4 places taken" in page
    assert "Critical incidents" in page and "Feedback awaiting moderation" in page
