"""a fencing token on the scheduler lease, so a leader that lost it can tell before it acts

Revision ID: c4f1a9e2d7b3
Revises: b7d2e4a1c9f0
Create Date: 2026-11-30 07:12:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4f1a9e2d7b3'
down_revision = 'b7d2e4a1c9f0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('scheduler_leases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token', sa.BigInteger(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('scheduler_leases', schema=None) as batch_op:
        batch_op.drop_column('token')
