"""Two ticks at once on PostgreSQL: one works, the other sees the advisory lock and stops; and even
without the lock the dedupe keys keep every notice and email single."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import text

from sandbox.extensions import db
from sandbox.services import ticking
from sandbox.services.reminders import send_reminders
from sandbox.transaction import atomic
from sandbox.states import ApplicationState as S

from ..factories import ApplicationFactory, StageClockFactory
from .conftest import T0, notices

pytestmark = pytest.mark.postgres


def test_a_second_tick_exits_while_one_holds_the_lock(app, office):
    with db.engine.connect() as other:
        other.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ticking.TICK_LOCK_KEY})
        other.commit()
        report = ticking.tick(T0)
        other.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ticking.TICK_LOCK_KEY})
        other.commit()
    assert report.locked_out and report.output() == ["another tick is running; nothing done"]


def _run_in_threads(app, target, count=2):
    barrier = threading.Barrier(count)
    errors = []

    def run():
        with app.app_context():
            try:
                barrier.wait()
                target()
            except Exception as exc:  # noqa: BLE001 - reported to the test below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


def test_concurrent_ticks_send_each_email_once(app, office, smtpd):
    application = ApplicationFactory(state=S.screening)
    StageClockFactory(application=application, stage=S.screening, started_at=T0, allowed_days=14,
                      due_at=T0 + timedelta(days=14))
    moment = T0 + timedelta(days=20)
    assert _run_in_threads(app, lambda: ticking.tick(moment)) == []
    rows = notices(office)
    assert {n.kind for n in rows} == {"reminder.stage", "escalation.stage"} and len(rows) == 2
    assert len(smtpd.messages) == 2


def test_dedupe_keys_hold_even_without_the_lock(app, office):
    application = ApplicationFactory(state=S.screening)
    StageClockFactory(application=application, stage=S.screening, started_at=T0, allowed_days=14,
                      due_at=T0 + timedelta(days=14))
    moment = T0 + timedelta(days=14)

    def reminders_only():
        with atomic():
            send_reminders(moment, ticking.TickReport())

    assert _run_in_threads(app, reminders_only, count=4) == []
    assert len(notices(office, "reminder.%")) == 1
