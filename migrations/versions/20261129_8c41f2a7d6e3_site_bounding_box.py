"""site bounding box on applications, for the clash check

Revision ID: 8c41f2a7d6e3
Revises: 5b2e0c7d9a31
Create Date: 2026-11-29 21:50:00

"""
from alembic import op
import sqlalchemy as sa

from sandbox.models.applications import geojson_bounds


# revision identifiers, used by Alembic.
revision = '8c41f2a7d6e3'
down_revision = '5b2e0c7d9a31'
branch_labels = None
depends_on = None

BOX = ("site_west", "site_south", "site_east", "site_north")


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        for name in BOX:
            batch_op.add_column(sa.Column(name, sa.Float(), nullable=True))
    # Existing sites get their box here; from now on the model keeps it with the site.
    applications = sa.table("applications", sa.column("id", sa.Integer), sa.column("site_geojson", sa.JSON),
                            *(sa.column(name, sa.Float) for name in BOX))
    connection = op.get_bind()
    rows = connection.execute(sa.select(applications.c.id, applications.c.site_geojson)
                              .where(applications.c.site_geojson.is_not(None))).all()
    update = (applications.update().where(applications.c.id == sa.bindparam("row_id"))
              .values({name: sa.bindparam(name) for name in BOX}))
    for start in range(0, len(rows), 5000):
        batch = [{"row_id": row_id, **dict(zip(BOX, geojson_bounds(site)))} for row_id, site in rows[start:start + 5000]]
        connection.execute(update, batch)


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        for name in reversed(BOX):
            batch_op.drop_column(name)
