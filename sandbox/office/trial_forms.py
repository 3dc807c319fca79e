"""Forms of the office's trial supervision page: the plan, correction orders and their extension, hearings,
extension decisions, the evaluation and the public summary. Each is shown under its own prefix."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, Optional

from ..bounds import DateField, IntegerField, optional_int
from ..labels import options
from ..models.trials import EvaluationOutcome


class PlanForm(FlaskForm):
    kpis = TextAreaField(_l("KPIs, one per line"), render_kw={"rows": 5}, validators=[DataRequired()])
    safety_items = TextAreaField(_l("Safety data items, one per line"), render_kw={"rows": 4},
                                 validators=[DataRequired()])


class OrderForm(FlaskForm):
    breach = TextAreaField(_l("Breach to correct"), render_kw={"rows": 3}, validators=[DataRequired()])
    deadline = DateField(_l("Correct by (at most 6 months)"), validators=[DataRequired()])
    report_id = SelectField(_l("From report"), coerce=optional_int, validate_choice=False,
                            choices=options([], blank="—"))


class OrderExtendForm(FlaskForm):
    new_deadline = DateField(_l("New deadline (at most 3 months more, once)"), validators=[DataRequired()])


class HearingForm(FlaskForm):
    held_on = DateField(_l("Held on"), validators=[DataRequired()])
    attendees = TextAreaField(_l("Attendees"), render_kw={"rows": 2}, validators=[DataRequired()])
    summary = TextAreaField(_l("Summary of the hearing"), render_kw={"rows": 4}, validators=[DataRequired()])


class ExtensionDecisionForm(FlaskForm):
    grant = BooleanField(_l("Grant the extension"))
    reason = TextAreaField(_l("Reasons"), render_kw={"rows": 2}, validators=[DataRequired()])


class EvaluationForm(FlaskForm):
    safety = IntegerField(_l("Incidents and damage (100: none)"), validators=[DataRequired(), NumberRange(0, 100)])
    benefit = IntegerField(_l("User benefit"), validators=[DataRequired(), NumberRange(0, 100)])
    market = IntegerField(_l("Market potential"), validators=[DataRequired(), NumberRange(0, 100)])
    residents = IntegerField(_l("No conflict with residents (citizen feedback counted)"),
                             validators=[DataRequired(), NumberRange(0, 100)])
    outcome = SelectField(_l("Outcome"), choices=EvaluationOutcome.choices())
    zones = StringField(_l("Zones to scale up to (codes, comma-separated)"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), render_kw={"rows": 3}, validators=[Optional()])


class SummaryForm(FlaskForm):
    summary_ko = TextAreaField(_l("Public summary (Korean)"), render_kw={"rows": 4}, validators=[DataRequired()])
    summary_en = TextAreaField(_l("Public summary (English)"), render_kw={"rows": 4}, validators=[Optional()])
    publish = BooleanField(_l("Approve and publish on the register"), default=True)


FORMS = {"plan": PlanForm, "order": OrderForm, "hearing": HearingForm, "extension": ExtensionDecisionForm,
         "evaluation": EvaluationForm, "summary": SummaryForm}
