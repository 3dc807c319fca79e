"""login sessions kept on the server (user_sessions), and confirmation of self-registered addresses

Revision ID: t14_sessions_user_sessions
Revises: 3e9d1b6f0a52
Create Date: 2026-12-04 15:30:00

"""
from alembic import op
import sqlalchemy as sa

import sandbox.models.base


# revision identifiers, used by Alembic.
revision = 't14_sessions_user_sessions'
down_revision = '3e9d1b6f0a52'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sandbox.models.base.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', sandbox.models.base.UTCDateTime(), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('user_agent', sa.String(length=300), nullable=False),
    sa.Column('revoked_at', sandbox.models.base.UTCDateTime(), nullable=True),
    sa.Column('end_reason', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_sessions_token_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_user_sessions_user_open', ['user_id', 'revoked_at'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        # Every account that exists already is confirmed (made by the office, the demo data, or registered
        # before addresses were confirmed).
        batch_op.add_column(sa.Column('awaiting_confirmation', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('awaiting_confirmation')
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_user_sessions_user_open')
    op.drop_table('user_sessions')
