"""atomic() and its companions live in sandbox.transaction (below the audit layer, which uses them too);
services and the code above them have always imported them from here."""
from ..transaction import atomic, is_write_conflict, lock_for_write

__all__ = ["atomic", "is_write_conflict", "lock_for_write"]
