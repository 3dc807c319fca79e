"""The office queue as the database reads it: files ordered by their running clock's due date (overdue
first), then the files with no running dated clock by id. Pages are keyset cursors, so page 1,000 costs
what page 1 costs.

The two parts are read separately because one ORDER BY over `coalesce(due, far future)` makes the
database join and sort every open file (65 ms at 100,000 files); read apart, each part walks an index
in order and stops after one page (ix_stage_clocks_running_due, and the primary key)."""
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..labels import Instrument
from ..models import Application, StageClock, Zone
from ..states import ApplicationState

PAGE = 50
# The cursor of a file with no running dated clock: such files come after every dated one.
NO_DEADLINE = datetime(9999, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Cursor:
    due: datetime
    application_id: int

    def __str__(self):
        return f"{self.due.isoformat()}|{self.application_id}"

    @classmethod
    def parse(cls, value):
        """The cursor `<due ISO>|<id>` of the last row on the previous page, or None."""
        try:
            when, application_id = value.rsplit("|", 1)
            due = datetime.fromisoformat(when)
            return cls(due if due.tzinfo else due.replace(tzinfo=timezone.utc), int(application_id))
        except (AttributeError, ValueError):
            return None


def _running_dated():
    return and_(StageClock.ended_at.is_(None), StageClock.paused_at.is_(None), StageClock.due_at.is_not(None))


def _filtered(stmt, filters):
    # What each row shows (clock, organisation, zone) comes in three more queries for the whole page.
    stmt = stmt.where(Application.state != ApplicationState.draft).options(
        selectinload(Application.clocks), selectinload(Application.organisation), selectinload(Application.zone))
    if filters.get("state") in ApplicationState.__members__:
        stmt = stmt.where(Application.state == ApplicationState(filters["state"]))
    if filters.get("zone"):
        stmt = stmt.where(Application.zone_id == filters["zone"])
    if filters.get("instrument") in Instrument.__members__:
        stmt = stmt.where(Application.instrument == Instrument(filters["instrument"]))
    return stmt


def _dated(filters, after, limit):
    stmt = _filtered(select(Application, StageClock.due_at)
                     .join(StageClock, and_(StageClock.application_id == Application.id, _running_dated())),
                     filters)
    if after:
        stmt = stmt.where(or_(StageClock.due_at > after.due,
                              and_(StageClock.due_at == after.due, StageClock.application_id > after.application_id)))
    # Ordered by the clock's own columns so the partial index delivers the rows in order.
    return db.session.execute(stmt.order_by(StageClock.due_at, StageClock.application_id).limit(limit)).all()


def _undated(filters, after, limit):
    has_dated_clock = exists().where(StageClock.application_id == Application.id, _running_dated())
    stmt = _filtered(select(Application).where(~has_dated_clock), filters)
    if after and after.due >= NO_DEADLINE:
        stmt = stmt.where(Application.id > after.application_id)
    return [(a, NO_DEADLINE) for a in db.session.scalars(stmt.order_by(Application.id).limit(limit))]


def queue_page(filters, after=None, page=PAGE):
    """(rows, next cursor or None): up to `page` files as (application, due) after `after`."""
    want = page + 1
    found = [] if after and after.due >= NO_DEADLINE else list(_dated(filters, after, want))
    if len(found) < want:
        found += _undated(filters, after, want - len(found))
    more, found = len(found) > page, found[:page]
    next_cursor = None
    if more:
        last, due = found[-1]
        next_cursor = Cursor(due if due.tzinfo else due.replace(tzinfo=timezone.utc), last.id)
    return found, next_cursor


def state_counts():
    return dict(db.session.execute(
        select(Application.state, func.count()).where(Application.state != ApplicationState.draft)
        .group_by(Application.state)).all())


def zones():
    return db.session.scalars(select(Zone).order_by(Zone.code)).all()
