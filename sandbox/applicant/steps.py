"""The multi-step application form (being built)."""
from flask import redirect, url_for

from ..models import Application
from ..viewhelpers import load_or_404, require
from .views import bp


@bp.route("/applications/<int:application_id>/edit", methods=["GET", "POST"])
def edit(application_id):
    application = load_or_404(Application, application_id)
    require("application.edit", application)
    return redirect(url_for("files.show", application_id=application.id))
