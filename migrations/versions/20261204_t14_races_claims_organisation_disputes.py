"""organisation disputes: a company whose registration number is taken files one; the office resolves it

Revision ID: t14_races_claims
Revises: t14_duties_file_duties
Create Date: 2026-12-04 15:24:13.328282

"""
from alembic import op
import sqlalchemy as sa

import sandbox.models.base


# revision identifiers, used by Alembic.
revision = 't14_races_claims'
down_revision = 't14_duties_file_duties'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisation_disputes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('filed_by_id', sa.Integer(), nullable=False),
    sa.Column('registration_number', sa.String(length=40), nullable=False),
    sa.Column('claimed_name', sa.String(length=200), nullable=False),
    sa.Column('claimed_kind', sa.Enum('company', 'university', 'institute', 'public_body', name='organisationkind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('evidence_sha256', sa.String(length=64), nullable=True),
    sa.Column('evidence_size', sa.Integer(), nullable=True),
    sa.Column('evidence_media_type', sa.String(length=100), nullable=True),
    sa.Column('state', sa.Enum('open', 'holder_confirmed', 'transferred', name='disputestate', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('resolution_note', sa.Text(), nullable=False),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sandbox.models.base.UTCDateTime(), nullable=True),
    sa.Column('created_at', sandbox.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sandbox.models.base.UTCDateTime(), nullable=False),
    sa.CheckConstraint("(state = 'open') = (resolved_at IS NULL)", name=op.f('ck_organisation_disputes_resolved_when_closed')),
    sa.CheckConstraint("statement <> '' OR evidence_sha256 IS NOT NULL", name=op.f('ck_organisation_disputes_statement_or_evidence')),
    sa.ForeignKeyConstraint(['filed_by_id'], ['users.id'], name=op.f('fk_organisation_disputes_filed_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_disputes_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_organisation_disputes_resolved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_disputes'))
    )
    with op.batch_alter_table('organisation_disputes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_disputes_filed_by_id'), ['filed_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_disputes_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_disputes_state'), ['state'], unique=False)
        batch_op.create_index('uq_organisation_disputes_open_per_filer', ['organisation_id', 'filed_by_id'], unique=True, postgresql_where=sa.text("state = 'open'"), sqlite_where=sa.text("state = 'open'"))



def downgrade():
    with op.batch_alter_table('organisation_disputes', schema=None) as batch_op:
        batch_op.drop_index('uq_organisation_disputes_open_per_filer', postgresql_where=sa.text("state = 'open'"), sqlite_where=sa.text("state = 'open'"))
        batch_op.drop_index(batch_op.f('ix_organisation_disputes_state'))
        batch_op.drop_index(batch_op.f('ix_organisation_disputes_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_organisation_disputes_filed_by_id'))

    op.drop_table('organisation_disputes')
