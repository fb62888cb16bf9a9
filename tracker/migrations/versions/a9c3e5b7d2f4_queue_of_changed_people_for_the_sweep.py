"""A queue of changed people, written with each change and taken by the sweep

Revision ID: a9c3e5b7d2f4
Revises: f2b6d8a4c1e7
Create Date: 2026-11-30 07:30:00

"""
from alembic import op
import sqlalchemy as sa

import tracker.types


# revision identifiers, used by Alembic.
revision = 'a9c3e5b7d2f4'
down_revision = 'f2b6d8a4c1e7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'changed_people',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('queued_at', tracker.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_changed_people_person_id_people'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_changed_people')),
    )
    with op.batch_alter_table('changed_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_changed_people_person_id'), ['person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('changed_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_changed_people_person_id'))
    op.drop_table('changed_people')
