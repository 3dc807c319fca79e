"""Trials: start gate, reports, incidents, extensions (issue "Trials" builds them out)."""
from flask_babel import gettext as _


def conditions_acceptance_problems(application):
    return [_("The approval's conditions have not been accepted yet.")]


def insurance_problems(application):
    return [_("No liability insurance certificate has been recorded yet.")]


def capacity_problems(application):
    """A zone holds at most `capacity` concurrent trials; a new start waits for a free place."""
    from .zones import capacity_view
    zone = application.zone
    if zone is None:
        return []
    view = capacity_view(zone)
    if view["full"]:
        return [_("The zone %(zone)s is at capacity: %(used)d of %(capacity)d concurrent trials are running. "
                  "The trial can start when a place frees up or the office raises the zone's capacity.",
                  zone=zone.name, used=view["used"], capacity=view["capacity"])]
    return []


def extension_problems(application):
    return [_("Extensions open once the trial records are in place.")]


def amendment_problems(application):
    return [_("Law-amendment requests open once the trial records are in place.")]


def result_report_problems(application):
    return [_("No result report has been filed yet.")]
