"""file duties: who screened or handled each file for the office, as a business fact

Separation of duties (issue 14) reads who screened a file from this table instead of the audit log.
Files screened before it existed get their rows once, here, from the audit events of the office's
triggers (the only place that fact was kept until now).

Revision ID: t14_duties_file_duties
Revises: t14_sessions_user_sessions
Create Date: 2026-12-04 15:30:00

"""
from alembic import op
import sqlalchemy as sa
import sandbox.models.base


# revision identifiers, used by Alembic.
revision = 't14_duties_file_duties'
down_revision = 't14_sessions_user_sessions'
branch_labels = None
depends_on = None

# The audit actions of the office's triggers, and the duty each records (services/duties.OFFICE_DUTIES
# as it was when this ran).
SCREENED = ('application.screening_started', 'application.accepted', 'application.returned',
            'application.supplement_requested')
HANDLED = ('application.review_closed', 'application.sent_to_committee')


def upgrade():
    op.create_table('file_duties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('duty', sa.Enum('screened', 'handled', name='duty_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('first_at', sandbox.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_file_duties_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_file_duties_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_file_duties')),
    sa.UniqueConstraint('application_id', 'user_id', 'duty', name='uq_file_duties_app_user_duty')
    )
    with op.batch_alter_table('file_duties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_file_duties_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_file_duties_user_id'), ['user_id'], unique=False)

    for duty, actions in (('screened', SCREENED), ('handled', HANDLED)):
        listed = ', '.join(f"'{a}'" for a in actions)
        op.execute(sa.text(
            "INSERT INTO file_duties (application_id, user_id, duty, first_at) "
            f"SELECT e.application_id, e.actor_id, '{duty}', MIN(e.occurred_at) FROM audit_events e "
            "JOIN applications a ON a.id = e.application_id JOIN users u ON u.id = e.actor_id "
            f"WHERE e.action IN ({listed}) GROUP BY e.application_id, e.actor_id"))


def downgrade():
    with op.batch_alter_table('file_duties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_file_duties_user_id'))
        batch_op.drop_index(batch_op.f('ix_file_duties_application_id'))

    op.drop_table('file_duties')
