"""Steps the browser journeys share."""


def switch_to(page, log_in, email):
    """Leave the current account's session and log in as another person."""
    page.context.clear_cookies()
    log_in(email)


def pick(page, input_id):
    # KRDS draws its own radio and check boxes: the label is what a person clicks.
    page.locator(f"label[for='{input_id}']").click()
