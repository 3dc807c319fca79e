"""The submit guard uses the zone's boundary; a full zone refuses new trial starts."""
from datetime import date

import pytest

from sandbox.errors import GuardFailed
from sandbox.rules.trials import capacity_problems
from sandbox.services.workflow import fire
from sandbox.states import ApplicationState as S

from ..factories import ApplicationFactory, ZoneFactory
from .conftest import box


def test_site_in_the_wrong_zone_is_refused_on_submit(db):
    elsewhere = box(127.05, 37.50, 127.06, 37.51)
    application = ApplicationFactory(zone=ZoneFactory(boundary_geojson=elsewhere))  # site stays at 126.89, 37.58
    with pytest.raises(GuardFailed) as excinfo:
        fire(application, "submit", application.created_by)
    assert application.state == S.draft
    assert any("The trial site must lie wholly inside the zone" in r for r in excinfo.value.reasons)


def test_site_on_the_boundary_submits(db):
    application = ApplicationFactory(zone=ZoneFactory(boundary_geojson=box(126.88, 37.57, 126.89, 37.59)),
                                     site_geojson={"type": "Point", "coordinates": [126.89, 37.58]})
    fire(application, "submit", application.created_by)
    assert application.state == S.submitted


def test_site_in_the_second_part_of_a_multipolygon_zone_submits(db):
    zone = ZoneFactory(boundary_geojson={"type": "MultiPolygon", "coordinates": [
        box(127.05, 37.50, 127.06, 37.51)["coordinates"], box(126.88, 37.57, 126.90, 37.59)["coordinates"]]})
    application = ApplicationFactory(zone=zone)
    fire(application, "submit", application.created_by)
    assert application.state == S.submitted


@pytest.mark.parametrize("occupying", [S.trial_active, S.suspended, S.extension_review, S.amendment_pending])
def test_a_full_zone_refuses_a_new_start_and_says_why(db, occupying):
    zone = ZoneFactory(capacity=2)
    ApplicationFactory(zone=zone, state=S.trial_active)
    ApplicationFactory(zone=zone, state=occupying)
    waiting = ApplicationFactory(zone=zone, state=S.approved)
    reasons = capacity_problems(waiting)
    assert len(reasons) == 1
    assert "is at capacity: 2 of 2 concurrent trials are running" in reasons[0]
    assert zone.name in reasons[0]


@pytest.mark.parametrize("not_occupying", [S.approved, S.result_reporting, S.closed, S.committee, S.cancelled])
def test_files_that_are_not_running_leave_places_free(db, not_occupying):
    zone = ZoneFactory(capacity=2)
    ApplicationFactory(zone=zone, state=S.trial_active)
    ApplicationFactory(zone=zone, state=not_occupying)
    assert capacity_problems(ApplicationFactory(zone=zone, state=S.approved)) == []


def test_trials_in_other_zones_do_not_count(db):
    zone = ZoneFactory(capacity=1)
    ApplicationFactory(state=S.trial_active)  # its own zone
    assert capacity_problems(ApplicationFactory(zone=zone, state=S.approved)) == []


def test_start_trial_is_blocked_by_the_capacity_guard(db):
    zone = ZoneFactory(capacity=1)
    ApplicationFactory(zone=zone, state=S.trial_active, period_start=date(2026, 1, 1), period_end=date(2027, 1, 1))
    waiting = ApplicationFactory(zone=zone, state=S.approved)
    with pytest.raises(GuardFailed) as excinfo:
        fire(waiting, "start_trial", waiting.created_by, via="trials.start_trial")
    assert any("is at capacity" in r for r in excinfo.value.reasons)
    assert waiting.state == S.approved
