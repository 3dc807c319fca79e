"""The forms of the review blueprint: answering an assignment, the conflict declaration, the rubric
review and an organisation tie. What each value must be is the services' rule; these forms bound
what a request may carry and keep what was typed."""
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..bounds import DateField, IntegerField
from ..viewforms import TEXT_LIMIT, NextForm


class AnswerForm(NextForm):
    """Accept: a button that returns to the page it was pressed on."""


class DeclineForm(NextForm):
    reason = TextAreaField(validators=[Length(max=TEXT_LIMIT)])


class DeclarationForm(NextForm):
    has_conflict = StringField(validators=[Length(max=10)])
    details = TextAreaField(validators=[Length(max=TEXT_LIMIT)])


class _ReviewForm(FlaskForm):
    recommendation = StringField(validators=[Length(max=40)])
    comments_to_applicant = TextAreaField(validators=[Length(max=TEXT_LIMIT)])
    comments_to_committee = TextAreaField(validators=[Length(max=TEXT_LIMIT)])

    def scores(self):
        return {key: self[f"score-{key}"].data for key in self.rubric_keys}


def review_form(rubric):
    """The rubric comes from the configuration, so the score fields (`score-<key>`, as the page names
    them) are added per request; each is held to 0..weight as the service holds it."""
    class ReviewForm(_ReviewForm):
        rubric_keys = [c["key"] for c in rubric]
    for criterion in rubric:
        setattr(ReviewForm, f"score-{criterion['key']}", IntegerField(minimum=0, maximum=criterion["weight"]))
    return ReviewForm()


class TieForm(FlaskForm):
    organisation_id = IntegerField(minimum=1)
    kind = StringField(validators=[Length(max=40)])
    since = DateField(validators=[Optional()])
    until = DateField(validators=[Optional()])
    details = StringField(validators=[Length(max=TEXT_LIMIT)])
