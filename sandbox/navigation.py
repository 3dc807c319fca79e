"""The side navigation for the logged-in user's roles, and template globals."""
from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import get_locale
from flask_login import current_user

from . import policy
from .i18n import current_language


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
    if policy.may(user, "secretariat.queue"):
        staff.append(_link(_("Secretariat queue"), "secretariat.queue"))
    if policy.may(user, "review.queue"):
        staff.append(_link(_("My reviews"), "review.assignments"))
    if policy.may(user, "authority.queue"):
        staff.append(_link(_("Exemption opinions"), "authority.queue"))
    if policy.may(user, "committee.queue"):
        staff.append(_link(_("Committee agenda"), "committee.agenda"))
    if staff:
        sections.append({"title": _("Work"), "links": staff})
    if policy.may(user, "auditor.console"):
        sections.append({"title": _("Audit"), "links": [_link(_("Audit log"), "auditor.console")]})
    if policy.may(user, "admin.users"):
        sections.append({"title": _("Administration"), "links": [_link(_("Users and roles"), "admin.users")]})
    sections.append({"title": _("Account"), "links": [_link(_("Change password"), "auth.password")]})
    return sections


def register_navigation(app):
    @app.context_processor
    def inject_navigation():
        return {"nav_sections": _sections(current_user), "may": policy.may,
                "get_locale": get_locale, "current_language": current_language}
