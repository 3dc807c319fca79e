"""An authority's opinion on one requested exemption: the verdict, its reasons and up to
CONDITION_ROWS proposed conditions (the same row the committee decides on)."""
from flask_wtf import FlaskForm
from wtforms import FormField, StringField, TextAreaField
from wtforms.validators import Length

from ..bounds import BoundedFieldList
from ..viewforms import TEXT_LIMIT, ConditionForm, condition_rows

CONDITION_ROWS = 3


class OpinionForm(FlaskForm):
    # Which verdicts exist, and what each needs, is the service's rule (give_opinion).
    verdict = StringField(validators=[Length(max=40)])
    reasons = TextAreaField(validators=[Length(max=TEXT_LIMIT)])
    # Named `condition` so the rows post as condition-0-kind, as the page always has.
    condition = BoundedFieldList(FormField(ConditionForm), max_entries=CONDITION_ROWS, min_entries=CONDITION_ROWS)

    def condition_rows(self):
        return condition_rows(self.condition)
