"""The pipeline dashboard for the office and the committee: where files are, how long each stage
takes, what is overdue, approvals per month and the wait from approval to trial start.

Committee members and auditors see this page too: the office blueprint's gate lets it check its own
permission."""
from flask import render_template
from flask_babel import gettext as _

from ..services.pipeline_stats import dashboard as pipeline_figures
from ..viewhelpers import require
from .blueprint import bp


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
def dashboard():
    require("dashboard.view")
    figures = pipeline_figures()
    return render_template("office/dashboard.html", figures=figures, charts=chart_data(figures),
                           breadcrumbs=[(_("Pipeline dashboard"), None)])
