"""Separation of duties in a real browser (issue 14): the administrator cannot grant itself a role; another
grant makes the office officer a committee member; the officer puts a file they screened on a meeting's
agenda and, as a member of that meeting, finds the reason they may not vote where the vote form would be.
Starts from the demo file waiting in 'exemption check' for its last authority opinion."""
import re
from .steps import pick as _pick, switch_to as _as

FILE_TITLE = "상암 자율주행 순찰 로봇"
REASON = "You screened this file, so you may not vote on it."


def _admin_row(page, email):
    page.goto(f"/admin/users?q={email}")
    return page.locator("tr", has_text=email)


def _change_role(page, email, action, role):
    row = _admin_row(page, email)
    form = row.locator(f"form[action*='/roles/{action}']")
    form.locator("select").select_option(role)
    form.locator("button").click()
    page.wait_for_load_state("domcontentloaded")


def _authority_gives_the_last_opinion(page, log_in):
    _as(page, log_in, "authority@demo.kr")
    page.goto("/authority/")
    links = page.get_by_role("link", name=FILE_TITLE)
    urls = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for url in urls:
        page.goto(url)
        if page.locator("#verdict-consent").count():
            _pick(page, "verdict-consent")
            page.locator("form button[type=submit]", has_text=re.compile("opinion", re.I)).click()
            page.wait_for_load_state("domcontentloaded")
            return
    raise AssertionError("no opinion left to give on the demo file")


def _office_puts_the_file_on_a_meeting_it_sits_on(page, log_in):
    _as(page, log_in, "office@demo.kr")
    page.goto("/office/meetings")
    page.fill("#title", "E2E meeting with the office officer")
    page.fill("#meets_on", "2030-02-01")
    for label in ("Demo committee 1", "Demo committee 2", "Demo chair", "Demo secretariat"):
        page.locator("label", has_text=label).click()
    page.locator("form[action$='/meetings'] button").click()
    page.wait_for_load_state("domcontentloaded")
    option = page.locator("#application_id option", has_text=FILE_TITLE)
    page.select_option("#application_id", value=option.get_attribute("value"))
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_role("link", name=FILE_TITLE).count() == 1


def test_a_committee_member_who_screened_the_file_sees_why_instead_of_the_vote(page, log_in):
    page.set_default_timeout(10000)
    _as(page, log_in, "admin@demo.kr")
    own = _admin_row(page, "admin@demo.kr")
    assert own.locator("form[action*='/roles/grant']").count() == 0
    assert "another administrator must do it" in own.inner_text()

    _change_role(page, "office@demo.kr", "grant", "committee")
    assert page.locator("text=office@demo.kr now has the role").count() == 1

    _authority_gives_the_last_opinion(page, log_in)
    _office_puts_the_file_on_a_meeting_it_sits_on(page, log_in)

    page.goto("/committee/")
    assert page.locator("h2", has_text="E2E meeting with the office officer").count() == 1
    page.get_by_role("link", name=FILE_TITLE).first.click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_text(REASON).count() >= 1
    assert page.locator("form[action$='/vote']").count() == 0
    assert page.get_by_role("button", name="Cast my vote").count() == 0

    # Leave the demo as it was for the other journeys: another administrator's revocation.
    _as(page, log_in, "admin@demo.kr")
    _change_role(page, "office@demo.kr", "revoke", "committee")
    assert page.locator("text=office@demo.kr no longer has the role").count() == 1
