"""Trial events on the file page: the office's acts reach the applicant under "the sandbox office", the
reasons addressed to them stay (a suspension's reason), while auditors read who did what."""
import html
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from sandbox.models import Notification
from sandbox.services import trial_reports, trials
from sandbox.services.workflow import fire

from ..conftest import login
from ..factories_flow import Cast

SUSPENSION = "Night runs exceeded the permitted hours twice."


@pytest.fixture
def running(db):
    cast = Cast()
    for user in [cast.office, *cast.reviewers, cast.authority, *cast.committee]:
        user.name = f"직원{user.id}호"  # no applicant's Faker name can equal or contain it
    db.session.commit()
    application = cast.running()
    trial_reports.issue_correction_order(cast.office, application, "Keep to the 07-22 window.",
                                         date.today() + timedelta(days=30))
    trials.record_hearing(cast.office, application, date.today(), "Park (office), Kim (committee)", "Heard.")
    fire(application, "suspend", cast.office, reason=SUSPENSION)
    return cast, application


def _page(client, application):
    return html.unescape(client.get(f"/files/{application.id}?history=all").get_data(as_text=True))


def test_the_applicant_reads_the_office_s_trial_acts_unsigned_with_their_reasons(client, running, db):
    cast, application = running
    login(client, application.created_by)
    page = _page(client, application)
    staff = [cast.office, *cast.reviewers, cast.authority, *cast.committee]
    assert [u.email for u in staff if u.email in page] == []
    assert SUSPENSION in page and "the sandbox office" in page and "Trial started" in page
    assert "Park (office)" not in page
    notices = db.session.scalars(select(Notification).where(Notification.user_id == application.created_by.id)).all()
    assert not [n.id for n in notices for u in staff if u.email in n.body or (u.name and u.name in n.body)]


def test_the_auditor_reads_who_did_each_trial_act(client, running, login_as):
    cast, application = running
    login_as("auditor")
    page = _page(client, application)
    assert cast.office.email in page and SUSPENSION in page and application.created_by.email in page
