"""Deliberation stays confidential in a real browser: a committee member recuses with a reason on the
demo file under deliberation, then its applicant opens the file and the notification centre and reads
no committee member's (or reviewer's) name or e-mail, no vote and no recusal reason."""

from .steps import pick as _pick, switch_to as _as

FILE_TITLE = "상암 자율주행 야간 셔틀"
RECUSAL = "배우자가 신청 기업 자문역 / My spouse advises the applicant"
# The demo accounts of the people who judge the file (demo data: sandbox/seed/demo.py).
STAFF = ["committee1@demo.kr", "committee2@demo.kr", "chair@demo.kr", "reviewer1@demo.kr", "reviewer2@demo.kr",
         "reviewer3@demo.kr", "authority@demo.kr", "office@demo.kr", "오위원", "서위원", "강위원장", "최심사",
         "정검토", "윤평가", "한부처", "박사무", "Demo committee", "Demo chair", "Demo reviewer", "Demo authority",
         "Demo secretariat"]


def _leaks(html):
    return [s for s in [*STAFF, RECUSAL, "Vote cast", "Recuse"] if s in html]


def test_the_applicant_reads_no_committee_member_or_vote_while_the_committee_deliberates(page, log_in):
    _as(page, log_in, "committee2@demo.kr")
    page.goto("/committee/")
    page.get_by_role("link", name=FILE_TITLE).first.click()
    _pick(page, "conflict-no")
    page.locator("form[action*='/declare'] button").click()
    page.wait_for_load_state("domcontentloaded")
    _pick(page, "choice-recuse")
    page.fill("#vote-reason", RECUSAL)
    page.locator("form[action$='/vote'] button").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_text("Your vote is recorded.").count() == 1
    assert page.get_by_text(RECUSAL).count() >= 1  # the committee itself reads it

    _as(page, log_in, "applicant@demo.kr")
    page.goto("/applicant/")
    page.get_by_role("link", name=FILE_TITLE).first.click()
    page.wait_for_load_state("domcontentloaded")
    assert _leaks(page.content()) == []
    history = page.locator("#timeline-heading").locator("xpath=..")
    assert history.get_by_text("Sent to the committee").count() >= 1  # the applicant follows the file
    assert history.get_by_text("the sandbox office").count() >= 1  # staff only as neutral labels
    page.goto("/notices/")
    assert _leaks(page.content()) == []
