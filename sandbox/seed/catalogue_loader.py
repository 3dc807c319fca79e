"""Loading the shipped zone and exemption catalogue: insert what is missing, never overwrite edits."""
from sqlalchemy import select

from ..audit.record import SYSTEM, record
from ..extensions import db
from ..models import ExemptionType, Zone
from ..transaction import atomic
from .catalogue import EXEMPTION_TYPES, ZONES


def load_catalogue():
    """Returns (exemption types added, zones added)."""
    added_types = added_zones = 0
    with atomic():
        by_code = {e.code: e for e in db.session.scalars(select(ExemptionType))}
        for spec in EXEMPTION_TYPES:
            if spec["code"] not in by_code:
                exemption = ExemptionType(**spec)
                db.session.add(exemption)
                by_code[spec["code"]] = exemption
                added_types += 1
        db.session.flush()
        existing = set(db.session.scalars(select(Zone.code)))
        for spec in ZONES:
            if spec["code"] in existing:
                continue
            spec = dict(spec)
            codes = spec.pop("exemptions")
            zone = Zone(boundary_geojson=spec.pop("boundary"), designation_history=spec.pop("history"),
                        boundary_approximate=True, **spec)
            zone.exemption_types = [by_code[c] for c in codes]
            db.session.add(zone)
            db.session.flush()
            record("zone.created", zone, actor=SYSTEM, role=SYSTEM, actor_label=SYSTEM, zone_id=zone.id,
                   data={"code": zone.code, "source": "shipped catalogue"})
            added_zones += 1
    return added_types, added_zones
