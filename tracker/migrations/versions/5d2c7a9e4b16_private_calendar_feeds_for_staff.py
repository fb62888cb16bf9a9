"""Private calendar feeds for staff: a hashed token in the address, with an expiry and a revocation

Revision ID: 5d2c7a9e4b16
Revises: 3b8e1f6c2a94
Create Date: 2026-11-30 09:05:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.types

# revision identifiers, used by Alembic.
revision = "5d2c7a9e4b16"
down_revision = "3b8e1f6c2a94"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", tracker.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", tracker.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", tracker.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_calendar_feeds_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )
    with op.batch_alter_table("calendar_feeds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_feeds_staff_id"), ["staff_id"], unique=False)


def downgrade():
    with op.batch_alter_table("calendar_feeds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_feeds_staff_id"))
    op.drop_table("calendar_feeds")
