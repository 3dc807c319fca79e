"""The committee's vote and decision forms. The decision's conditions are a repeated group with a
server-side cap: no row count is read from the request (a hidden `conditions-count` of 10**23
once made the server build that many rows)."""
from flask_wtf import FlaskForm
from wtforms import Form, FormField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length

from ..bounds import BoundedFieldList, optional_int

MAX_CONDITIONS = 20
TEXT_LIMIT = 5000


class ConditionRowForm(Form):
    """One condition row; the kind and parameters are checked by services.conditions."""
    kind = StringField(validators=[Length(max=40)])
    text = StringField(validators=[Length(max=TEXT_LIMIT)])
    parameters = StringField(validators=[Length(max=TEXT_LIMIT)])


class VoteForm(FlaskForm):
    choice = StringField(validators=[Length(max=40)])
    reason = TextAreaField(validators=[Length(max=TEXT_LIMIT)])


class DecisionForm(FlaskForm):
    outcome = StringField(validators=[Length(max=40)])
    reasons = TextAreaField(validators=[Length(max=TEXT_LIMIT)])
    conditions = BoundedFieldList(FormField(ConditionRowForm), max_entries=MAX_CONDITIONS)
    # Which reviews and opinions may be cited is the service's rule (only this file's).
    cite_review = SelectMultipleField(coerce=optional_int, validate_choice=False)
    cite_opinion = SelectMultipleField(coerce=optional_int, validate_choice=False)

    def condition_rows(self):
        return [{"kind": row.kind.data or "", "text": row.text.data or "",
                 "parameters": row.parameters.data or ""} for row in self.conditions]


def form_errors(form):
    """Every error message of a form (nested rows included) once, for the flash list above it."""
    messages = []

    def collect(value):
        if isinstance(value, dict):
            for inner in value.values():
                collect(inner)
        elif isinstance(value, (list, tuple)):
            for inner in value:
                collect(inner)
        elif value and str(value) not in messages:
            messages.append(str(value))
    collect(form.errors)
    return messages
