"""The application form, one WTForm per step, and the list of steps for each instrument.

A draft may be saved half-filled: these forms check only that what is given is well-formed
(dates, numbers, geometry, choices). Whether the file is complete is the submit guards' job."""
import json
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from .. import sites
from ..bounds import DateField, IntegerField, optional_int
from ..labels import DocumentKind, Instrument, LegalGround, TechCategory, options

LONG_TEXT = 20_000
# Larger numbers than this are typos; they would also overflow a 32-bit database column.
MAX_SCALE = 10_000_000
SITE_TYPES = {"Point", "Polygon"}
LAT_LON = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


def _optional_category(value):
    return None if value in (None, "", "None") else TechCategory(value)


def _long_text(label, description=None):
    return TextAreaField(label, validators=[Optional(), Length(max=LONG_TEXT)], description=description,
                         render_kw={"rows": 6})


class StepForm(FlaskForm):
    """A step whose fields are named like the application's columns."""
    COLUMNS = ()

    # The draft's version when the page was loaded: a save from a page older than the last save is
    # refused (409) rather than silently undoing it. Filled from the application's column.
    version = HiddenField(validators=[Optional(), Regexp(r"\d{1,9}\Z", message=_l(
        "The page sent a damaged form. Reload the page and enter your changes again."))])

    # Which save button was pressed: "next" goes on to the following step, anything else stays. The
    # buttons are drawn by applicant/_save_buttons.html, not with the step's fields.
    go = SelectField(choices=options([("stay", _l("Save and stay")), ("next", _l("Save and continue"))]), default="stay",
                     validators=[Optional()])

    def goes_on(self):
        return self.go.data == "next"

    def expected_version(self):
        return int(self.version.data) if self.version.data else None

    def changes(self):
        result = {}
        for name in self.COLUMNS:
            value = self[name].data
            result[name] = value.strip() if isinstance(value, str) else value
        return result

    def check_fits(self, zones_by_id):
        """Checks that need the catalogue; False adds errors to the fields concerned."""
        return True


class BasicsForm(StepForm):
    COLUMNS = ("zone_id", "category", "title", "summary")

    zone_id = SelectField(_l("Zone"), coerce=optional_int, validate_choice=True,
                          description=_l("Only zones that offer this instrument are listed."))
    category = SelectField(_l("Technology category"), coerce=_optional_category,
                           choices=options(((c.value, c.label) for c in TechCategory), blank=_l("Choose a category")))
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    summary = _long_text(_l("Summary"), _l("What the service does, for whom, in a few sentences."))

    def check_fits(self, zones_by_id):
        zone = zones_by_id.get(self.zone_id.data)
        category = self.category.data
        if zone is not None and category is not None and category not in (zone.categories or []):
            self.category.errors = list(self.category.errors) + [
                _l("The zone %(zone)s does not allow %(category)s trials; choose another category or zone.",
                   zone=zone.name, category=category.label)]
            return False
        return True


class QuickBasicsForm(StepForm):
    COLUMNS = ("zone_id", "title", "summary")

    zone_id = SelectField(_l("Zone"), coerce=optional_int, validate_choice=True,
                          description=_l("Optional: the zone where you plan to offer the service."))
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    summary = _long_text(_l("Summary"), _l("What the service does, for whom, in a few sentences."))

class BenefitForm(StepForm):
    COLUMNS = ("innovation", "public_benefit")

    innovation = _long_text(_l("Innovation"), _l("What is new compared with what exists today."))
    public_benefit = _long_text(_l("Public and user benefit"),
                                _l("Who gains what: residents, users, the city."))


class RegulationsForm(StepForm):
    COLUMNS = ("regulations",)

    regulations = _long_text(_l("Regulations to be waived"),
                             _l("Each law and article that stands in the way, e.g. “Road Traffic Act §49”."))


class ExemptionRequestForm(FlaskForm):
    exemption_type = SelectField(_l("Exemption"), coerce=optional_int, validators=[DataRequired(
        message=_l("Choose the exemption you request."))])
    legal_ground = SelectField(_l("Legal ground"),
                               choices=options(((g.value, g.label) for g in LegalGround), blank=_l("Choose a legal ground")),
                               validators=[DataRequired(message=_l("Choose the legal ground."))])
    justification = TextAreaField(
        _l("Justification"), render_kw={"rows": 4},
        validators=[DataRequired(message=_l("Explain why the exemption is needed.")), Length(max=LONG_TEXT)])


