"""Forms of the operator's trial pages. They check shape only; the services check the rules."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..bounds import DateField, FloatField, IntegerField, optional_int
from ..labels import options
from ..models.trials import ClaimOutcome, ReportKind, Severity

BIG = 10**13  # KRW 10 trillion: anything larger is a typo


def _won(label):
    return IntegerField(label, validators=[DataRequired(message=_l("Give the cover in won.")),
                                           NumberRange(min=0, max=BIG)])


class InsuranceForm(FlaskForm):
    insurer = StringField(_l("Insurer"), validators=[DataRequired(), Length(max=200)])
    policy_number = StringField(_l("Policy number"), validators=[DataRequired(), Length(max=100)])
    cover_death = _won(_l("Cover per death (KRW)"))
    cover_injury = _won(_l("Cover per injury (KRW)"))
    cover_disability = _won(_l("Cover per disability (KRW)"))
    cover_property = _won(_l("Cover per property accident (KRW)"))
    valid_from = DateField(_l("Valid from"), validators=[DataRequired()])
    valid_until = DateField(_l("Valid until"), validators=[DataRequired()])
    document_id = SelectField(_l("Certificate document"), choices=options([], blank=_l("None uploaded")), validate_choice=False)


class ReportForm(FlaskForm):
    kind = SelectField(_l("Report"), choices=options((k.value, k.label) for k in ReportKind if k != ReportKind.result))
    period_from = DateField(_l("Period from"), validators=[DataRequired()])
    period_to = DateField(_l("Period to"), validators=[DataRequired()])
    units_operated = IntegerField(_l("Units operated"), default=0, validators=[Optional(), NumberRange(min=0, max=BIG)])
    distance_km = FloatField(_l("Kilometres driven"), default=0, validators=[Optional(), NumberRange(min=0)])
    flights = IntegerField(_l("Flights"), default=0, validators=[Optional(), NumberRange(min=0, max=BIG)])
    users_served = IntegerField(_l("Users served"), default=0, validators=[Optional(), NumberRange(min=0, max=BIG)])
    hours = FloatField(_l("Operating hours"), default=0, validators=[Optional(), NumberRange(min=0)])
    incidents = IntegerField(_l("Incidents in the period"), default=0, validators=[Optional(), NumberRange(min=0)])
    operating_hours = StringField(_l("Daily operating window (HH:MM-HH:MM)"), validators=[Optional(), Length(max=20)])
    staff_per_unit = IntegerField(_l("Safety staff per unit"), validators=[Optional(), NumberRange(min=0, max=100)])
    outside_area = BooleanField(_l("Units operated outside the permitted area in this period"))
    narrative = TextAreaField(_l("What happened in the period"), render_kw={"rows": 5},
                              validators=[Optional(), Length(max=20_000)])

    def values(self):
        return {name: field.data for name, field in self._fields.items() if name not in ("csrf_token", "kind")}


class ResultReportForm(ReportForm):
    kind = None
    narrative = TextAreaField(_l("Results and lessons for the law"), render_kw={"rows": 8},
                              validators=[DataRequired(message=_l("Describe the results.")), Length(max=20_000)])


class IncidentForm(FlaskForm):
    severity = SelectField(_l("Severity"), choices=options(((s.value, s.label) for s in Severity), blank=_l("Choose")),
                           validators=[DataRequired(message=_l("Choose the severity."))])
    occurred_at = DateTimeLocalField(_l("When (local time)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    location = TextAreaField(_l("Where"), render_kw={"rows": 3}, validators=[Optional(), Length(max=20_000)],
                             description=_l("Click on the map, or give a GeoJSON point."))
    description = TextAreaField(_l("What happened"), render_kw={"rows": 4}, validators=[DataRequired()])
    injuries = IntegerField(_l("People injured"), default=0, validators=[Optional(), NumberRange(min=0, max=100000)])
    damage_krw = IntegerField(_l("Property damage (KRW)"), default=0, validators=[Optional(), NumberRange(min=0, max=BIG)])
    response = TextAreaField(_l("What you did in response"), render_kw={"rows": 3}, validators=[Optional()])


class ClaimForm(FlaskForm):
    incident_id = SelectField(_l("Incident"), coerce=optional_int, validate_choice=False)
    claimant = StringField(_l("Claimant"), validators=[DataRequired(), Length(max=200)])
    amount = IntegerField(_l("Amount claimed (KRW)"), validators=[DataRequired(), NumberRange(min=0, max=BIG)])
    filed_on = DateField(_l("Claim received on"), validators=[DataRequired()])


class ClaimAnswerForm(FlaskForm):
    outcome = SelectField(_l("Answer"), choices=options((o.value, o.label) for o in ClaimOutcome if o != ClaimOutcome.pending))
    paid_krw = IntegerField(_l("Amount paid (KRW)"), validators=[Optional(), NumberRange(min=0, max=BIG)])
    reason = TextAreaField(_l("Written reasons (required for a refusal)"), render_kw={"rows": 3})
    decided_on = DateField(_l("Decided on"), validators=[Optional()])


class ExtensionForm(FlaskForm):
    months = IntegerField(_l("Months of extension"), validators=[DataRequired(), NumberRange(min=1, max=24)])
    reason = TextAreaField(_l("Why the trial needs more time"), render_kw={"rows": 3}, validators=[DataRequired()])


class AmendmentForm(FlaskForm):
    law = StringField(_l("Law and article to amend"), validators=[DataRequired(), Length(max=300)])
    reason = TextAreaField(_l("What the trial showed and what should change"), render_kw={"rows": 3},
                           validators=[DataRequired()])
