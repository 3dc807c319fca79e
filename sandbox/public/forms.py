"""Citizen feedback on a running trial, from the public register (no login)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class FeedbackForm(FlaskForm):
    text = TextAreaField(_l("Your feedback"), render_kw={"rows": 5},
                         validators=[DataRequired(message=_l("Write your feedback.")), Length(max=2000)])
    location = TextAreaField(_l("Place (optional)"), render_kw={"rows": 2}, validators=[Optional(), Length(max=2000)],
                             description=_l("Click on the map to mark a place, or leave it empty."))
    contact = StringField(_l("Contact (optional, seen only by the sandbox office)"),
                          validators=[Optional(), Length(max=200)])
