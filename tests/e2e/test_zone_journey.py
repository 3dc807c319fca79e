"""The office publishes a new boundary for the Sangam zone; the applicant's demo draft, whose site
now lies outside it, cannot be submitted and the file page says why — in real headless Chromium.
The public map draws the zones with no tile server and no internet."""
import json

from playwright.sync_api import expect

from sandbox.seed.catalogue import ZONES

OFFICE, APPLICANT = "office@demo.kr", "applicant@demo.kr"
DRAFT = "상암 자율주행 셔틀 (draft)"  # site at lon 126.8900, lat 37.5790
SHIPPED = next(z["boundary"] for z in ZONES if z["code"] == "SANGAM-AV")  # Sangam-dong's outline
MOVED_EAST = {"type": "Polygon", "coordinates": [[[126.8950, 37.5730], [126.9010, 37.5730], [126.9010, 37.5860],
                                                  [126.8950, 37.5860], [126.8950, 37.5730]]]}


def choose_english(page):
    page.goto("/")
    page.locator("header .krds-language .drop-btn").click()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def log_out(page):
    page.get_by_role("button", name="Log out").click()


def publish_boundary(page, geometry_text):
    page.goto("/office/zones/SANGAM-AV/edit")
    page.locator("textarea#boundary").fill(geometry_text)
    page.get_by_role("button", name="Publish the boundary").click()


def test_office_moves_the_boundary_and_the_site_outside_is_refused(page, log_in):
    choose_english(page)
    log_in(OFFICE)
    publish_boundary(page, '{"type": "Polygon", "coordinates": [[[126.88, 37.57], [126.90, 37.59], '
                           '[126.90, 37.57], [126.88, 37.59], [126.88, 37.57]]]}')
    expect(page.locator("main")).to_contain_text("Self-intersection")
    publish_boundary(page, json.dumps(MOVED_EAST))
    expect(page.locator("main")).to_contain_text("The new boundary of SANGAM-AV is published.")
    log_out(page)

    try:
        log_in(APPLICANT)
        page.goto("/applicant/")
        page.get_by_role("link", name=DRAFT).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(DRAFT)
        submit = page.locator("main").get_by_role("button", name="Submit", exact=True)
        if submit.is_enabled():
            submit.click()
        expect(page.locator("main")).to_contain_text("The trial site must lie wholly inside the zone")
        expect(page.locator("main")).to_contain_text("Draft")
        log_out(page)
    finally:
        log_in(OFFICE)  # put the shipped boundary back for the other browser tests
        publish_boundary(page, json.dumps(SHIPPED))
        expect(page.locator("main")).to_contain_text("The new boundary of SANGAM-AV is published.")


def test_public_map_draws_the_zones_without_tiles(page):
    page.goto("/zones")
    expect(page.locator("#zone-map path.leaflet-interactive").first).to_be_visible()
    assert page.locator("#zone-map path.leaflet-interactive").count() >= 8
    expect(page.locator("#zone-map .leaflet-control-scale")).to_be_visible()
    expect(page.locator("#zone-map .leaflet-tile")).to_have_count(0)
    page.goto("/zones/SANGAM-AV")
    expect(page.locator("#zone-map path.leaflet-interactive").first).to_be_visible()
    expect(page.locator("canvas[data-chart]")).to_be_visible()


def test_public_map_draws_seoul_districts_from_this_server(page, base_url):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/zones")
    districts = page.locator("#zone-map .leaflet-basemap-pane path.map-basemap-district")
    expect(districts.first).to_be_visible()
    assert districts.count() == 25
    expect(page.locator("#zone-map .leaflet-basemap-pane path.map-basemap-river")).to_have_count(1)
    # Zones stay clickable above the base map.
    expect(page.locator("#zone-map .leaflet-overlay-pane path.leaflet-interactive").first).to_be_visible()
    expect(page.locator("#zone-map .leaflet-control-attribution")).to_contain_text("Statistics Korea (KOSTAT, SGIS)")
    expect(page.locator("#zone-map .map-district-label", has_text="Mapo-gu")).to_have_count(1)
    page.wait_for_load_state("networkidle")
    assert [url for url in requested if not url.startswith(base_url)] == []
