"""The auditor's search: one filter object shared by the console, the exports and the CLI."""
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func

from ..models import AuditEvent

_LIKE_ESCAPE = "\\"
# The dates a filter may name: far wider than any event's, and narrow enough that a day's arithmetic
# (date_to + 1 day) and every database's timestamp hold them (the same range as the app's other date
# inputs).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(9899, 12, 31)
MAX_ID = 2**31 - 1  # the id columns are 32-bit integers


def _escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _day_start(day):
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


@dataclass(frozen=True)
class AuditFilter:
    """Every field optional. `date_to` is inclusive; `action` ending in '.' or '*' is a prefix."""

    date_from: date | None = None
    date_to: date | None = None
    actor: str = ""
    action: str = ""
    application_id: int | None = None
    zone_id: int | None = None
    state: str = ""

    def apply(self, stmt):
        """Add the WHERE clauses to a select over audit_events."""
        for clause in self.clauses():
            stmt = stmt.where(clause)
        return stmt

    def clauses(self):
        e = AuditEvent
        if self.date_from:
            yield e.occurred_at >= _day_start(self.date_from)
        if self.date_to and self.date_to < date.max:  # the CLI takes any date; date.max bounds nothing
            yield e.occurred_at < _day_start(self.date_to + timedelta(days=1))
        if self.actor:
            pattern = f"%{_escape_like(self.actor.lower())}%"
            yield func.lower(e.actor_name).like(pattern, escape=_LIKE_ESCAPE)
        if self.action:
            yield self._action_clause()
        if self.application_id is not None:
            yield e.application_id == self.application_id
        if self.zone_id is not None:
            yield e.zone_id == self.zone_id
        if self.state:
            yield e.to_state == self.state

    def _action_clause(self):
        action = self.action.rstrip("*")
        if action.endswith("."):
            return AuditEvent.action.like(_escape_like(action) + "%", escape=_LIKE_ESCAPE)
        return AuditEvent.action == action

    def as_data(self):
        """The filters that were set, JSON-friendly, for the audit.exported event and for URLs."""
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items()
                if v not in (None, "")}

    @property
    def is_empty(self):
        return not self.as_data()
