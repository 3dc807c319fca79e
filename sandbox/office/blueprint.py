"""The sandbox office's work: the queue, assignments, meetings, disputes, trial supervision, zones and
the pipeline dashboard."""
from flask import Blueprint

from ..viewhelpers import gate

bp = Blueprint("office", __name__, url_prefix="/office")

# The pipeline dashboard is shown to committee members and auditors too; it checks its own permission.
gate(bp, "office.queue", open_endpoints={"office.dashboard"})
