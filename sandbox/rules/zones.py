"""Zones, read: how many trials occupy a zone and how the zone's files stand. Zones are edited by
services/zones.py."""
from sqlalchemy import func, select

from ..extensions import db
from ..models import Application
from ..states import ApplicationState


# Trials that take one of the zone's concurrent-trial places.
OCCUPYING_STATES = (ApplicationState.trial_active, ApplicationState.suspended,
                    ApplicationState.extension_review, ApplicationState.amendment_pending)


def occupied_count(zone):
    return db.session.scalar(select(func.count(Application.id)).where(
        Application.zone_id == zone.id, Application.state.in_(OCCUPYING_STATES))) or 0


def capacity_view(zone, used=None):
    used = occupied_count(zone) if used is None else used
    return {"capacity": zone.capacity, "used": used, "free": max(zone.capacity - used, 0),
            "full": used >= zone.capacity}


def capacity_views(zones):
    """{zone id: capacity_view} for many zones in one query (the zone list and the map show them all)."""
    used = dict(db.session.execute(
        select(Application.zone_id, func.count(Application.id))
        .where(Application.zone_id.in_([z.id for z in zones]), Application.state.in_(OCCUPYING_STATES))
        .group_by(Application.zone_id)).all()) if zones else {}
    return {z.id: capacity_view(z, used.get(z.id, 0)) for z in zones}


def running_trials(zone):
    return db.session.scalars(select(Application).where(
        Application.zone_id == zone.id, Application.state.in_(OCCUPYING_STATES)).order_by(Application.id)).all()


def applications_by_state(zone, states=None):
    """[(ApplicationState, count)] in workflow order; drafts are the applicants' own and not counted."""
    counts = dict(db.session.execute(
        select(Application.state, func.count(Application.id))
        .where(Application.zone_id == zone.id, Application.state != ApplicationState.draft)
        .group_by(Application.state)).all())
    wanted = states or [s for s in ApplicationState if s != ApplicationState.draft]
    return [(state, counts.get(state, 0)) for state in wanted]
