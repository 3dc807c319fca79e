"""A real local SMTP server (aiosmtpd) and helpers for the notification tests."""
import email
import email.policy
import socket
from datetime import datetime, timezone

import pytest
from aiosmtpd.controller import Controller

from sandbox.labels import Role
from sandbox.models import Notification
from sandbox.services.workflow import fire

from ..factories import QuickConfirmationFactory, UserFactory

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope, message))
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def mail_off(app, monkeypatch):
    """No test sends email unless it asks for the SMTP server."""
    monkeypatch.setitem(app.config, "MAIL_ENABLED", False)


@pytest.fixture
def smtpd(app, monkeypatch):
    port = free_port()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_ENABLED", True)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", None)
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def office(db):
    return UserFactory(roles=[Role.office])


def submitted_quick_confirmation(at=T0, **kwargs):
    application = QuickConfirmationFactory(**kwargs)
    return fire(application, "submit", application.created_by, now=at)


def notices(user=None, kind=None):
    from sandbox.extensions import db
    rows = db.session.query(Notification)
    if user is not None:
        rows = rows.filter(Notification.user_id == user.id)
    if kind is not None:
        rows = rows.filter(Notification.kind.like(kind))
    return rows.order_by(Notification.id).all()
