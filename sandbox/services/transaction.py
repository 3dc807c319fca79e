"""atomic() lives in sandbox.transaction (below the audit layer, which uses it too); services and the code
above them have always imported it from here."""
from ..transaction import atomic

__all__ = ["atomic"]
