"""The zone registry: create and edit zones, publish boundaries, record designation history.

Every write is checked (policy "zone.manage"), validated as a whole before anything is saved, and
audited with a diff in the same transaction. Also the read-side counts that capacity and the zone
dashboards share."""
import re

from flask_babel import gettext as _
from sqlalchemy import select

from .. import policy, sites
from ..audit.record import record
from ..errors import ValidationFailed
from ..extensions import db
from ..labels import Instrument, TechCategory
from ..models import ExemptionType, Zone
from ..rules.zones import running_trials
from ..transaction import atomic

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,39}$")
REQUIRED_TEXT = ("name_ko", "name_en", "district_ko", "district_en", "designation_ko", "designation_en")
ZONE_FIELDS = (*REQUIRED_TEXT, "code", "description_ko", "description_en", "instruments", "categories",
               "capacity", "active_from", "active_until")
MAX_CAPACITY = 1000

class ZoneInvalid(ValidationFailed):
    """Refused input, with the reasons per form field (`None`: not tied to one field)."""

    def __init__(self, field_errors):
        reasons = [msg for msgs in field_errors.values() for msg in msgs]
        super().__init__(_("The zone was not saved."), reasons)
        self.field_errors = field_errors


def _code_taken(code, zone):
    stmt = select(Zone.id).where(Zone.code == code)
    if zone is not None:
        stmt = stmt.where(Zone.id != zone.id)
    return db.session.scalar(stmt) is not None


def _field_problems(data, zone):
    errors = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    code = (data.get("code") or "").strip()
    if not CODE_PATTERN.match(code):
        add("code", _("Use 2 to 40 capital letters, digits and hyphens, e.g. SANGAM-AV."))
    elif _code_taken(code, zone):
        add("code", _("Another zone already uses the code %(code)s.", code=code))
    for field in REQUIRED_TEXT:
        if not (data.get(field) or "").strip():
            add(field, _("This field is required."))
    if set(data.get("instruments") or []) - set(Instrument):
        add("instruments", _("Unknown instrument."))
    if set(data.get("categories") or []) - set(TechCategory):
        add("categories", _("Unknown technology category."))
    capacity = data.get("capacity")
    if not isinstance(capacity, int) or not 0 <= capacity <= MAX_CAPACITY:
        add("capacity", _("Give a whole number from 0 to %(max)d.", max=MAX_CAPACITY))
    start, end = data.get("active_from"), data.get("active_until")
    if start and end and end < start:
        add("active_until", _("The zone cannot end before it starts."))
    return errors


def _clean(data):
    cleaned = {field: data.get(field) for field in ZONE_FIELDS}
    for field in (*REQUIRED_TEXT, "code", "description_ko", "description_en"):
        cleaned[field] = (cleaned[field] or "").strip()
    # Keep the enums' declaration order so that a re-save with the same boxes ticked is not a change.
    cleaned["instruments"] = [i.value for i in Instrument if i.value in (data.get("instruments") or [])]
    cleaned["categories"] = [c.value for c in TechCategory if c.value in (data.get("categories") or [])]
    return cleaned


def _exemption_types(ids):
    ids = sorted({int(i) for i in ids or []})
    found = db.session.scalars(select(ExemptionType).where(ExemptionType.id.in_(ids))).all() if ids else []
    if len(found) != len(ids):
        raise ZoneInvalid({"exemption_type_ids": [_("Unknown exemption type.")]})
    return sorted(found, key=lambda t: t.code)


def _apply(zone, data, exemption_types):
    """Write the changed fields; returns the diff {field: {old, new}}."""
    diff = {}
    for field, value in data.items():
        old = getattr(zone, field, None)
        if old != value:
            diff[field] = {"old": old, "new": value}
            setattr(zone, field, value)
    old_codes = sorted(t.code for t in zone.exemption_types)
    new_codes = [t.code for t in exemption_types]
    if old_codes != new_codes:
        diff["exemption_types"] = {"old": old_codes, "new": new_codes}
        zone.exemption_types = list(exemption_types)
    return diff


def _validated(data, zone):
    cleaned = _clean(data)
    errors = _field_problems(cleaned, zone)
    if errors:
        raise ZoneInvalid(errors)
    return cleaned, _exemption_types(data.get("exemption_type_ids"))


def create_zone(actor, data):
    """A new zone from `data` (ZONE_FIELDS plus exemption_type_ids). It has no boundary until one is set."""
    policy.ensure(actor, "zone.manage")
    cleaned, exemption_types = _validated(data, None)
    with atomic():
        zone = Zone(boundary_approximate=True, designation_history=[])
        db.session.add(zone)
        diff = _apply(zone, cleaned, exemption_types)
        db.session.flush()
        record("zone.created", zone, actor=actor, zone_id=zone.id,
               data={"code": zone.code, "changes": {k: v["new"] for k, v in diff.items()}})
    return zone


def update_zone(actor, zone, data):
    """Save the registry fields; returns the diff (empty when nothing changed)."""
    policy.ensure(actor, "zone.manage")
    cleaned, exemption_types = _validated(data, zone)
    with atomic():
        diff = _apply(zone, cleaned, exemption_types)
        if diff:
            record("zone.updated", zone, actor=actor, zone_id=zone.id, data={"code": zone.code, "changes": diff})
    return diff


def set_boundary(actor, zone, geojson, approximate=True):
    """Publish a new boundary (Polygon or MultiPolygon in WGS84, inside Seoul).

    Returns the running trials whose sites the new boundary leaves outside, for the office to follow up."""
    policy.ensure(actor, "zone.manage")
    try:
        geometry = sites.parse_geojson(geojson, allowed=sites.BOUNDARY_TYPES)
    except sites.GeometryError as exc:
        raise ZoneInvalid({"boundary": [str(exc)]}) from exc
    with atomic():
        old = {"boundary": zone.boundary_geojson, "approximate": zone.boundary_approximate}
        zone.boundary_geojson = geometry
        zone.boundary_approximate = bool(approximate)
        record("zone.boundary_changed", zone, actor=actor, zone_id=zone.id, data={
            "code": zone.code, "area_m2": sites.area_m2(geometry),
            "changes": {"boundary": {"old": old["boundary"], "new": geometry},
                        "approximate": {"old": old["approximate"], "new": bool(approximate)}}})
    return [a for a in running_trials(zone) if sites.site_problems(a.site_geojson, zone)]


def add_designation(actor, zone, day, event_ko, event_en):
    """Append one dated entry to the zone's designation history (kept in date order)."""
    policy.ensure(actor, "zone.manage")
    event_ko, event_en = (event_ko or "").strip(), (event_en or "").strip()
    errors = {}
    if day is None:
        errors["date"] = [_("Give the date.")]
    if not event_ko:
        errors["event_ko"] = [_("This field is required.")]
    if errors:
        raise ZoneInvalid(errors)
    entry = {"date": day.isoformat(), "event_ko": event_ko, "event_en": event_en or event_ko}
    with atomic():
        # A new list, so the JSON column sees the change.
        zone.designation_history = sorted([*(zone.designation_history or []), entry], key=lambda e: e["date"])
        record("zone.designation_added", zone, actor=actor, zone_id=zone.id, data={"code": zone.code, "entry": entry})
    return entry


