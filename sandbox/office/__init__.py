"""The sandbox office's work: the queue, assignments, meetings, disputes, trial supervision, zones and

The blueprint and, below, every module that adds routes to it: this list is where its routes are found."""
from . import views, dashboard, assignments, disputes, meetings, trials, zones  # noqa: F401
from .blueprint import bp  # noqa: F401
