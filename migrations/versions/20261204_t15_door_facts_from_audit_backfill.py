"""business facts the trial pages read from the audit log, backfilled into their own columns: a trial's
start date and an extension's outcome, for starts and decisions fired from the file page's generic route
before it refused service-owned triggers (issue 15, "One door, really")

Revision ID: t15_door_facts
Revises: t14_races_claims
Create Date: 2026-12-04 18:50:00.000000

"""
from datetime import timezone

from alembic import op
import sqlalchemy as sa

import sandbox.models.base


# revision identifiers, used by Alembic.
revision = 't15_door_facts'
down_revision = 't14_races_claims'
branch_labels = None
depends_on = None

UTC = sandbox.models.base.UTCDateTime

events = sa.table('audit_events', sa.column('seq', sa.Integer), sa.column('application_id', sa.Integer),
                  sa.column('action', sa.String), sa.column('occurred_at', UTC()))
trials = sa.table('trials', sa.column('id', sa.Integer), sa.column('application_id', sa.Integer),
                  sa.column('started_on', sa.Date), sa.column('ends_on', sa.Date))
applications = sa.table('applications', sa.column('id', sa.Integer), sa.column('period_end', sa.Date))
requests = sa.table('extension_requests', sa.column('id', sa.Integer), sa.column('trial_id', sa.Integer),
                    sa.column('filed_at', UTC()), sa.column('granted', sa.Boolean),
                    sa.column('decided_at', UTC()))

DECIDED = ('application.extension_granted', 'application.extension_refused')


def _utc(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _backfill_starts(bind):
    # What services.trials.started_on used to fall back to: the latest trial_started event of the file;
    # start_trial also fixes the planned end, so a trial without one takes the approved period's end.
    rows = bind.execute(sa.select(trials.c.id, trials.c.application_id, trials.c.ends_on, applications.c.period_end)
                        .join(applications, applications.c.id == trials.c.application_id)
                        .where(trials.c.started_on.is_(None))).all()
    for trial_id, application_id, ends_on, period_end in rows:
        started = bind.execute(sa.select(events.c.occurred_at).where(
            events.c.application_id == application_id, events.c.action == 'application.trial_started')
            .order_by(events.c.seq.desc()).limit(1)).scalar()
        if started is None:
            continue
        bind.execute(trials.update().where(trials.c.id == trial_id).values(
            started_on=_utc(started).astimezone(timezone.utc).date(), ends_on=ends_on or period_end))


def _backfill_extension_outcomes(bind):
    # What services.trials.extension_outcome used to fall back to: the first grant or refusal of the file
    # at or after the request was filed.
    rows = bind.execute(sa.select(requests.c.id, requests.c.filed_at, trials.c.application_id)
                        .join(trials, trials.c.id == requests.c.trial_id)
                        .where(requests.c.granted.is_(None))).all()
    for request_id, filed_at, application_id in rows:
        decided = bind.execute(sa.select(events.c.action, events.c.occurred_at).where(
            events.c.application_id == application_id, events.c.action.in_(DECIDED),
            events.c.occurred_at >= filed_at).order_by(events.c.seq).limit(1)).first()
        if decided is None:
            continue
        action, occurred_at = decided
        bind.execute(requests.update().where(requests.c.id == request_id).values(
            granted=action == 'application.extension_granted', decided_at=_utc(occurred_at)))


def upgrade():
    bind = op.get_bind()
    _backfill_starts(bind)
    _backfill_extension_outcomes(bind)


def downgrade():
    # The backfilled values are the ones the code read before; nothing to undo.
    pass