class ScopeForm(StepForm):
    COLUMNS = ("period_start", "period_end", "units", "users_planned")

    site = TextAreaField(
        _l("Trial site"), validators=[Optional(), Length(max=200_000)], render_kw={"rows": 6},
        description=_l("A point or an area as GeoJSON (WGS84 longitude, latitude), or simply "
                       "“latitude, longitude” for a point, e.g. 37.5790, 126.8900."))
    period_start = DateField(_l("Trial starts on"), validators=[Optional()])
    period_end = DateField(_l("Trial ends on"), validators=[Optional()])
    units = IntegerField(_l("Units (vehicles, robots, devices)"), validators=[
        Optional(), NumberRange(min=0, max=MAX_SCALE)])
    users_planned = IntegerField(_l("Users planned"),
                                 validators=[Optional(), NumberRange(min=0, max=MAX_SCALE)])

    def validate_site(self, field):
        text = (field.data or "").strip()
        if not text:
            field.geometry = None
            return
        match = LAT_LON.match(text)
        value = {"type": "Point", "coordinates": [float(match[2]), float(match[1])]} if match else text
        try:
            field.geometry = sites.parse_geojson(value, allowed=SITE_TYPES)
        except sites.GeometryError as exc:
            raise ValidationError(str(exc)) from exc

    def validate_period_end(self, field):
        start = self.period_start.data
        if field.data and start and field.data <= start:
            raise ValidationError(_l("The trial must end after it starts."))

    def show_site(self, geojson):
        self.site.data = json.dumps(geojson, ensure_ascii=False) if geojson else ""

    def changes(self):
        return {**super().changes(), "site_geojson": getattr(self.site, "geometry", None)}


class PlansForm(StepForm):
    COLUMNS = ("safety_plan", "user_protection", "insurance_plan", "financing")

    safety_plan = _long_text(_l("Safety plan"), _l("Risks, safety measures, staff on site, emergency stop."))
    user_protection = _long_text(
        _l("User protection and privacy"),
        _l("Consent, personal data handled, how long it is kept, how users complain."))
    insurance_plan = _long_text(_l("Insurance and compensation plan"),
                                _l("Liability insurance and how damage is compensated."))
    financing = _long_text(_l("Financing and organisation"), _l("Who runs the trial and how it is paid for."))


class QuestionForm(StepForm):
    COLUMNS = ("question",)

    question = _long_text(_l("Your question"),
                          _l("Which rule might apply to your service, and what you want confirmed."))


class DocumentUploadForm(FlaskForm):
    kind = SelectField(_l("Kind of document"), choices=DocumentKind.choices, validators=[DataRequired()])
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file to upload."))],
                     description=_l("PDF, PNG, JPEG or WebP."))


@dataclass(frozen=True)
class FormStep:
    key: str
    label: object
    form: type | None
    # The application's columns this step fills in: what "done" means and where a missing item is fixed.
    columns: tuple = ()
    template: str = "applicant/edit_form.html"


TRIAL_STEPS = (
    FormStep("basics", _l("Basics"), BasicsForm, ("zone_id", "category", "title", "summary")),
    FormStep("benefit", _l("Innovation and benefit"), BenefitForm, ("innovation", "public_benefit")),
    FormStep("exemptions", _l("Exemptions"), RegulationsForm, ("regulations",),
             "applicant/edit_exemptions.html"),
    FormStep("scope", _l("Trial scope"), ScopeForm,
             ("site_geojson", "period_start", "period_end", "units", "users_planned")),
    FormStep("plans", _l("Plans"), PlansForm,
             ("safety_plan", "user_protection", "insurance_plan", "financing")),
    FormStep("documents", _l("Documents"), None, (), "applicant/edit_documents.html"),
    FormStep("review", _l("Review and submit"), None, (), "applicant/edit_review.html"),
)

QUICK_STEPS = (
    FormStep("basics", _l("Basics"), QuickBasicsForm, ("zone_id", "title", "summary")),
    FormStep("question", _l("Question"), QuestionForm, ("question",)),
    FormStep("documents", _l("Documents"), None, (), "applicant/edit_documents.html"),
    FormStep("review", _l("Review and submit"), None, (), "applicant/edit_review.html"),
)


def steps_for(instrument):
    return QUICK_STEPS if Instrument(instrument) == Instrument.quick_confirmation else TRIAL_STEPS
