"""Each guard failing alone stops the transition and names exactly what is missing."""
from datetime import date, datetime, timedelta, timezone

import pytest

from sandbox.errors import GuardFailed
from sandbox.labels import Instrument, Role, TechCategory
from sandbox.services.workflow import fire
from sandbox.states import ApplicationState as S

from ..factories import ApplicationFactory, QuickConfirmationFactory, UserFactory, ZoneFactory

OUTSIDE_POINT = {"type": "Point", "coordinates": [127.05, 37.50]}  # in Seoul, outside the test zone


def submit_fails_with(application, expected):
    with pytest.raises(GuardFailed) as excinfo:
        fire(application, "submit", application.created_by)
    assert application.state == S.draft
    assert any(expected in reason for reason in excinfo.value.reasons), excinfo.value.reasons
    return excinfo.value.reasons


def test_complete_draft_submits(db):
    application = ApplicationFactory()
    fire(application, "submit", application.created_by)
    assert application.state == S.submitted and application.reference.startswith("SBX-")


@pytest.mark.parametrize("field,label", [
    ("title", "Title"), ("summary", "Summary"), ("innovation", "Innovation"),
    ("public_benefit", "Public and user benefit"), ("regulations", "Regulations to be waived"),
    ("safety_plan", "Safety plan"), ("user_protection", "User protection and privacy"),
    ("insurance_plan", "Insurance and compensation plan"), ("financing", "Financing and organisation"),
])
def test_each_missing_text_is_named(db, field, label):
    reasons = submit_fails_with(ApplicationFactory(**{field: "  "}), label)
    assert len(reasons) == 1


@pytest.mark.parametrize("changes,expected", [
    ({"site_geojson": None}, "trial site"),
    ({"period_start": None}, "trial period"),
    ({"units": None}, "trial scale"),
    ({"category": None}, "technology category"),
])
def test_each_missing_scope_item_is_named(db, changes, expected):
    submit_fails_with(ApplicationFactory(**changes), expected)


def test_no_zone(db):
    submit_fails_with(ApplicationFactory(zone=None, exemptions=[]), "Choose a zone")


def test_no_exemption_requested(db):
    reasons = submit_fails_with(ApplicationFactory(exemptions=[]), "at least one exemption")
    assert len(reasons) == 1


def test_site_outside_the_zone(db):
    submit_fails_with(ApplicationFactory(site_geojson=OUTSIDE_POINT), "wholly inside the zone")


def test_site_partly_outside_the_zone(db):
    straddling = {"type": "Polygon", "coordinates": [[[126.895, 37.58], [126.91, 37.58], [126.91, 37.585],
                                                       [126.895, 37.585], [126.895, 37.58]]]}
    submit_fails_with(ApplicationFactory(site_geojson=straddling), "wholly inside the zone")


def test_category_not_allowed_in_zone(db):
    zone = ZoneFactory(categories=[TechCategory.energy.value])
    submit_fails_with(ApplicationFactory(zone=zone), "does not allow")


def test_zone_does_not_offer_the_instrument(db):
    zone = ZoneFactory(instruments=[Instrument.quick_confirmation.value])
    submit_fails_with(ApplicationFactory(zone=zone), "does not offer")


def test_period_longer_than_the_legal_maximum(db):
    start = date.today()
    submit_fails_with(ApplicationFactory(period_start=start, period_end=start + timedelta(days=365 * 4 + 40)),
                      "at most 48 months")


def test_permit_period_maximum_is_two_years(db):
    start = date.today()
    submit_fails_with(ApplicationFactory(instrument=Instrument.temporary_permit, period_start=start,
                                         period_end=start + timedelta(days=800)), "at most 24 months")


def test_quick_confirmation_needs_its_question(db):
    application = QuickConfirmationFactory(question="")
    submit_fails_with(application, "question")


def test_supplement_answer_needs_text(db):
    application = ApplicationFactory(state=S.supplement_requested, supplement_from=S.screening)
    with pytest.raises(GuardFailed):
        fire(application, "answer_supplement", application.created_by, answer=" ")
    fire(application, "answer_supplement", application.created_by, answer="Insurance design attached.")
    assert application.state == S.screening


def test_deemed_no_regulation_at_day_30_exactly(db):
    submitted = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    application = QuickConfirmationFactory(state=S.submitted, submitted_at=submitted)
    with pytest.raises(GuardFailed):
        fire(application, "deem_no_regulation", "system", now=submitted + timedelta(days=30, seconds=-1))
    fire(application, "deem_no_regulation", "system", now=submitted + timedelta(days=30))
    assert application.state == S.deemed_no_regulation


def test_a_person_cannot_fire_the_system_transition(db):
    application = QuickConfirmationFactory(state=S.submitted,
                                           submitted_at=datetime.now(timezone.utc) - timedelta(days=40))
    from sandbox.errors import PermissionDenied
    with pytest.raises(PermissionDenied):
        fire(application, "deem_no_regulation", UserFactory(roles=list(Role)))


def test_requested_exemption_not_offered_by_the_zone(db):
    from ..factories import ExemptionTypeFactory
    application = ApplicationFactory(exemptions=[ExemptionTypeFactory()])
    submit_fails_with(application, "does not offer the exemption")
