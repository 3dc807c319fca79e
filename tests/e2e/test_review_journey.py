"""The whole review path in a real browser: the office screens and assigns, three reviewers and an
authority answer, the committee votes, the chair decides with conditions, the applicant accepts and
an auditor downloads the decision log. Starts from the demo file waiting in 'submitted'."""
import csv
import io
import re
from .steps import pick as _pick, switch_to as _as

FILE_TITLE = "상암 DMC 자율주행 유상 셔틀"
SCORES = {"innovativeness": "17", "public_benefit": "16", "safety_privacy": "21", "necessity_fit": "12",
          "operator_capability": "8", "zone_fit": "8"}


def _fire(page, trigger):
    page.locator(f"form[action*='/actions/{trigger}'] button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")


def _office_screens_and_assigns(page, log_in):
    _as(page, log_in, "office@demo.kr")
    page.goto("/office/?state=submitted")
    page.get_by_role("link", name=FILE_TITLE).click()
    file_url = page.url
    _fire(page, "screen")
    _fire(page, "accept")
    page.locator("main a[href*='/office/files/'][href$='/assignments']").click()
    for n in (1, 2, 3):
        option = page.locator("#reviewer_id option", has_text=f"Demo reviewer {n}")
        page.select_option("#reviewer_id", value=option.get_attribute("value"))
        page.locator("form[action$='/assignments/reviewer'] button").click()
        page.wait_for_load_state("domcontentloaded")
    for select in page.locator("select[name=authority_id]").all():
        option = select.locator("option", has_text="Demo authority")
        select.select_option(value=option.get_attribute("value"))
        select.locator("xpath=ancestor::form").locator("button").click()
        page.wait_for_load_state("domcontentloaded")
    assert page.locator("text=Demo authority").count() >= 2
    return file_url


def _accept_and_declare(page):
    page.locator("form[action$='/accept'] button").click()
    page.wait_for_load_state("domcontentloaded")
    if page.locator("#conflict-no").count():
        _pick(page, "conflict-no")
        page.locator("form[action*='/declare'] button").click()
        page.wait_for_load_state("domcontentloaded")


def _reviewers_review(page, log_in):
    for n in (1, 2, 3):
        _as(page, log_in, f"reviewer{n}@demo.kr")
        page.goto("/review/")
        page.get_by_role("link", name=FILE_TITLE).click()
        _accept_and_declare(page)
        for key, value in SCORES.items():
            page.fill(f"#score-{key}", value)
        page.select_option("#recommendation", "approve_with_conditions")
        page.fill("#comments_to_committee", f"Reviewer {n}: sound safety plan.")
        page.locator("form[action$='/review'] button").click()
        page.wait_for_load_state("domcontentloaded")
        assert page.locator(f"text=Reviewer {n}: sound safety plan.").count() == 1, "my review shows in full"
        # Others' reviews show after mine, unsigned and without what they wrote for the committee only.
        assert page.locator("#others-heading ~ ul li").count() == n
        assert page.locator("text=Reviewer 1: sound safety plan.").count() == (1 if n == 1 else 0)


def _authority_gives_opinions(page, log_in):
    _as(page, log_in, "authority@demo.kr")
    page.goto("/authority/")
    links = page.get_by_role("link", name=FILE_TITLE)
    urls = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(urls) == 2
    for number, url in enumerate(urls):
        page.goto(url)
        _accept_and_declare(page)
        if number == 0:
            _pick(page, "verdict-consent_with_conditions")
            page.select_option("#condition-0-kind", "geographic_limit")
            page.fill("#condition-0-text", "Only on the Sangam DMC loop.")
            page.fill("#condition-0-parameters", "area=Sangam DMC loop")
        else:
            _pick(page, "verdict-consent")
        page.locator("form button[type=submit]", has_text=re.compile("opinion", re.I)).click()
        page.wait_for_load_state("domcontentloaded")


def _office_sends_to_committee(page, log_in, file_url):
    _as(page, log_in, "office@demo.kr")
    page.goto(file_url)
    _fire(page, "close_review")
    page.goto("/office/meetings")
    page.fill("#title", "E2E special meeting")
    page.fill("#meets_on", "2030-01-15")
    for label in ("Demo committee 1", "Demo committee 2", "Demo chair"):
        page.locator("label", has_text=label).click()
    page.locator("form[action$='/meetings'] button").click()
    page.wait_for_load_state("domcontentloaded")
    option = page.locator("#application_id option", has_text=FILE_TITLE)
    page.select_option("#application_id", value=option.get_attribute("value"))
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_role("link", name=FILE_TITLE).count() == 1


def _committee_votes_and_chair_decides(page, log_in):
    for email in ("committee1@demo.kr", "committee2@demo.kr", "chair@demo.kr"):
        _as(page, log_in, email)
        page.goto("/committee/")
        page.get_by_role("link", name=FILE_TITLE).first.click()
        _pick(page, "conflict-no")
        page.locator("form[action*='/declare'] button").click()
        page.wait_for_load_state("domcontentloaded")
        _pick(page, "choice-approve_with_conditions")
        page.locator("form[action$='/vote'] button").click()
        page.wait_for_load_state("domcontentloaded")
    page.select_option("#outcome", "approve_with_conditions")
    page.fill("#decision-reasons", "Innovative and safe enough within the loop.")
    assert page.input_value("#conditions-0-text") == "Only on the Sangam DMC loop."
    page.locator("form[action$='/decision'] button").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("text=Innovative and safe enough within the loop.").count() >= 1


def test_review_journey(page, log_in, tmp_path):
    page.set_default_timeout(10000)
    file_url = _office_screens_and_assigns(page, log_in)
    _reviewers_review(page, log_in)
    _authority_gives_opinions(page, log_in)
    _office_sends_to_committee(page, log_in, file_url)
    _committee_votes_and_chair_decides(page, log_in)

    _as(page, log_in, "applicant@demo.kr")
    page.goto(file_url)
    assert page.locator("text=Only on the Sangam DMC loop.").count() >= 1
    page.locator("form[action$='/conditions/accept'] button").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("form[action$='/conditions/accept']").count() == 0

    _as(page, log_in, "auditor@demo.kr")
    page.goto("/audit/decisions")
    with page.expect_download() as download_info:
        page.locator("a[href*='decisions.csv']").click()
    path = tmp_path / "decisions.csv"
    download_info.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    mine = [r for r in rows if r["title"] == FILE_TITLE]
    assert len(mine) == 1
    assert mine[0]["outcome"] == "approve_with_conditions" and re.fullmatch(r"[0-9a-f]{64}", mine[0]["audit_hash"])
    assert mine[0]["conditions_accepted_at"]
