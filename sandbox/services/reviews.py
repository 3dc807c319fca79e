"""Expert reviews, authority opinions, assignments and conflicts of interest.

Until the review records are built (issue "Review"), the checks that depend on them fail closed:
a file cannot leave expert review or exemption check, and no assignment grants access."""
from flask_babel import gettext as _


def has_unconflicted_assignment(user, application):
    return False


def separation_problems(user, application, trigger):
    return []


def review_shortfall(application):
    return [_("No expert review has been recorded yet.")]


def exemptions_without_opinion(application):
    return [_("No authority opinion on “%(name)s” yet.", name=r.exemption_type.name)
            for r in application.exemption_requests]
