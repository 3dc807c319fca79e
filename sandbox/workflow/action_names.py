"""Readable names for every audit action: a transition's from its Step (machine.DONE_LABELS), every other
one from audit.labels. An unknown action shows as its dotted name."""
from ..audit.labels import ACTION_LABELS as OTHER_LABELS
from .machine import DONE_LABELS

# The file's own events first (created, draft saved, then its transitions), as the auditor's list shows them.
ACTION_LABELS = {**{a: label for a, label in OTHER_LABELS.items() if a.startswith("application.")}, **DONE_LABELS,
                 **{a: label for a, label in OTHER_LABELS.items() if not a.startswith("application.")}}


def action_label(action):
    return ACTION_LABELS.get(action, action)
