"""Job runs: when the sweep and the dispatch last ran, how long they took, whether they failed

Revision ID: f2b6d8a4c1e7
Revises: e8a3c5f7b901
Create Date: 2026-11-30 07:20:00

"""
from alembic import op
import sqlalchemy as sa

import tracker.types


# revision identifiers, used by Alembic.
revision = 'f2b6d8a4c1e7'
down_revision = 'e8a3c5f7b901'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_runs',
        sa.Column('name', sa.String(length=20), nullable=False),
        sa.Column('started_at', tracker.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('finished_at', tracker.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=False),
        sa.Column('failed', sa.Boolean(), nullable=False),
        sa.Column('error', sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_job_runs')),
    )


def downgrade():
    op.drop_table('job_runs')
