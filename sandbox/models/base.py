"""Column helpers shared by every model."""
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import TypeDecorator


def conflict_insert(session):
    """The dialect's INSERT construct (it has on_conflict_do_nothing) for the session's database."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert
    return sqlite.insert


def utcnow():
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC: SQLite and PostgreSQL then agree."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def enum_column(enum_cls, **kwargs):
    """A portable string enum: a CHECK on SQLite and PostgreSQL alike."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=40,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
        **kwargs,
    )


class TimestampMixin:
    created_at = sa.orm.mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = sa.orm.mapped_column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
