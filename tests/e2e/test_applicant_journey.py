"""An applicant drafts a trial exemption over two sessions, uploads a document, sees what is still
missing, completes it, submits, and sees the new state and its clock — in real headless Chromium."""
import re
from datetime import date, timedelta

from playwright.sync_api import expect

APPLICANT = "applicant@demo.kr"
TITLE = "Sangam night shuttle (browser test)"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def choose_english(page):
    # Korean strings may not be translated yet: read the pages in English so labels are stable.
    page.goto("/")
    page.locator("header .krds-language .drop-btn").click()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def save_and_continue(page):
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("main")).to_contain_text("Saved.")


def log_out(page):
    page.get_by_role("button", name="Log out").click()


def first_session(page, log_in):
    log_in(APPLICANT)
    page.goto("/applicant/")
    page.get_by_role("link", name="Start an application").first.click()
    page.get_by_label("Instrument").select_option(label="Trial exemption")
    page.get_by_role("button", name="Create the draft").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Basics")
    page.get_by_label("Zone").select_option(label="Sangam DMC autonomous-driving pilot district (Mapo-gu)")
    page.get_by_label("Technology category").select_option(label="Autonomous driving")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Summary").fill("A driverless night shuttle between DMC station and the media towers.")
    save_and_continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Innovation and benefit")
    page.get_by_label("Innovation").fill("First driverless service at night in Seoul.")
    page.get_by_label("Public and user benefit").fill("Late-shift workers get home safely.")
    save_and_continue(page)
    log_out(page)


def resume_from_dashboard(page, log_in):
    log_in(APPLICANT)
    page.goto("/applicant/")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Edit the draft").click()
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    page.get_by_role("link", name="Review and submit").click()
    missing = page.locator("main .app-missing-list")
    expect(missing).to_contain_text("Request at least one exemption.")
    expect(missing).to_contain_text("Give the trial site")
    expect(page.get_by_role("button", name="Submit", exact=True)).to_have_count(0)


def complete_the_form(page, tmp_path):
    missing_exemption = page.locator(".app-missing-list li", has_text="Request at least one exemption.")
    missing_exemption.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exemptions")
    page.get_by_label(re.compile(r"^Exemption\b")).select_option(
        label="Autonomous-vehicle driver duties — Road Traffic Act §49")
    page.get_by_label("Legal ground").select_option(label="No applicable standard exists")
    page.get_by_label("Justification").fill("The Road Traffic Act assumes a human driver at the wheel.")
    page.get_by_role("button", name="Add this exemption").click()
    expect(page.locator("main")).to_contain_text("Exemption request added")
    page.get_by_role("textbox", name="Regulations to be waived").fill("Road Traffic Act §49 (driver duties)")
    save_and_continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Trial scope")
    page.get_by_label("Trial site", exact=True).fill("37.5790, 126.8900")
    start = date.today() + timedelta(days=30)
    page.get_by_label("Trial starts on").fill(start.isoformat())
    page.get_by_label("Trial ends on").fill((start + timedelta(days=365)).isoformat())
    page.get_by_label("Units (vehicles, robots, devices)").fill("3")
    page.get_by_label("Users planned").fill("200")
    save_and_continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Plans")
    page.get_by_label("Safety plan").fill("Remote operator, emergency stop, 30 km/h limit.")
    page.get_by_label("User protection and privacy").fill("Consent at boarding; video blurred on device.")
    page.get_by_label("Insurance and compensation plan").fill("Liability insurance above the legal minimums.")
    page.get_by_label("Financing and organisation").fill("Series A; a team of twelve.")
    save_and_continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Documents")
    pdf = tmp_path / "business-plan.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label("Kind of document").select_option(label="Business plan")
    page.get_by_label(re.compile(r"^File\b")).set_input_files(pdf)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("link", name="business-plan.pdf")).to_be_visible()


def submit_from_review(page):
    page.get_by_role("link", name=re.compile("Continue to")).click()
    expect(page.get_by_role("heading", name="Nothing is missing")).to_be_visible()
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.locator("main .file-meta .krds-badge")).to_have_text(re.compile("Submitted|제출됨"))
    expect(page.locator("main .app-clock")).to_be_visible()
    expect(page.locator("main .app-clock")).to_contain_text(re.compile(r"D-\d+"))


def test_applicant_drafts_over_two_sessions_and_submits(page, log_in, tmp_path):
    choose_english(page)
    first_session(page, log_in)
    resume_from_dashboard(page, log_in)
    complete_the_form(page, tmp_path)
    submit_from_review(page)
