"""release list uploads, kept in the database until their uploader confirms them or they expire

Revision ID: b7d2e4a1c9f0
Revises: 7365f64e469d
Create Date: 2026-11-30 07:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

import tracker.types


# revision identifiers, used by Alembic.
revision = 'b7d2e4a1c9f0'
down_revision = '7365f64e469d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'release_list_uploads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', tracker.types.UTCDateTime(), nullable=False),
        sa.Column('expires_at', tracker.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_release_list_uploads_staff_id_staff')),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_release_list_uploads_team_id_teams')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_release_list_uploads')),
    )
    with op.batch_alter_table('release_list_uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_release_list_uploads_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_release_list_uploads_staff_id'), ['staff_id'], unique=False)


def downgrade():
    with op.batch_alter_table('release_list_uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_release_list_uploads_staff_id'))
        batch_op.drop_index(batch_op.f('ix_release_list_uploads_expires_at'))
    op.drop_table('release_list_uploads')
