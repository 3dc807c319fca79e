"""Two browsers race for the same action: the office works the Magok file in screening from two
sessions (two people at two desks, or one person with two tabs), both pages show "Accept for expert
review", and both buttons are clicked at nearly the same moment. Exactly one click goes through and
shows the new state; the other gets the 409 page that says someone else changed the file; the
file's history shows the acceptance once."""
import re

from playwright.sync_api import expect

FILE_TITLE = "마곡 이웃간 전력거래 리빙랩"  # demo file in screening; no other journey touches it
DEMO_PASSWORD = "demo-password-1"
BUTTON = "form[action*='/actions/accept'] button[type=submit]"
DONE = "Done. The file is now “Expert review”."
CONFLICT_TITLE = "The file has changed"
# fire() says one of these, depending on whether the loser read the file before or after the winner's commit.
CONFLICT_MESSAGES = ("Someone else changed this file after you opened it. Reload and try again.",
                     "Someone else changed this file at the same moment. Reload and try again.",
                     "This file has moved on to “Expert review”; that action no longer applies.")


def _office_opens_the_file(context):
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto("/auth/login")
    page.locator("input[name=email]").fill("office@demo.kr")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form.form-narrow button[type=submit]").click()
    page.wait_for_load_state()
    page.goto("/office/?state=screening")
    page.get_by_role("link", name=FILE_TITLE).click()
    page.wait_for_load_state("domcontentloaded")
    expect(page.locator(BUTTON)).to_be_visible()
    return page


def _posted_accept(response):
    return response.request.method == "POST" and "/actions/accept" in response.url


def test_two_browsers_race_for_the_same_action(new_context):
    first, second = new_context(), new_context()
    page_a, page_b = _office_opens_the_file(first), _office_opens_the_file(second)
    assert page_a.url == page_b.url
    file_url = page_a.url

    # Both click, back to back, without waiting for the first to finish: the two POSTs are in flight together.
    with page_a.expect_response(_posted_accept) as answer_a, \
            page_b.expect_response(_posted_accept) as answer_b:
        page_a.locator(BUTTON).click(no_wait_after=True)
        page_b.locator(BUTTON).click(no_wait_after=True)
    statuses = sorted([answer_a.value.status, answer_b.value.status])
    assert statuses == [303, 409], statuses
    winner, loser = (page_a, page_b) if answer_a.value.status == 303 else (page_b, page_a)

    # The winner lands back on the file, in its new state.
    expect(winner.locator(".app-flashes")).to_contain_text(DONE)
    assert winner.url == file_url
    # The loser sees the app's 409 page, in words: someone else changed the file.
    expect(loser.locator("#error-title")).to_have_text(CONFLICT_TITLE)
    expect(loser.locator(".app-error-code")).to_contain_text("409")
    message = loser.locator(".app-error-message").inner_text().strip()
    assert message in CONFLICT_MESSAGES, message
    print(f"\nRACE: {'A' if winner is page_a else 'B'} won; the other read: {message}")

    # Reloading the file shows it accepted once, with no accept button left, in both browsers.
    for page in (winner, loser):
        page.goto(file_url)
        expect(page.locator(BUTTON)).to_have_count(0)
        history = page.locator("section.timeline .timeline-list > li")
        accepted = history.filter(has_text=re.compile(r"Screening\s*→\s*Expert review"))
        expect(accepted).to_have_count(1)
    first.close()
    second.close()
