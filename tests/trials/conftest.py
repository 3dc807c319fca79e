"""A cast that walks files through review to an approval with typed conditions, then into a trial,
all with the real services and fire()."""
from datetime import date, datetime, time, timedelta, timezone

import pytest

from sandbox.services import committee, trials

from ..review.conftest import Cast

CONDITIONS = [
    {"kind": "geographic_limit", "parameters": {"area": "Sangam DMC"}, "text": "Only inside the zone."},
    {"kind": "unit_cap", "parameters": {"units": "5"}, "text": "At most 5 vehicles."},
    {"kind": "user_cap", "parameters": {"users": "1000"}, "text": "At most 1000 users."},
    {"kind": "time_window", "parameters": {"hours": "07-22"}, "text": "Operate 07:00-22:00."},
    {"kind": "accompanying_staff", "parameters": {"staff_per_vehicle": "1"}, "text": "One safety officer per vehicle."},
]
GOOD_REPORT = {"units_operated": 4, "distance_km": 120.5, "flights": 0, "users_served": 300, "hours": 80,
               "incidents": 0, "operating_hours": "08:00-21:00", "staff_per_unit": 1, "outside_area": False,
               "narrative": "As planned."}


def insurance(application, **changes):
    return {"insurer": "Hanbit", "policy_number": "P-1", "cover_death": 150_000_000, "cover_injury": 30_000_000,
            "cover_disability": 150_000_000, "cover_property": 1_000_000_000,
            "valid_from": date.today() - timedelta(days=1),
            "valid_until": application.period_end + timedelta(days=30), **changes}


class TrialCast(Cast):
    def approved(self, conditions=CONDITIONS, accept=True, **kwargs):
        application, item = self.on_agenda(**kwargs)
        self.all_vote(item)
        committee.record_decision(self.chair, application, "approve_with_conditions", "Approved on conditions.",
                                  conditions)
        if accept:
            committee.accept_conditions(application.created_by, application)
        return application

    def insured(self, **kwargs):
        application = self.approved(**kwargs)
        trials.record_insurance(application.created_by, application, insurance(application))
        return application

    def running(self, started=None, **kwargs):
        """A running trial; `started` (a date) backdates its start."""
        application = self.insured(**kwargs)
        now = datetime.combine(started, time(9), tzinfo=timezone.utc) if started else None
        trials.start_trial(application.created_by, application, now=now)
        return application


@pytest.fixture
def cast(db):
    return TrialCast()
