"""The shipped catalogue and demo data, and the public pages that show them."""
from sandbox.models import Application, AuditEvent, ExemptionType, User, Zone
from sandbox.seed.catalogue import EXEMPTION_TYPES, ZONES


def test_demo_data_is_idempotent(runner, db):
    first = runner.invoke(args=["demo-data"])
    assert first.exit_code == 0, first.output
    assert "office@demo.kr" in first.output and "DEMO" in first.output
    counts = [db.session.query(m).count() for m in (User, Zone, ExemptionType, Application, AuditEvent)]
    second = runner.invoke(args=["demo-data"])
    assert second.exit_code == 0
    assert [db.session.query(m).count() for m in (User, Zone, ExemptionType, Application, AuditEvent)] == counts
    assert counts[1] == len(ZONES) and counts[2] == len(EXEMPTION_TYPES)


def test_demo_data_has_files_in_several_states(runner, db):
    runner.invoke(args=["demo-data"])
    states = {a.state for a in db.session.query(Application)}
    assert len(states) >= 4


def test_zone_list_shows_korean_and_english_names(client, runner):
    runner.invoke(args=["catalogue"])
    page = client.get("/zones").get_data(as_text=True)
    assert "상암 자율주행 시범운행지구" in page
    assert "Sangam DMC autonomous-driving pilot district" in page
    assert "1,578,710" in page


def test_zone_detail_and_exemption_catalogue(client, runner):
    runner.invoke(args=["catalogue"])
    zone = client.get("/zones/YANGJAE-AI", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Yangjae AI future-convergence special zone" in zone and "approximate" in zone
    catalogue = client.get("/exemptions", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Road Traffic Act" in catalogue and "§49" in catalogue
    assert client.get("/zones/NOPE").status_code == 404


def test_shipped_boundaries_are_valid_and_inside_seoul():
    from sandbox.sites import BOUNDARY_TYPES, parse_geojson
    for zone in ZONES:
        parse_geojson(zone["boundary"], allowed=BOUNDARY_TYPES)
