"""The auditor's search form: read from the query string, so a filtered page is a shareable URL."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from ..bounds import DateField, IntegerField

from ..audit.filters import AuditFilter
from ..labels import options
from ..workflow.states import ApplicationState


class AuditSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    date_from = DateField(_l("From (UTC date)"), validators=[Optional()])
    date_to = DateField(_l("To (UTC date)"), validators=[Optional()])
    actor = StringField(_l("Actor (e-mail contains)"), validators=[Optional(), Length(max=254)])
    action = StringField(_l("Action (exact, or a prefix ending in '.')"), validators=[Optional(), Length(max=80)])
    application = IntegerField(_l("Application number"), validators=[Optional(), NumberRange(min=1)])
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
