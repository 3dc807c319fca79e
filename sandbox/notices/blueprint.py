"""Each person's notices, and the notification settings the administrator keeps."""
from flask import Blueprint

from ..viewhelpers import gate

bp = Blueprint("notices", __name__, url_prefix="/notices")

gate(bp)  # every page needs a signed-in person; each route checks its own permission
