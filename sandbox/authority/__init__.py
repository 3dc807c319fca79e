"""Competent authorities' assignments: answers and opinions on requested exemptions.

The blueprint and, below, every module that adds routes to it: this list is where its routes are found."""
from . import views  # noqa: F401
from .blueprint import bp  # noqa: F401
