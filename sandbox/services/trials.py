"""Trials: start gate, reports, incidents, extensions (issue "Trials" builds them out)."""
from flask_babel import gettext as _


def conditions_acceptance_problems(application):
    return [_("The approval's conditions have not been accepted yet.")]


def insurance_problems(application):
    return [_("No liability insurance certificate has been recorded yet.")]


def capacity_problems(application):
    return []


def extension_problems(application):
    return [_("Extensions open once the trial records are in place.")]


def amendment_problems(application):
    return [_("Law-amendment requests open once the trial records are in place.")]


def result_report_problems(application):
    return [_("No result report has been filed yet.")]
