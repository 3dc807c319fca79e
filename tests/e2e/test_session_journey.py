"""Two browsers logged in as one person: from the account page of the first, the person ends the other
session, and the second browser is sent to the login page on its next click."""
import re

from playwright.sync_api import expect

from .conftest import DEMO_PASSWORD


def _log_in(page, email):
    page.goto("/auth/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form.form-narrow button[type=submit]").click()
    page.wait_for_load_state()


def test_ending_another_session_from_the_account_page(browser, base_url):
    office = browser.new_context(base_url=base_url, locale="en-US")
    firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
    laptop = browser.new_context(base_url=base_url, locale="en-US", user_agent=firefox)
    try:
        desk, other = office.new_page(), laptop.new_page()
        _log_in(desk, "committee2@demo.kr")
        _log_in(other, "committee2@demo.kr")
        other.goto("/committee/")
        expect(other).to_have_url(re.compile(r"/committee/$"))

        desk.locator("header").get_by_role("link", name="My account").click()
        sessions = desk.locator("main table tbody tr")
        expect(sessions.filter(has_text="this device")).to_have_count(1)
        laptop_row = sessions.filter(has_text="Firefox / Linux")
        expect(laptop_row).to_have_count(1)
        laptop_row.get_by_role("button", name="End this session").click()
        expect(desk.locator("main")).to_contain_text("That session has been logged out.")
        expect(desk.locator("main table tbody tr").filter(has_text="Firefox / Linux")).to_have_count(0)

        other.goto("/committee/")
        expect(other).to_have_url(re.compile(r"/auth/login"))
        expect(other.locator("body")).to_contain_text("Your session has ended, please log in again.")
        desk.goto("/committee/")
        expect(desk).to_have_url(re.compile(r"/committee/$"))
    finally:
        office.close()
        laptop.close()
