"""atomic(): the one place that commits or rolls back; lock_for_write(): SQLite's stand-in for FOR UPDATE."""
from contextlib import contextmanager

from ..extensions import db

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
