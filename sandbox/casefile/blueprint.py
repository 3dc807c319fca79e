"""The file page everyone who works on an application shares, its decision panel and letters.

The URL keeps /files; the blueprint is `casefile` so that it is not confused with uploaded documents."""
from flask import Blueprint

from ..viewhelpers import gate

bp = Blueprint("casefile", __name__, url_prefix="/files")

gate(bp)  # every page needs a signed-in person; each route checks its own permission
