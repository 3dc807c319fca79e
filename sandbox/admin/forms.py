from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

from ..labels import Role


class RoleChangeForm(FlaskForm):
    role = SelectField(_l("Role"), choices=Role.choices)


class AccountStateForm(FlaskForm):
    """Deactivate or reactivate an account (a button; CSRF only)."""
