"""Small helpers every blueprint's views share: loading objects and checking permission in one step."""
from flask import abort
from flask_login import current_user

from . import policy
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
