"""What every blueprint's views share: loading objects, checking permission, gating a blueprint, and the one
way a refusal from a service reaches the person who asked."""
from contextlib import contextmanager

from flask import abort, flash, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from . import policy
from .errors import InvalidTransition, SandboxError, StaleObject
from .extensions import db


def load_or_404(model, object_id):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def require(action, obj=None):
    """Refuse with 403 unless the current user may do `action`."""
    policy.ensure(current_user._get_current_object(), action, obj)


def me():
    return current_user._get_current_object()


def gate(blueprint, action=None, open_endpoints=()):
    """Every route of `blueprint` needs a logged-in person and, when `action` is given, permission for it;
    endpoints in `open_endpoints` check their own permission (a page shared with another role)."""
    @blueprint.before_request
    @login_required
    def _gate():
        if action and request.endpoint not in open_endpoints:
            require(action)
    return _gate


def flash_refusal(exc):
    """The refusal's headline as an error, then each reason as its own line, so that a list of missing
    items reads as a list."""
    flash(exc.message or _("That did not work."), "danger")
    for reason in exc.reasons:
        if reason != exc.message:
            flash(reason, "warning")


class Outcome:
    """What `refusals()` learnt: `ok`, or the refusal and the status to re-render the page with."""
    refusal = None

    @property
    def ok(self):
        return self.refusal is None

    @property
    def status(self):
        return 200 if self.refusal is None else self.refusal.status


def _add_errors(field, messages):
    # WTForms keeps a tuple until the field is validated; a refusal may follow a validated form or not.
    field.errors = [*field.errors, *(m for m in messages if m not in field.errors)]


def _show(exc, form, beside):
    if beside is not None:
        _add_errors(beside, [exc.message, *(r for r in exc.reasons if r != exc.message)])
        return
    placed = getattr(exc, "field_errors", None) if form is not None else None
    if not placed:
        flash_refusal(exc)
        return
    flash(exc.message or _("That did not work."), "danger")
    for name, messages in placed.items():
        if name and name in form:
            _add_errors(form[name], messages)
        else:
            form.form_errors.extend(messages)


@contextmanager
def refusals(form=None, beside=None):
    """Around a service call in a view. A refusal the person can act on (a guard, a validation, a
    permission with its reasons) is shown and the view goes on to re-render its page, with the form
    still bound to what was typed. A conflict (the file moved on, or someone changed it in between)
    propagates to the 409 page, which says so. Nothing to roll back here: the service's atomic() did.

    Where the refusal is shown: by default flashed, headline then reasons. With `beside` (a field), next
    to that field, where the person typed what was refused (an upload, an invite code). With `form`, a
    refusal that ties its reasons to fields (`field_errors`) has them shown beside those fields under one
    flashed headline."""
    outcome = Outcome()
    try:
        yield outcome
    except (InvalidTransition, StaleObject):
        raise
    except SandboxError as exc:
        _show(exc, form, beside)
        outcome.refusal = exc
