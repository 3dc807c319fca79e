"""atomic(): the one place that commits or rolls back. Beside the extensions, below every layer that
writes (audit, services): the audit writer's callers commit through it without importing a service."""
from contextlib import contextmanager

from .extensions import db

_DEPTH_KEY = "sandbox_atomic_depth"


@contextmanager
def atomic():
    """Commit once at the outermost block; roll everything back on any error."""
    session = db.session
    depth = session.info.get(_DEPTH_KEY, 0)
    session.info[_DEPTH_KEY] = depth + 1
    try:
        yield session
        if depth == 0:
            session.commit()
    except BaseException:
        if depth == 0:
            session.rollback()
        raise
    finally:
        session.info[_DEPTH_KEY] = depth
