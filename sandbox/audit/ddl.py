"""Database triggers that make the audit table append-only (DESIGN §5), for PostgreSQL and SQLite.

Installed by the migration and, in tests, after create_all()."""
from contextlib import contextmanager

from sqlalchemy import text

TABLE = "audit_events"

POSTGRES = [
    """CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP;
    END;
    $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events",
    """CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()""",
]

SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events
    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events
    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused'); END""",
]

DROP = {
    "postgresql": ["DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events",
                   "DROP FUNCTION IF EXISTS audit_events_refuse_change()"],
    "sqlite": ["DROP TRIGGER IF EXISTS audit_events_no_update", "DROP TRIGGER IF EXISTS audit_events_no_delete"],
}


def install_append_only_triggers(connection):
    statements = POSTGRES if connection.dialect.name == "postgresql" else SQLITE
    for statement in statements:
        connection.execute(text(statement))


def drop_append_only_triggers(connection):
    for statement in DROP.get(connection.dialect.name, []):
        connection.execute(text(statement))


@contextmanager
def without_append_only_triggers(connection):
    """Only for emptying a test database or restoring a backup: never used by the application."""
    drop_append_only_triggers(connection)
    try:
        yield
    finally:
        install_append_only_triggers(connection)
