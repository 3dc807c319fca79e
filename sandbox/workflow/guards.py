"""Guards: predicates on a file that return the reasons a transition may not happen (empty: it may).

Each reason names the missing item in words the applicant or officer can act on. The guards on the
review, committee and trial records call the rules (sandbox/rules) directly."""
from datetime import datetime, timedelta, timezone

from flask import current_app
from flask_babel import gettext as _

from .. import sites
from ..labels import Instrument, TechCategory
from ..rules.committee import conditions_acceptance_problems, conditions_problems, quorum_problems
from ..rules.dates import add_months
from ..rules.duties import separation_problems
from ..rules.reviews import exemptions_without_opinion, review_shortfall
from ..rules.trials import (amendment_problems, capacity_problems, extension_problems, hearing_problems,
                            insurance_problems, result_report_problems)

# Legal maximum trial length in months, before extensions (DESIGN §1).
MAX_PERIOD_MONTHS = {
    Instrument.trial_exemption: 48,   # smart city: 4 years (+ up to 2 by extension)
    Instrument.temporary_permit: 24,
}

REQUIRED_TEXT = (
    ("title", "Title"), ("summary", "Summary"), ("innovation", "Innovation"),
    ("public_benefit", "Public and user benefit"), ("regulations", "Regulations to be waived"),
    ("safety_plan", "Safety plan"), ("user_protection", "User protection and privacy"),
    ("insurance_plan", "Insurance and compensation plan"), ("financing", "Financing and organisation"),
)


def _label(english):
    return _(english)


def form_complete(application, **_data):
    reasons = []
    if application.zone_id is None:
        reasons.append(_("Choose a zone."))
    if application.category is None:
        reasons.append(_("Choose a technology category."))
    for attr, english in REQUIRED_TEXT:
        if not (getattr(application, attr) or "").strip():
            reasons.append(_("Fill in “%(item)s”.", item=_label(english)))
    if application.site_geojson is None:
        reasons.append(_("Give the trial site (a point or an area)."))
    if application.period_start is None or application.period_end is None:
        reasons.append(_("Give the trial period (start and end dates)."))
    if application.units is None or application.users_planned is None:
        reasons.append(_("Give the trial scale (units and users)."))
    return reasons


def question_complete(application, **_data):
    reasons = []
    if not (application.title or "").strip():
        reasons.append(_("Fill in “%(item)s”.", item=_("Title")))
    if not (application.summary or "").strip():
        reasons.append(_("Describe the service in the summary."))
    if not (application.question or "").strip():
        reasons.append(_("Write the question you want confirmed."))
    return reasons


def has_exemption_request(application, **_data):
    if not application.exemption_requests:
        return [_("Request at least one exemption.")]
    return []


def exemptions_fit_zone(application, **_data):
    zone = application.zone
    if zone is None:
        return []
    offered = {e.id for e in zone.exemption_types}
    return [_("The zone %(zone)s does not offer the exemption “%(name)s”; remove it or choose another zone.",
              zone=zone.name, name=r.exemption_type.name)
            for r in application.exemption_requests if r.exemption_type_id not in offered]


def zone_offers_instrument(application, **_data):
    zone = application.zone
    if zone is not None and application.instrument not in (zone.instruments or []):
        return [_("The zone %(zone)s does not offer %(instrument)s.", zone=zone.name,
                  instrument=Instrument(application.instrument).label)]
    return []


def category_allowed(application, **_data):
    zone = application.zone
    if zone is not None and application.category is not None and application.category not in (zone.categories or []):
        return [_("The zone %(zone)s does not allow %(category)s trials.", zone=zone.name,
                  category=TechCategory(application.category).label)]
    return []


def site_inside_zone(application, **_data):
    zone = application.zone
    if zone is None or application.site_geojson is None:
        return []
    return sites.site_problems(application.site_geojson, zone)


def period_within_limit(application, **_data):
    start, end = application.period_start, application.period_end
    if start is None or end is None:
        return []
    if end <= start:
        return [_("The trial period must end after it starts.")]
    months = MAX_PERIOD_MONTHS.get(Instrument(application.instrument))
    if months and end > add_months(start, months):
        return [_("The trial period may be at most %(months)d months for this instrument.", months=months)]
    return []


def supplement_answered(application, answer="", **_data):
    if not (answer or "").strip():
        return [_("Write what you changed or are sending in answer to the request.")]
    return []


def answer_period_elapsed(application, now=None, **_data):
    now = now or datetime.now(timezone.utc)
    days = current_app.config.get("QUICK_CONFIRMATION_DAYS", 30)
    if application.submitted_at is None or now < application.submitted_at + timedelta(days=days):
        return [_("The %(days)d-day answer period has not passed yet.", days=days)]
    return []


# The guards below read the review, committee and trial records: they fail closed (block the
# transition and say why) until those records exist.
def enough_reviews(application, **_data):
    return review_shortfall(application)


def every_exemption_has_opinion(application, **_data):
    return exemptions_without_opinion(application)


def decider_has_no_other_duty(application, actor=None, **_data):
    """Whoever screened, reviewed, answered for an authority on, or is tied to the file does not decide it."""
    if actor is None or not hasattr(actor, "role_set"):
        return []
    return separation_problems(actor, application, "decide")


def quorum(application, **_data):
    return quorum_problems(application)


def has_conditions(application, conditions=None, **_data):
    return conditions_problems(application, conditions)


def conditions_accepted(application, **_data):
    return conditions_acceptance_problems(application)


def insurance_valid(application, **_data):
    return insurance_problems(application)


def zone_has_capacity(application, **_data):
    return capacity_problems(application)


def extension_allowed(application, months=None, now=None, **_data):
    return extension_problems(application, months=months, now=now)


def amendment_window_open(application, law=None, now=None, **_data):
    return amendment_problems(application, law=law, now=now)


def result_report_filed(application, **_data):
    return result_report_problems(application)


def hearing_recorded(application, now=None, **_data):
    return hearing_problems(application, now=now)
