"""The side navigation for the logged-in user's roles, and template globals."""
from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import get_locale
from flask_login import current_user

from . import policy
from .i18n import current_language
from .services.notifications import unread_count


def _link(label, endpoint, **values):
    url = url_for(endpoint, **values)
    return {"label": label, "url": url, "active": request.path == url}


def _sections(user):
    if not getattr(user, "is_authenticated", False):
        return []
    sections = []
    if policy.may(user, "applicant.portal"):
        sections.append({"title": _("My applications"), "links": [
            _link(_("Dashboard"), "applicant.dashboard"),
            _link(_("New application"), "applicant.new"),
            _link(_("Organisations"), "applicant.organisations"),
        ]})
    staff = []
    if policy.may(user, "office.queue"):
        staff.append(_link(_("Office queue"), "office.queue"))
        staff.append(_link(_("Committee meetings"), "office.meetings"))
        staff.append(_link(_("Bulk assignment"), "office.bulk_assign"))
    if policy.may(user, "dispute.queue"):
        staff.append(_link(_("Organisation disputes"), "office.disputes_list"))
    if policy.may(user, "trial.office"):
        staff.append(_link(_("Trials"), "office.trial_list"))
        staff.append(_link(_("Citizen feedback"), "office.feedback_queue"))
    if policy.may(user, "zone.manage"):
        staff.append(_link(_("Zone registry"), "office.zones"))
    if policy.may(user, "review.queue"):
        staff.append(_link(_("My reviews"), "review.assignments"))
    if policy.may(user, "authority.queue"):
        staff.append(_link(_("Exemption opinions"), "authority.queue"))
    if policy.may(user, "committee.queue"):
        staff.append(_link(_("Committee agenda"), "committee.agenda"))
    if policy.may(user, "tie.record"):
        staff.append(_link(_("My organisation ties"), "review.ties"))
    if policy.may(user, "dashboard.view"):
        staff.append(_link(_("Pipeline dashboard"), "office.dashboard"))
    if staff:
        sections.append({"title": _("Work"), "links": staff})
    if policy.may(user, "auditor.console"):
        sections.append({"title": _("Audit"), "links": [_link(_("Audit log"), "auditor.console"),
                                                        _link(_("Decision log"), "auditor.decisions")]})
    if policy.may(user, "admin.users"):
        sections.append({"title": _("Administration"), "links": [_link(_("Users and roles"), "admin.users")]})
    if policy.may(user, "notifications.admin"):
        sections[-1]["links"].append(_link(_("Email delivery failures"), "notices.failures"))
    sections.append({"title": _("Account"), "links": [_link(_("Notifications"), "notices.index"),
                                                      _link(_("My account and sessions"), "auth.account"),
                                                      _link(_("Change password"), "auth.password")]})
    return sections


def _unread(user):
    # One indexed COUNT per page, only for people who are logged in.
    if not getattr(user, "is_authenticated", False):
        return 0
    return unread_count(user)


def register_navigation(app):
    @app.context_processor
    def inject_navigation():
        return {"nav_sections": _sections(current_user), "may": policy.may,
                "get_locale": get_locale, "current_language": current_language,
                "unread_notifications": _unread(current_user)}
