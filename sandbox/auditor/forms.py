"""The auditor's search form: read from the query string, so a filtered page is a shareable URL."""
import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from ..audit.filters import AuditFilter
from ..bounds import INT_MAX, DateField, IntegerField
from ..labels import Instrument, options
from ..models.committee import DecisionOutcome
from ..states import ApplicationState


def no_control_characters(form, field):
    """PostgreSQL cannot compare text holding NUL, and no stored name or action holds a control character."""
    if field.data and any(unicodedata.category(ch) == "Cc" for ch in field.data):
        raise ValidationError(_l("Remove the control characters from this field."))


class AuditSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    date_from = DateField(_l("From (UTC date)"), validators=[Optional()])
    date_to = DateField(_l("To (UTC date)"), validators=[Optional()])
    actor = StringField(_l("Actor (e-mail contains)"),
                        validators=[Optional(), Length(max=254), no_control_characters])
    action = StringField(_l("Action (exact, or a prefix ending in '.')"),
                         validators=[Optional(), Length(max=80), no_control_characters])
    application = IntegerField(_l("Application number"),
                               validators=[Optional(), NumberRange(min=1, max=INT_MAX)])
    zone = SelectField(_l("Zone"), coerce=str, validators=[Optional()])
    state = SelectField(_l("Moved to state"), validators=[Optional()])

    def __init__(self, *args, zones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.zone.choices = options(((str(z.id), z.name) for z in zones), blank=_l("Any zone"))
        self.state.choices = options(((s.value, s.label) for s in ApplicationState), blank=_l("Any state"))

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))

    def to_filter(self):
        """The filters as the export and search code take them (only call after validate())."""
        return AuditFilter(date_from=self.date_from.data, date_to=self.date_to.data,
                           actor=(self.actor.data or "").strip(), action=(self.action.data or "").strip(),
                           application_id=self.application.data,
                           zone_id=int(self.zone.data) if self.zone.data else None,
                           state=self.state.data or "")


class DecisionLogFilterForm(FlaskForm):
    """The decision log's filters, from the query string; the exports stream only once they are valid."""

    class Meta:
        csrf = False  # a GET search changes nothing

    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])
    zone = SelectField(_l("Zone"), validators=[Optional()])
    instrument = SelectField(_l("Instrument"), validators=[Optional()])
    outcome = SelectField(_l("Outcome"), validators=[Optional()])

    def __init__(self, *args, zones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.zone.choices = options(((str(z.id), z.name) for z in zones), blank=_l("All"))
        self.instrument.choices = options(((i.value, i.label) for i in Instrument), blank=_l("All"))
        self.outcome.choices = options(((o.value, o.label) for o in DecisionOutcome), blank=_l("All"))

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date is before the start date."))

    def to_filters(self):
        """The filters as decision_log takes them: after a failed validate(), only the valid ones (the page
        shows them selected beside the errors)."""
        def value(field, convert=str):
            return convert(field.data) if field.data and not field.errors else None
        return {"since": value(self.since, lambda day: day), "until": value(self.until, lambda day: day),
                "zone": value(self.zone, int), "instrument": value(self.instrument),
                "outcome": value(self.outcome)}
