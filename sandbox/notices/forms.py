"""Button-only form: it carries the CSRF token for the notification centre's POST buttons."""
from flask_wtf import FlaskForm


class ConfirmForm(FlaskForm):
    pass
