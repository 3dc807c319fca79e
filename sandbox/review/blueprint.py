"""Expert reviewers' assignments, conflict declarations and reviews."""
from flask import Blueprint

from ..viewhelpers import gate

bp = Blueprint("review", __name__, url_prefix="/review")

# Answering an assignment, declaring conflicts and recording ties are for every assignee, not only expert
# reviewers: these routes check their own permission.
SHARED = {"review.accept", "review.decline", "review.declare", "review.ties"}
gate(bp, "review.queue", open_endpoints=SHARED)
