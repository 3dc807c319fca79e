"""Helpers for the audit tests: a few real events written through the one writer, and exports of them."""
import io

import pytest

from sandbox.audit.export import export_to
from sandbox.audit.filters import AuditFilter
from sandbox.audit.record import SYSTEM, record
from sandbox.transaction import atomic


def write_events(count, action="test.happened", **kwargs):
    with atomic():
        return [record(action, actor=SYSTEM, data={"n": i, "note": "한글 ok"}, **kwargs).seq
                for i in range(count)]


@pytest.fixture
def some_events(db):
    return write_events(6)


def export_text(fmt, audit_filter=None):
    buffer = io.StringIO()
    export_to(buffer, fmt, audit_filter or AuditFilter())
    return buffer.getvalue()


@pytest.fixture
def export_file(tmp_path):
    """Export the whole log to a file and return its path."""
    def make(fmt, audit_filter=None, name=None):
        path = tmp_path / (name or f"export.{fmt}")
        path.write_text(export_text(fmt, audit_filter), encoding="utf-8", newline="")
        return path
    return make
