"""Notification centre: my notices (unread first), mark read, mark all read; admins see failed emails."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..bounds import db_int
from ..models import EmailStatus, Notification
from ..services import delivery, notifications
from ..services.letters import LANGUAGES
from ..viewforms import local_path
from ..viewhelpers import load_or_404, me, require
from .forms import ConfirmForm, ReadForm
from .blueprint import bp


def _own(notification_id):
    notification = load_or_404(Notification, notification_id)
    if notification.user_id != me().id:
        abort(404)  # someone else's notice: do not even confirm it exists
    return notification


@bp.route("/")
def index():
    page = max(1, request.args.get("page", 1, type=db_int))
    rows, has_next = notifications.notices_for(me(), page=page)
    return render_template(
        "notices/index.html", rows=rows, form=ConfirmForm(), unread=notifications.unread_count(me()),
        languages=LANGUAGES,
        prev_url=url_for(".index", page=page - 1) if page > 1 else None,
        next_url=url_for(".index", page=page + 1) if has_next else None,
        breadcrumbs=[(_("Notifications"), None)])


@bp.route("/<int:notification_id>/read", methods=["POST"])
def read(notification_id):
    notification = _own(notification_id)
    form = ReadForm()
    if not form.validate_on_submit():
        abort(400)
    notifications.mark_read(me(), notification)
    link = notification.link
    if form.open.data == "1" and local_path(link, None):
        return redirect(link, code=303)
    return redirect(url_for(".index"), code=303)


@bp.route("/read-all", methods=["POST"])
def read_all():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    count = notifications.mark_all_read(me())
    flash(_("%(n)d notifications marked as read.", n=count), "success")
    return redirect(url_for(".index"), code=303)


@bp.route("/admin/failures")
def failures():
    require("notifications.admin")
    return render_template("notices/failures.html", rows=delivery.delivery_failures(),
                           form=ConfirmForm(),
                           statuses=EmailStatus, breadcrumbs=[(_("Email delivery failures"), None)])


@bp.route("/admin/failures/<int:notification_id>/retry", methods=["POST"])
def retry(notification_id):
    require("notifications.admin")
    notification = load_or_404(Notification, notification_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    delivery.retry_delivery(me(), notification)
    flash(_("The email to %(email)s will be sent again on the next run.", email=notification.user.email),
          "success")
    return redirect(url_for(".failures"), code=303)
