"""Index what the handovers report reads of a year's releases from the index alone: their due release
dates (conditional, automatic, curfew) and the community appointments not cancelled (issue 11: each
report under 1 s on national data; handovers by establishment read 165,000 release dates and 100,000
appointments a year to keep a fraction)

Revision ID: a96d4c2e7f10
Revises: b3d5f7a9c1e2
Create Date: 2026-11-30 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a96d4c2e7f10'
down_revision = 'b3d5f7a9c1e2'
branch_labels = None
depends_on = None

COMMUNITY_NOT_CANCELLED = sa.text(
    "kind IN ('probation', 'treatment_assessment', 'treatment_session') "
    "AND (outcome IS NULL OR outcome != 'cancelled')"
)
DUE_KINDS = sa.text("kind IN ('crd', 'ard', 'hdcad')")


def upgrade():
    # op.create_index, not batch_alter_table: adding an index needs no table copy on SQLite.
    op.create_index(
        'ix_appointments_community_starts_at', 'appointments', ['starts_at', 'person_id'],
        postgresql_where=COMMUNITY_NOT_CANCELLED, sqlite_where=COMMUNITY_NOT_CANCELLED,
    )
    op.create_index(
        'ix_release_dates_due', 'release_dates', ['stage_id', 'kind', 'value_on'],
        postgresql_where=DUE_KINDS, sqlite_where=DUE_KINDS,
    )


def downgrade():
    op.drop_index('ix_release_dates_due', table_name='release_dates')
    op.drop_index('ix_appointments_community_starts_at', table_name='appointments')
