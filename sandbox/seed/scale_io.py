"""Writing generated rows: COPY on PostgreSQL, executemany elsewhere."""

import json
from datetime import timezone

from sqlalchemy import JSON, insert

from ..extensions import db
from ..models.base import UTCDateTime


def write_insert(table, rows, chunk):
    for start in range(0, len(rows), chunk):
        db.session.execute(insert(table), rows[start : start + chunk])


def _naive_utc(value):  # UTCDateTime stores naive UTC
    return value if value is None else value.astimezone(timezone.utc).replace(tzinfo=None)


def _json_text(value):
    return value if value is None else json.dumps(value, ensure_ascii=False)


def _converters(table, columns):
    """Per column: how a Python value becomes what COPY expects (None: as it is)."""

    def pick(column):
        if isinstance(column.type, UTCDateTime):
            return _naive_utc
        if isinstance(column.type, JSON):
            return _json_text
        return None

    return [pick(table.c[name]) for name in columns]


def write_copy(table, rows, chunk):
    """PostgreSQL COPY: several times faster than executemany for millions of rows."""
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    cursor = db.session.connection().connection.driver_connection.cursor()
    plan = list(zip(columns, _converters(table, columns)))
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([convert(row[c]) if convert else row[c] for c, convert in plan])
