"""Account administration: people, roles and duties."""
from flask import Blueprint

from ..viewhelpers import gate

bp = Blueprint("admin", __name__, url_prefix="/admin")

gate(bp, "admin.users")
