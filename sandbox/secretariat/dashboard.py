"""The pipeline dashboard for the office and the committee: where files are, how long each stage
takes, what is overdue, approvals per month and the wait from approval to trial start.

Its own small blueprint under /office: the secretariat blueprint admits only the office, and
committee members and auditors see this page too."""
from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import login_required

from ..services.pipeline_stats import dashboard
from ..viewhelpers import require

bp = Blueprint("dashboard", __name__, url_prefix="/office")


def chart_data(figures):
    """Plain lists for static/js/dashboard.js, embedded as a JSON data block (CSP: no inline script)."""
    return {
        "states": {"labels": [str(s.label) for s, _n in figures["states"]],
                   "values": [n for _s, n in figures["states"]], "label": _("Files")},
        "stages": {"labels": [str(s.label) for s, _x in figures["stages"]],
                   "median": [x["median"] for _s, x in figures["stages"]],
                   "p90": [x["p90"] for _s, x in figures["stages"]],
                   "median_label": _("Median (days)"), "p90_label": _("90th percentile (days)")},
        "approvals": {"labels": [m for m, _n in figures["approvals"]],
                      "values": [n for _m, n in figures["approvals"]], "label": _("Approvals")},
    }


@bp.route("/dashboard")
@login_required
def index():
    require("dashboard.view")
    figures = dashboard()
    return render_template("secretariat/dashboard.html", figures=figures, charts=chart_data(figures),
                           breadcrumbs=[(_("Pipeline dashboard"), None)])
