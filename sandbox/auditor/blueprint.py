"""The auditor's console: searching and exporting the audit log, and the decision log."""
from flask import Blueprint

from ..viewhelpers import gate

bp = Blueprint("auditor", __name__, url_prefix="/audit")

gate(bp, "auditor.console")
