"""Someone registers an organisation under company B's registration number. Company B is not locked
out: it disputes the registration with a statement and its certificate; the office finds the dispute
in its queue, reads both sides and transfers the organisation; company B then starts an application
under its own number, and the wrong holder no longer sees the organisation."""
from playwright.sync_api import expect

NUMBER = "314-86-77777"  # not in the demo data; no other journey uses it
COMPANY_B = "Company B Co., Ltd. (browser test)"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TRANSFER = "Transfer the organisation to the disputing company"


def log_out(page):
    page.get_by_role("button", name="Log out").click()


def register_organisation(page, name):
    page.goto("/applicant/organisations")
    page.get_by_label("Organisation name").fill(name)
    page.get_by_label("Registration number").fill(NUMBER)
    page.get_by_role("button", name="Create organisation").click()


def test_company_b_disputes_its_number_and_the_office_transfers_it(page, log_in):
    page.set_default_timeout(15000)
    # The wrong holder registers first.
    log_in("startup@demo.kr")
    register_organisation(page, "Squatter Holdings (browser test)")
    expect(page.locator("main")).to_contain_text("Squatter Holdings (browser test)")
    log_out(page)

    # Company B finds its number taken, and is offered a dispute instead of a dead end.
    log_in("applicant@demo.kr")
    register_organisation(page, COMPANY_B)
    expect(page.locator("main")).to_contain_text("You are not locked out")
    page.get_by_role("link", name="Dispute this registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dispute a registration number")
    expect(page.get_by_label("Registration number")).to_have_value(NUMBER)
    expect(page.get_by_label("Your company's name")).to_have_value(COMPANY_B)
    page.get_by_label("Statement").fill("I am the CEO of Company B; the certificate shows our number.")
    page.get_by_label("Evidence").set_input_files(
        files=[{"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="File the dispute").click()
    expect(page.locator("main")).to_contain_text("Your dispute is filed")
    expect(page.locator("main")).to_contain_text("Open: the office is verifying")
    log_out(page)

    # The office sees it in its queue, reads both sides, opens the evidence and transfers the organisation.
    log_in("office@demo.kr")
    page.goto("/office/")
    page.get_by_role("link", name="open dispute").click()
    page.get_by_role("link", name=NUMBER).click()
    expect(page.locator("main")).to_contain_text("Squatter Holdings (browser test)")
    expect(page.locator("main")).to_contain_text("startup@demo.kr")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the evidence").click()
    assert download.value.suggested_filename.endswith(".pdf")
    # KRDS draws its own radio buttons: the label is what a person clicks.
    page.locator("label", has_text=TRANSFER).click()
    expect(page.get_by_label(TRANSFER)).to_be_checked()
    page.get_by_label("Reason").fill("The certificate matches the national tax service's register.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("main")).to_contain_text("The dispute is resolved; both sides are notified.")
    log_out(page)

    # Company B now holds its number and uses it.
    log_in("applicant@demo.kr")
    page.goto("/applicant/organisations")
    mine = page.get_by_role("table", name="Organisations I belong to").get_by_role("row", name=COMPANY_B)
    expect(mine).to_contain_text(NUMBER)
    expect(page.get_by_role("table", name="Disputes I filed")).to_contain_text(
        "Resolved: the organisation was transferred to the disputing company")
    page.goto("/notices/")  # notices are written in the site's language (Korean by default)
    expect(page.locator("main")).to_contain_text(f"{NUMBER} 이의 결정: 기관이 귀사로 이전되었습니다")
    page.goto("/applicant/applications/new")
    page.get_by_label("Applying organisation").select_option(label=COMPANY_B)
    page.get_by_label("Instrument").select_option(label="Trial exemption")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Basics")
    log_out(page)

    # The wrong holder no longer has it, and was told why.
    log_in("startup@demo.kr")
    page.goto("/applicant/organisations")
    expect(page.locator("main")).not_to_contain_text(NUMBER)
    page.goto("/notices/")
    expect(page.locator("main")).to_contain_text(f"{NUMBER} 이의 결정: 기관이 이전되었습니다")
