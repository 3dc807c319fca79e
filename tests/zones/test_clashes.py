"""Clashes: approved or running trials whose sites meet this file's site during an overlapping period."""
import json
from datetime import date

import pytest

from sandbox import sites
from sandbox.states import ApplicationState as S

from ..factories import ApplicationFactory, ZoneFactory
from .conftest import box

SIDEWALK = box(126.885, 37.575, 126.887, 37.577)  # a robot sidewalk test
CORRIDOR = {"type": "LineString", "coordinates": [[126.884, 37.576], [126.889, 37.576]]}  # a drone corridor over it
YEAR_2027 = (date(2027, 1, 1), date(2027, 12, 31))


def make(state, site, period=YEAR_2027, **kwargs):
    return ApplicationFactory(state=state, site_geojson=site, period_start=period[0], period_end=period[1], **kwargs)


def test_overlapping_sites_in_overlapping_periods_clash(db):
    robot = make(S.trial_active, SIDEWALK)
    drone = make(S.committee, CORRIDOR, period=(date(2027, 6, 1), date(2028, 6, 1)))
    [row] = sites.clash_summary(drone)
    assert row["application_id"] == robot.id and row["overlapping"] and row["distance_m"] == 0
    assert row["period_start"] == "2027-01-01"
    json.dumps(row)  # goes into the decision record as is


def test_overlapping_sites_in_disjoint_periods_do_not_clash(db):
    make(S.trial_active, SIDEWALK)
    drone = make(S.committee, CORRIDOR, period=(date(2028, 1, 1), date(2028, 12, 31)))
    assert sites.find_clashes(drone) == []


def test_periods_touching_on_one_day_clash(db):
    make(S.approved, SIDEWALK)
    drone = make(S.committee, CORRIDOR, period=(date(2027, 12, 31), date(2028, 12, 31)))
    assert len(sites.find_clashes(drone)) == 1


@pytest.mark.parametrize("state,clashes", [
    (S.approved, True), (S.trial_active, True), (S.suspended, True), (S.extension_review, True),
    (S.amendment_pending, True), (S.submitted, False), (S.committee, False), (S.rejected, False),
    (S.closed, False), (S.withdrawn, False), (S.cancelled, False),
])
def test_only_approved_and_running_trials_count(db, state, clashes):
    make(state, SIDEWALK)
    assert bool(sites.find_clashes(make(S.committee, CORRIDOR))) is clashes


def test_points_clash_within_the_buffer_only(app, db):
    make(S.trial_active, {"type": "Point", "coordinates": [126.8900, 37.5800]})
    # 0.0005° of longitude at 37.58°N is about 44 m; 0.0010° about 88 m.
    near = make(S.committee, {"type": "Point", "coordinates": [126.8905, 37.5800]})
    far = make(S.committee, {"type": "Point", "coordinates": [126.8910, 37.5800]})
    [row] = sites.clash_summary(near)
    assert 40 < row["distance_m"] < 48 and not row["overlapping"]
    assert sites.find_clashes(far) == []
    app.config["CLASH_BUFFER_M"] = 100
    try:
        assert len(sites.find_clashes(far)) == 1
    finally:
        app.config["CLASH_BUFFER_M"] = 50


def test_clashes_cross_zone_borders(db):
    """Zones may overlap (Yangjae AI inside Yangjae·Gaepo): the check is geographic, not per zone."""
    make(S.trial_active, SIDEWALK, zone=ZoneFactory())
    assert len(sites.find_clashes(make(S.committee, CORRIDOR, zone=ZoneFactory()))) == 1


def test_a_file_never_clashes_with_itself_and_without_site_has_none(db):
    approved = make(S.approved, SIDEWALK)
    assert sites.find_clashes(approved) == []
    assert sites.find_clashes(make(S.committee, None)) == []


def test_nearest_clash_first(db):
    far = make(S.trial_active, {"type": "Point", "coordinates": [126.8904, 37.5800]})
    near = make(S.trial_active, {"type": "Point", "coordinates": [126.8901, 37.5800]})
    rows = sites.clash_summary(make(S.committee, {"type": "Point", "coordinates": [126.8900, 37.5800]}))
    assert [r["application_id"] for r in rows] == [near.id, far.id]


def test_a_moved_site_is_checked_where_it_is_now(db):
    """The database pre-selects nearby trials by each site's bounding box: it must follow every edit."""
    running = make(S.trial_active, {"type": "Point", "coordinates": [126.9500, 37.5000]})
    newcomer = make(S.committee, {"type": "Point", "coordinates": [126.8900, 37.5800]})
    assert sites.find_clashes(newcomer) == []
    running.site_geojson = {"type": "Point", "coordinates": [126.8901, 37.5800]}
    db.session.commit()
    assert [other.id for other, _ in sites.find_clashes(newcomer)] == [running.id]
    running.site_geojson = None
    db.session.commit()
    assert sites.find_clashes(newcomer) == [] and running.site_west is None
