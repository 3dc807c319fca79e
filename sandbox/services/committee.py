"""Committee meetings, votes and decision records (issue "Review" builds them out)."""
from flask_babel import gettext as _


def quorum_problems(application):
    return [_("No committee vote has been recorded yet.")]


def conditions_problems(application, conditions=None):
    if not conditions:
        return [_("State the conditions of the approval.")]
    return []
