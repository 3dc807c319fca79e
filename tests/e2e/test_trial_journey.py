"""A trial in a real browser: the operator records insurance and starts the demo approval waiting
for its start, files a report that breaches the conditions, the office orders a correction and
publishes a summary, a critical incident suspends the trial, the office resumes it, a citizen's
feedback shows after moderation, the operator finishes and reports results, the office evaluates."""
import re
from datetime import date, timedelta
from .steps import switch_to as _as

TITLE = "상암 자율주행 셔틀 (시작 대기) / awaiting start"


def _submit(page, action_part):
    page.locator(f"form[action*='{action_part}'] button[type=submit]").first.click()
    page.wait_for_load_state("domcontentloaded")


def _fill(page, values):
    for name, value in values.items():
        page.locator(f"[name='{name}']").fill(str(value))


def _operator_starts(page, log_in):
    _as(page, log_in, "applicant@demo.kr")
    page.goto("/applicant/")
    page.get_by_role("link", name=TITLE).first.click()
    application_id = int(re.search(r"/files/(\d+)", page.url).group(1))
    page.goto(f"/applicant/trials/{application_id}")
    assert page.locator("#start-reasons").inner_text().strip()
    page.goto(f"/applicant/trials/{application_id}/insurance")
    end = date.today() + timedelta(days=800)
    _fill(page, {"insurer": "Hanbit Insurance", "policy_number": "E2E-1", "cover_death": 150000000,
                 "cover_injury": 30000000, "cover_disability": 150000000, "cover_property": 1000000000,
                 "valid_from": date.today().isoformat(), "valid_until": end.isoformat()})
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")
    _submit(page, "/start")
    assert page.locator(".file-meta .krds-badge").inner_text().strip() in ("Trial active", "실증 중", "실증 진행 중") \
        or "trial_active" in page.content() or page.locator("#reports-heading").count() == 1
    return application_id


def _operator_reports_breach(page, application_id):
    page.goto(f"/applicant/trials/{application_id}/reports/new?kind=initial")
    _fill(page, {"period_from": date.today().isoformat(), "period_to": date.today().isoformat(),
                 "units_operated": 7, "users_served": 40, "hours": 10, "operating_hours": "07:00-21:00",
                 "staff_per_unit": 1})
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("#reports-heading ~ div .badge-tone-danger").count() >= 1


def _office_orders_and_publishes(page, log_in, application_id):
    _as(page, log_in, "office@demo.kr")
    page.goto("/office/trials")
    page.locator(f"a[href$='/office/trials/{application_id}']").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("text=At most 5 vehicles.").count() >= 1
    _fill(page, {"order-breach": "Too many vehicles", "order-deadline": (date.today() + timedelta(days=60)).isoformat()})
    _submit(page, "/orders")
    assert page.locator("#orders-heading").count() == 1
    _fill(page, {"summary-summary_ko": "상암 셔틀 공개 요약", "summary-summary_en": "Public summary of the Sangam shuttle"})
    _submit(page, "/summary")
    assert page.locator(f"a[href$='/register/{application_id}']").count() == 1


def _critical_incident(page, log_in, application_id):
    _as(page, log_in, "applicant@demo.kr")
    page.goto(f"/applicant/trials/{application_id}/incidents/new")
    page.select_option("#severity", "critical")
    page.wait_for_selector("#zone-map .leaflet-overlay-pane path")  # the zone is drawn: the map is ready
    # A click on the map places the incident; near a corner of the zone, away from the trial markers.
    box = page.locator("#zone-map").bounding_box()
    page.locator("#zone-map").click(position={"x": box["width"] - 45, "y": box["height"] - 45})
    assert '"Point"' in page.locator("#location").input_value()
    page.locator("#description").fill("Collision with a parked car")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")
    page.goto(f"/files/{application_id}")
    assert page.locator("text=suspended_for_incident").count() + page.locator(".badge-tone-danger").count() >= 1


def _office_resumes(page, log_in, application_id):
    _as(page, log_in, "office@demo.kr")
    page.goto(f"/files/{application_id}")
    _submit(page, "/actions/resume")
    assert page.locator("form[action*='/actions/suspend']").count() == 1


def _citizen_feedback(page, log_in, application_id):
    page.context.clear_cookies()
    page.goto(f"/register/{application_id}/feedback")
    page.locator("#text").fill("The shuttle waits politely at crossings")
    page.locator("#contact").fill("citizen-e2e@example.kr")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")
    assert "waits politely" not in page.content()
    _as(page, log_in, "office@demo.kr")
    page.goto("/office/feedback")
    item = page.locator("article", has_text="waits politely")
    item.locator("form[action$='/publish'] button").click()
    page.wait_for_load_state("domcontentloaded")
    page.context.clear_cookies()
    page.goto(f"/register/{application_id}")
    assert "waits politely" in page.content() and "citizen-e2e@example.kr" not in page.content()


def _finish_report_and_evaluate(page, log_in, application_id):
    _as(page, log_in, "applicant@demo.kr")
    page.goto(f"/files/{application_id}")
    _submit(page, "/actions/finish")
    page.goto(f"/applicant/trials/{application_id}/reports/new")
    _fill(page, {"period_from": date.today().isoformat(), "period_to": date.today().isoformat(),
                 "units_operated": 4, "staff_per_unit": 1, "operating_hours": "08:00-20:00",
                 "narrative": "Safe and popular; the Road Traffic Act should allow it."})
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")
    _as(page, log_in, "office@demo.kr")
    page.goto(f"/office/trials/{application_id}")
    _fill(page, {"evaluation-safety": 70, "evaluation-benefit": 85, "evaluation-market": 80,
                 "evaluation-residents": 90, "evaluation-zones": "YANGJAE-AI, SUSEO-ROBOT"})
    page.select_option("#evaluation-outcome", "scale_up")
    _submit(page, "/evaluation")
    assert page.locator("#evald-heading").count() == 1
    assert "YANGJAE-AI" in page.content()


def test_trial_journey(page, base_url, log_in, tmp_path):
    application_id = _operator_starts(page, log_in)
    _operator_reports_breach(page, application_id)
    _office_orders_and_publishes(page, log_in, application_id)
    _critical_incident(page, log_in, application_id)
    _office_resumes(page, log_in, application_id)
    _citizen_feedback(page, log_in, application_id)
    _finish_report_and_evaluate(page, log_in, application_id)
    page.context.clear_cookies()
    page.goto("/register")
    page.wait_for_selector(".leaflet-interactive")
    page.screenshot(path=str(tmp_path / "register.png"), full_page=True)
