from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from ..bounds import optional_int
from ..labels import Instrument, OrganisationKind


class OrganisationForm(FlaskForm):
    name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=200)])
    registration_number = StringField(
        _l("Registration number"), validators=[DataRequired(), Length(max=40),
                                               Regexp(r"^[0-9A-Za-z\-]+$", message=_l("Use digits, letters and hyphens only."))],
        description=_l("Business registration number (사업자등록번호) or the institution's registration number."))
    kind = SelectField(_l("Type"), choices=OrganisationKind.choices, validators=[DataRequired()])


class JoinForm(FlaskForm):
    invite_code = StringField(_l("Invitation code"), validators=[DataRequired(), Length(max=32)],
                              description=_l("Ask a member of the organisation for its invitation code."))


class NewApplicationForm(FlaskForm):
    organisation = SelectField(_l("Applying organisation"), coerce=optional_int, validators=[DataRequired()])
    instrument = SelectField(_l("Instrument"), choices=Instrument.choices, validators=[DataRequired()])
