"""What anyone may see: zones, the map, the public register and citizens' feedback.

The blueprint and, below, every module that adds routes to it: this list is where its routes are found."""
from . import views, register  # noqa: F401
from .blueprint import bp  # noqa: F401
