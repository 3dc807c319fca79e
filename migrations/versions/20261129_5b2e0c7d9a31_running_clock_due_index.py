"""running clock due index for the office queue

Revision ID: 5b2e0c7d9a31
Revises: 14005791c1c4
Create Date: 2026-11-29 21:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b2e0c7d9a31'
down_revision = '14005791c1c4'
branch_labels = None
depends_on = None

RUNNING_DATED = "ended_at IS NULL AND paused_at IS NULL AND due_at IS NOT NULL"


def upgrade():
    with op.batch_alter_table('stage_clocks', schema=None) as batch_op:
        batch_op.create_index('ix_stage_clocks_running_due', ['due_at', 'application_id'], unique=False,
                              postgresql_where=sa.text(RUNNING_DATED), sqlite_where=sa.text(RUNNING_DATED))


def downgrade():
    with op.batch_alter_table('stage_clocks', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_clocks_running_due')
