"""atomic(): the one place that commits or rolls back; lock_for_write(): SQLite's stand-in for FOR UPDATE.
Beside the extensions, below every layer that writes (audit, services): the audit writer locks and commits
through it without importing a service."""
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from .extensions import db

# PostgreSQL's codes for losing a race: serialization failure, deadlock, lock not available.
_PG_CONFLICT_CODES = {"40001", "40P01", "55P03"}
_SQLITE_LOCKED = ("database is locked", "database table is locked")

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


def lock_for_write(session=None):
    """Hold the database's write lock from here until this transaction ends, before reading a row the
    transaction will write on (the audit chain's head). On PostgreSQL this does nothing: callers lock
    the rows they read with FOR UPDATE, which lets writers on other rows run in parallel.

    SQLite ignores FOR UPDATE, and pysqlite runs every statement before a transaction's first write
    outside any transaction: two writers could both read the same row and both write on it. BEGIN
    IMMEDIATE takes the write lock at once, waiting its turn through the busy timeout, so what is read
    after it stays true until commit. When the transaction has written already it holds the lock and
    nothing is done. Readers are not held up: SQLite lets them read while the lock is held (only the
    commit itself waits for running reads to finish)."""
    connection = (session or db.session).connection()
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def is_write_conflict(error):
    """True when `error` means another writer got there first, so the whole unit of work was rolled back
    and may simply be tried again (the user sees the 409 page), as opposed to a bug or an outage:
    a row changed under its version column, a unique key taken in between, or the write lock not
    obtained in time."""
    if isinstance(error, (StaleDataError, IntegrityError)):
        return True
    if isinstance(error, OperationalError):
        code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
        return code in _PG_CONFLICT_CODES or any(text in str(error.orig) for text in _SQLITE_LOCKED)
    return False
