"""partial index on site boxes of files holding their site, for the clash check

Revision ID: 3e9d1b6f0a52
Revises: 8c41f2a7d6e3
Create Date: 2026-11-29 22:25:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3e9d1b6f0a52'
down_revision = '8c41f2a7d6e3'
branch_labels = None
depends_on = None

# The states of sandbox.models.applications.SITE_HOLDING_STATES, as they were when this ran.
HOLDING_SITE = ("state IN ('approved', 'trial_active', 'suspended', 'extension_review', 'amendment_pending') "
                "AND site_geojson IS NOT NULL")


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_holding_site_box',
                              ['site_west', 'site_east', 'site_south', 'site_north'], unique=False,
                              postgresql_where=sa.text(HOLDING_SITE), sqlite_where=sa.text(HOLDING_SITE))


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_holding_site_box')
