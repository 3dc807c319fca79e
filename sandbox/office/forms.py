"""Forms of the sandbox office: the zone registry (details, boundary, designation history)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileSize
from wtforms import BooleanField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from .. import sites
from ..bounds import DateField, IntegerField, optional_int
from ..labels import Instrument, TechCategory, options
from ..services.zones import MAX_CAPACITY

MAX_BOUNDARY_BYTES = 2 * 1024 * 1024
MAX_BOUNDARY_CHARS = 500_000


def _text(label, max_length=200, required=True, **kwargs):
    validators = [DataRequired() if required else Optional(), Length(max=max_length)]
    return StringField(label, validators=validators, **kwargs)


class ZoneForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Regexp(
        r"^[A-Z0-9][A-Z0-9-]{1,39}$", message=_l("Use 2 to 40 capital letters, digits and hyphens, e.g. SANGAM-AV."))],
        description=_l("A short, permanent identifier used in links, e.g. SANGAM-AV."))
    name_ko = _text(_l("Name (Korean)"))
    name_en = _text(_l("Name (English)"))
    district_ko = _text(_l("District (Korean)"), 100)
    district_en = _text(_l("District (English)"), 100)
    designation_ko = _text(_l("Designation (Korean)"))
    designation_en = _text(_l("Designation (English)"))
    description_ko = TextAreaField(_l("Description (Korean)"), validators=[Optional(), Length(max=5000)],
                                   render_kw={"rows": 3})
    description_en = TextAreaField(_l("Description (English)"), validators=[Optional(), Length(max=5000)],
                                   render_kw={"rows": 3})
    instruments = SelectMultipleField(_l("Instruments offered"), choices=Instrument.choices(),
                                      validators=[Optional()])
    categories = SelectMultipleField(_l("Allowed technology categories"), choices=TechCategory.choices(),
                                     validators=[Optional()])
    exemption_type_ids = SelectMultipleField(_l("Exemptions available"), coerce=optional_int, choices=[],
                                             validators=[Optional()])
    capacity = IntegerField(_l("Capacity (concurrent trials)"), validators=[
        DataRequired(message=_l("Give a whole number.")), NumberRange(min=0, max=MAX_CAPACITY)],
        description=_l("A new trial cannot start while this many trials are running in the zone."))
    active_from = DateField(_l("Active from"), validators=[Optional()])
    active_until = DateField(_l("Active until"), validators=[Optional()],
                             description=_l("Leave empty when the designation is open-ended."))

    def validate_active_until(self, field):
        if field.data and self.active_from.data and field.data < self.active_from.data:
            raise ValidationError(_l("The zone cannot end before it starts."))

    def zone_data(self):
        return {name: self[name].data for name in (
            "code", "name_ko", "name_en", "district_ko", "district_en", "designation_ko", "designation_en",
            "description_ko", "description_en", "instruments", "categories", "exemption_type_ids", "capacity",
            "active_from", "active_until")}


class BoundaryForm(FlaskForm):
    # No Optional(): an empty textarea is fine when a file comes, which validate_boundary decides.
    boundary = TextAreaField(_l("Boundary as GeoJSON"), validators=[Length(max=MAX_BOUNDARY_CHARS)],
                             render_kw={"rows": 10, "spellcheck": "false"},
                             description=_l("A Polygon or MultiPolygon (or a Feature holding one) in WGS84 "
                                            "longitude, latitude, inside Seoul."))
    upload = FileField(_l("…or upload a GeoJSON file"), validators=[
        FileSize(MAX_BOUNDARY_BYTES, message=_l("The file is larger than 2 MB."))],
        render_kw={"accept": ".geojson,.json,application/geo+json,application/json"},
        description=_l("A file replaces the text above."))
    approximate = BooleanField(_l("The boundary is approximate (not surveyed)"), default=True)

    def validate_boundary(self, field):
        text = self._text()
        if not text:
            raise ValidationError(_l("Paste the boundary or choose a file."))
        try:
            field.geometry = sites.parse_geojson(text, allowed=sites.BOUNDARY_TYPES)
        except sites.GeometryError as exc:
            raise ValidationError(str(exc)) from exc

    def _text(self):
        """The uploaded file's text when one was sent (kept in the textarea so nothing is lost), else the textarea."""
        upload = self.upload.data
        if upload and getattr(upload, "filename", ""):
            raw = upload.read(MAX_BOUNDARY_BYTES + 1)
            try:
                self.boundary.data = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ValidationError(_l("The file is not UTF-8 text.")) from exc
        return (self.boundary.data or "").strip()


class DesignationForm(FlaskForm):
    date = DateField(_l("Date"), validators=[DataRequired(message=_l("Give the date."))])
    event_ko = _text(_l("What happened (Korean)"), 300)
    event_en = _text(_l("What happened (English)"), 300, required=False)


class DisputeResolveForm(FlaskForm):
    outcome = RadioField(_l("Decision"), choices=options([
        ("holder_confirmed", _l("Confirm the registered holder: the organisation stays as it is")),
        ("transferred", _l("Transfer the organisation to the disputing company: the current members are "
                           "removed, it takes the disputing company's name and gets a new invitation code")),
    ]), validators=[DataRequired(message=_l("Choose a decision."))])
    note = TextAreaField(_l("Reason"), render_kw={"rows": 4}, description=_l("Both sides receive it."),
                         validators=[DataRequired(message=_l("Give the reason for the decision.")),
                                     Length(max=5000)])
