"""Competent authorities' assignments: answers and opinions on requested exemptions."""
from flask import Blueprint

from ..viewhelpers import gate

bp = Blueprint("authority", __name__, url_prefix="/authority")

gate(bp, "authority.queue")
