"""The file page everyone who works on an application shares, its decision panel and letters.

The blueprint and, below, every module that adds routes to it: this list is where its routes are found."""
from . import views, decisions, letters  # noqa: F401
from .blueprint import bp  # noqa: F401
