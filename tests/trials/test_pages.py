"""The operator's and the office's trial pages, through the test client."""
from datetime import date, timedelta

from sandbox.models.trials import OrderStatus
from sandbox.rules import trials as trial_rules
from sandbox.services import trials
from sandbox.states import ApplicationState as S

from ..conftest import login
from ..factories_flow import insurance


def test_operator_records_insurance_and_starts_from_the_trial_page(cast, client):
    application = cast.approved()
    login(client, application.created_by)
    page = client.get(f"/applicant/trials/{application.id}").get_data(as_text=True)
    assert "No liability insurance certificate has been recorded yet." in page
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in insurance(application).items()}
    assert client.post(f"/applicant/trials/{application.id}/insurance", data=data).status_code == 303
    assert client.post(f"/applicant/trials/{application.id}/start").status_code == 303
    assert application.state == S.trial_active


def test_bad_insurance_input_is_kept_with_a_422(cast, client):
    application = cast.approved()
    login(client, application.created_by)
    response = client.post(f"/applicant/trials/{application.id}/insurance",
                           data={"insurer": "Kept Insurer Name", "cover_death": "abc"})
    assert response.status_code == 422 and "Kept Insurer Name" in response.get_data(as_text=True)


def test_other_applicants_cannot_open_the_trial(cast, client, make_user):
    application = cast.approved()
    login(client, make_user("applicant"))
    assert client.get(f"/applicant/trials/{application.id}").status_code == 403


def test_office_issues_a_correction_order_from_its_page(cast, client):
    application = cast.running()
    login(client, cast.office)
    assert client.get(f"/office/trials/{application.id}").status_code == 200
    assert client.get("/office/trials").status_code == 200
    response = client.post(f"/office/trials/{application.id}/orders",
                           data={"order-breach": "Too many units", "order-deadline": (date.today() + timedelta(days=400)).isoformat()})
    assert response.status_code == 422 and "Too many units" in response.get_data(as_text=True)
    response = client.post(f"/office/trials/{application.id}/orders",
                           data={"order-breach": "Too many units", "order-deadline": (date.today() + timedelta(days=40)).isoformat()})
    assert response.status_code == 303
    assert trial_rules.trial_of(application).orders[0].status == OrderStatus.open
