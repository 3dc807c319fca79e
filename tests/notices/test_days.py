"""Business days skip weekends and Korean public holidays (Chuseok 2026: 24–26 September)."""
from datetime import date, datetime, timezone

from sandbox.services.reminders import add_business_days, business_days_between, due_offset, is_business_day
from sandbox.services.ticking import tick
from sandbox.states import ApplicationState as S

from ..factories import ApplicationFactory, StageClockFactory
from .conftest import notices


def test_chuseok_is_not_a_business_day(app):
    assert not any(is_business_day(date(2026, 9, d)) for d in (24, 25, 26, 27))
    assert is_business_day(date(2026, 9, 23)) and is_business_day(date(2026, 9, 28))


def test_counting_business_days_across_chuseok(app):
    assert add_business_days(date(2026, 9, 28), -3) == date(2026, 9, 21)
    assert add_business_days(date(2026, 9, 23), 1) == date(2026, 9, 28)
    assert business_days_between(date(2026, 9, 23), date(2026, 9, 28)) == 1
    assert business_days_between(date(2026, 9, 28), date(2026, 9, 23)) == -1
    assert business_days_between(date(2026, 9, 21), date(2026, 10, 2)) == 7  # 22, 23, 28, 29, 30, 1, 2


def test_reminder_offsets_in_business_days(app):
    due = date(2026, 9, 28)
    assert due_offset(due, date(2026, 9, 18), [-3, 0], business=True) is None
    assert due_offset(due, date(2026, 9, 21), [-3, 0], business=True) == -3
    assert due_offset(due, date(2026, 9, 25), [-3, 0], business=False) == -3


def test_tick_uses_business_days_when_configured(app, office, monkeypatch):
    monkeypatch.setitem(app.config, "REMINDER_BUSINESS_DAYS", True)
    monkeypatch.setitem(app.config, "REMINDER_OFFSETS", [-3])
    application = ApplicationFactory(state=S.screening)
    StageClockFactory(application=application, stage=S.screening, allowed_days=27,
                      started_at=datetime(2026, 9, 1, tzinfo=timezone.utc),
                      due_at=datetime(2026, 9, 28, tzinfo=timezone.utc))
    tick(datetime(2026, 9, 20, 12, tzinfo=timezone.utc))
    assert notices(office, "reminder.%") == []
    tick(datetime(2026, 9, 21, 0, tzinfo=timezone.utc))
    assert len(notices(office, "reminder.%")) == 1
