from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ..bounds import optional_int
from ..labels import Instrument, OrganisationKind


def _registration_number():
    return StringField(
        _l("Registration number"), validators=[DataRequired(), Length(max=40),
                                               Regexp(r"^[0-9A-Za-z\-]+$", message=_l("Use digits, letters and hyphens only."))],
        description=_l("Business registration number (사업자등록번호) or the institution's registration number."))


class OrganisationForm(FlaskForm):
    name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=200)])
    registration_number = _registration_number()
    kind = SelectField(_l("Type"), choices=OrganisationKind.choices, validators=[DataRequired()])


class JoinForm(FlaskForm):
    invite_code = StringField(_l("Invitation code"), validators=[DataRequired(), Length(max=32)],
                              description=_l("Ask a member of the organisation for its invitation code."))


class NewApplicationForm(FlaskForm):
    organisation = SelectField(_l("Applying organisation"), coerce=optional_int, validators=[DataRequired()])
    instrument = SelectField(_l("Instrument"), choices=Instrument.choices, validators=[DataRequired()])


class DisputeForm(FlaskForm):
    """A company whose registration number is taken says so, with a statement, evidence or both."""
    registration_number = _registration_number()
    name = StringField(_l("Your company's name"), validators=[DataRequired(), Length(max=200)],
                       description=_l("As on its registration certificate."))
    kind = SelectField(_l("Type"), choices=OrganisationKind.choices, validators=[DataRequired()])
    statement = TextAreaField(
        _l("Statement"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 5},
        description=_l("Who you are, your role in the company, and how the office can verify that the number "
                       "is your company's."))
    evidence = FileField(_l("Evidence"), description=_l(
        "For example the business registration certificate (사업자등록증): PDF, PNG, JPEG or WebP."))

    def validate_statement(self, field):
        if not (field.data or "").strip() and not self.evidence.data:
            raise ValidationError(_l("Give a statement, upload evidence, or both."))
