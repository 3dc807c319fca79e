"""The pipeline dashboard: who sees it and what it shows."""
from datetime import timedelta

import pytest

from sandbox.labels import Role
from sandbox.services.pipeline_stats import percentile, stage_times, state_counts
from sandbox.services.workflow import fire
from sandbox.states import ApplicationState as S

from ..conftest import login
from ..factories import ApplicationFactory, StageClockFactory, UserFactory
from .conftest import T0


def test_percentile():
    assert percentile([], 50) is None
    assert percentile([5], 90) == 5
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile(list(range(1, 11)), 90) == pytest.approx(9.1)


@pytest.mark.parametrize("role,status", [(Role.office, 200), (Role.committee, 200), (Role.chair, 200),
                                         (Role.auditor, 200), (Role.applicant, 403), (Role.reviewer, 403),
                                         (Role.admin, 403)])
def test_who_sees_the_dashboard(client, db, role, status):
    login(client, UserFactory(roles=[role]))
    assert client.get("/office/dashboard").status_code == status


def test_dashboard_shows_states_stage_times_and_overdue(client, db):
    office = UserFactory(roles=[Role.office])
    application = ApplicationFactory(state=S.submitted)
    fire(application, "screen", office, now=T0)
    fire(application, "accept", office, now=T0 + timedelta(days=4))
    late = ApplicationFactory(state=S.screening, title="기한 초과 파일")
    StageClockFactory(application=late, stage=S.screening, started_at=T0, allowed_days=14,
                      due_at=T0 + timedelta(days=14))
    assert dict(state_counts())[S.expert_review] == 1
    assert dict(stage_times())[S.screening] == {"count": 1, "median": 4.0, "p90": 4.0}

    login(client, office)
    page = client.get("/office/dashboard").get_data(as_text=True)
    assert 'id="dashboard-data"' in page and "chart.umd.min.js" in page and "js/dashboard.js" in page
    assert "기한 초과 파일" in page
    assert "<script>" not in page  # CSP: data travels as a JSON block, no inline code
