"""What anyone may see: zones, the map, the public register and citizens' feedback."""
from flask import Blueprint

bp = Blueprint("public", __name__)
