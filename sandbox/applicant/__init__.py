"""The applicant's portal: organisations, the application form's steps, the trial pages and disputes.

The blueprint and, below, every module that adds routes to it: this list is where its routes are found."""
from . import views, steps, trials, disputes  # noqa: F401
from .blueprint import bp  # noqa: F401
