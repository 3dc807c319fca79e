"""The committee's agenda, votes and decisions."""
from flask import Blueprint

from ..viewhelpers import gate

bp = Blueprint("committee", __name__, url_prefix="/committee")

gate(bp, "committee.queue")
