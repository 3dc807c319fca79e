"""The auditor's console: searching and exporting the audit log, and the decision log.

The blueprint and, below, every module that adds routes to it: this list is where its routes are found."""
from . import views, decisions  # noqa: F401
from .blueprint import bp  # noqa: F401
