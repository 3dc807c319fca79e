"""The applicant's portal: organisations, the application form's steps, the trial pages and disputes."""
from flask import Blueprint

from ..viewhelpers import gate

bp = Blueprint("applicant", __name__, url_prefix="/applicant")

gate(bp, "applicant.portal")
