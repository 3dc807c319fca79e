"""Administrators manage users and roles (not applications)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..bounds import query_text
from ..extensions import db
from ..labels import Role
from ..models import User
from ..services import accounts
from ..viewhelpers import load_or_404, me, refusals
from .forms import AccountStateForm, RoleChangeForm
from .blueprint import bp





@bp.route("/users")
def users():
    query = query_text("q")
    stmt = select(User).order_by(User.email)
    if query:
        like = f"%{query.lower()}%"
        stmt = stmt.where(db.or_(db.func.lower(User.email).like(like), db.func.lower(User.name).like(like)))
    people = db.session.scalars(stmt.limit(200)).all()
    return render_template("admin/users.html", users=people, q=query, form=RoleChangeForm(), roles=Role)


@bp.route("/users/<int:user_id>/roles/<action>", methods=["POST"])
def change_role(user_id, action):
    user = load_or_404(User, user_id)
    form = RoleChangeForm()
    if not form.validate_on_submit() or action not in {"grant", "revoke"}:
        flash(_("Choose a valid role."), "danger")
        return redirect(url_for(".users"))
    role = Role(form.role.data)
    with refusals() as outcome:
        if action == "grant":
            changed = accounts.grant_role(me(), user, role)
            message = _("%(user)s now has the role %(role)s.", user=user.email, role=role.label)
        else:
            changed = accounts.revoke_role(me(), user, role)
            message = _("%(user)s no longer has the role %(role)s.", user=user.email, role=role.label)
    if outcome.ok:
        flash(message if changed else _("Nothing changed."), "success" if changed else "info")
    return redirect(url_for(".users", q=request.args.get("q", "")))


@bp.route("/users/<int:user_id>/<any(deactivate, reactivate):action>", methods=["POST"])
def set_account_state(user_id, action):
    user = load_or_404(User, user_id)
    if AccountStateForm().validate_on_submit():
        with refusals() as outcome:
            changed = accounts.set_active(me(), user, action == "reactivate")
        if outcome.ok:
            message = (_("%(user)s can log in again.", user=user.email) if action == "reactivate" else
                       _("%(user)s is deactivated and has been logged out everywhere.", user=user.email))
            flash(message if changed else _("Nothing changed."), "success" if changed else "info")
    return redirect(url_for(".users", q=request.args.get("q", "")))
