"""What every map shows, for the public pages, the applicant's incident form and the office's zone pages:
the tile settings, and GeoJSON for zone boundaries and the trial sites the public may see.

Only files in PUBLIC_TRIAL_STATES appear, and only title, zone, organisation, period and state:
nothing confidential (financing, plans, documents) ever reaches these features."""
from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Application, PublicSummary
from ..states import ApplicationState

PUBLIC_TRIAL_STATES = (ApplicationState.trial_active, ApplicationState.suspended,
                       ApplicationState.result_reporting, ApplicationState.evaluated, ApplicationState.closed)


def zone_feature(zone, capacity=None):
    properties = {
        "kind": "zone", "code": zone.code, "name": zone.name, "district": zone.district,
        "approximate": bool(zone.boundary_approximate), "url": url_for("public.zone_detail", code=zone.code),
    }
    if capacity is not None:
        properties.update(used=capacity["used"], capacity=capacity["capacity"])
    return {"type": "Feature", "geometry": zone.boundary_geojson, "properties": properties}


def public_trials(zone=None):
    # Only files whose redacted summary the office has published: the same rule as the public register.
    stmt = (select(Application)
            .join(PublicSummary, PublicSummary.application_id == Application.id)
            .where(PublicSummary.published_at.is_not(None),
                   Application.state.in_(PUBLIC_TRIAL_STATES), Application.site_geojson.is_not(None))
            .options(selectinload(Application.organisation), selectinload(Application.zone)))
    if zone is not None:
        stmt = stmt.where(Application.zone_id == zone.id)
    return db.session.scalars(stmt.order_by(Application.period_start, Application.id)).all()


def public_trial_row(application):
    """The public facts of a trial; the single place that decides what the public sees of one."""
    state = ApplicationState(application.state)
    return {
        "title": application.title, "organisation": application.organisation.name,
        "zone_code": application.zone.code if application.zone else "",
        "zone": application.zone.name if application.zone else "",
        "period_start": application.period_start.isoformat() if application.period_start else None,
        "period_end": application.period_end.isoformat() if application.period_end else None,
        "state": state.value, "state_label": str(state.label),
    }


def trial_feature(application):
    return {"type": "Feature", "geometry": application.site_geojson,
            "properties": {"kind": "trial", **public_trial_row(application)}}


def feature_collection(zones, trials, capacities=None):
    capacities = capacities or {}
    features = [zone_feature(z, capacities.get(z.id)) for z in zones if z.boundary_geojson]
    features += [trial_feature(a) for a in trials]
    return {"type": "FeatureCollection", "features": features}

def map_settings():
    """What every map partial needs from the configuration."""
    return {"tile_url": current_app.config.get("MAP_TILE_URL", ""),
            "tile_attribution": current_app.config.get("MAP_TILE_ATTRIBUTION", "")}
