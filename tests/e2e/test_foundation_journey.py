"""A new applicant registers, confirms the address by the e-mailed link, creates an organisation, logs
in again, reads the zones in Korean and in English, and logs out — in real headless Chromium."""
import re

import pytest

from playwright.sync_api import expect


@pytest.mark.browser_context_args(locale="ko-KR")
def test_register_create_organisation_and_read_zones_in_both_languages(page, confirmation_link):
    page.goto("/auth/register")
    page.locator("input[name=name]").fill("정새봄")
    page.locator("input[name=email]").fill("saebom@startup.kr")
    page.locator("input[name=password]").fill("a strong password")
    page.locator("input[name=confirm]").fill("a strong password")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("saebom@startup.kr")  # "we have sent a message to ..."

    page.goto(confirmation_link("saebom@startup.kr"))
    expect(page).to_have_url(re.compile(r"/applicant/organisations$"))
    page.locator("input[name=create-name]").fill("새봄로보틱스")
    page.locator("input[name=create-registration_number]").fill("314-86-12345")
    page.locator("select[name=create-kind]").select_option("company")
    page.locator("form[action$='/organisations/create'] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("새봄로보틱스")

    page.locator("header form[action$='/auth/logout'] button").click()
    page.goto("/auth/login")
    page.locator("input[name=email]").fill("saebom@startup.kr")
    page.locator("input[name=password]").fill("a strong password")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("header")).to_contain_text("정새봄")

    page.goto("/zones")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("main")).to_contain_text("상암 자율주행 시범운행지구")
    page.locator("header .krds-language .drop-btn").click()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_have_text("Sandbox zones")
    expect(page.locator("main")).to_contain_text("Sangam DMC autonomous-driving pilot district")
    page.locator("header .krds-language .drop-btn").click()
    page.get_by_role("button", name="한국어").click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")

    page.locator("header form[action$='/auth/logout'] button").click()
    page.goto("/applicant/")
    expect(page).to_have_url(re.compile(r"/auth/login"))


def test_five_wrong_passwords_are_throttled(page):
    for _ in range(6):
        page.goto("/auth/login")
        page.locator("input[name=email]").fill("guesser@example.kr")
        page.locator("input[name=password]").fill("wrong password")
        page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("15")
