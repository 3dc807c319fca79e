"""Expert reviewers: the files assigned to them."""
from flask import Blueprint, render_template
from flask_login import login_required

from ..viewhelpers import require

bp = Blueprint("review", __name__, url_prefix="/review")


@bp.before_request
@login_required
def _only_reviewers():
    require("review.queue")


@bp.route("/")
def assignments():
    # Assignments arrive with the Review issue; until then every reviewer's list is honestly empty.
    return render_template("review/assignments.html", assignments=[])
