"""The committee's vote and decision forms. The decision's conditions are a repeated group with a
server-side cap: no row count is read from the request (a hidden `conditions-count` of 10**23
once made the server build that many rows)."""
from flask_wtf import FlaskForm
from wtforms import FormField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length

from ..bounds import BoundedFieldList, optional_int
from ..viewforms import TEXT_LIMIT, ConditionForm, condition_rows

MAX_CONDITIONS = 20


class VoteForm(FlaskForm):
    choice = StringField(validators=[Length(max=40)])
    reason = TextAreaField(validators=[Length(max=TEXT_LIMIT)])


class DecisionForm(FlaskForm):
    outcome = StringField(validators=[Length(max=40)])
    reasons = TextAreaField(validators=[Length(max=TEXT_LIMIT)])
    conditions = BoundedFieldList(FormField(ConditionForm), max_entries=MAX_CONDITIONS)
    # Which reviews and opinions may be cited is the service's rule (only this file's).
    cite_review = SelectMultipleField(coerce=optional_int, validate_choice=False)
    cite_opinion = SelectMultipleField(coerce=optional_int, validate_choice=False)

    def condition_rows(self):
        return condition_rows(self.conditions)
