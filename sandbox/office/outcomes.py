"""The status an office page is shown again with after a POST that did not go through."""


def page_status(form, outcome=None):
    """A refusal's own status (422 for a guard or a validation, 403 for a permission); 422 when the form
    itself refused the input (as these pages have always answered); 200 for a page shown afresh."""
    if outcome is not None and not outcome.ok:
        return outcome.status
    return 422 if form.is_submitted() else 200
