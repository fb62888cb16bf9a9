"""Decline and ATR exit reasons, the release checklist at P-7, feedback ratings (issue 11)

Revision ID: 61ed18563976
Revises: 468b561adebb
Create Date: 2026-11-30 06:31:32.603560

"""

import sqlalchemy as sa
from alembic import op

import tracker.types

# revision identifiers, used by Alembic.
revision = "61ed18563976"
down_revision = "468b561adebb"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sms_feedback_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("handover_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("received_at", tracker.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["handover_id"], ["handovers.id"], name=op.f("fk_sms_feedback_ratings_handover_id_handovers")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["sms_messages.id"], name=op.f("fk_sms_feedback_ratings_message_id_sms_messages")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_sms_feedback_ratings_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_feedback_ratings")),
        sa.UniqueConstraint("message_id", name=op.f("uq_sms_feedback_ratings_message_id")),
    )
    with op.batch_alter_table("sms_feedback_ratings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sms_feedback_ratings_handover_id"), ["handover_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sms_feedback_ratings_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sms_feedback_ratings_received_at"), ["received_at"], unique=False
        )

    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checklist_at_p7", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("checklist_at_p7_on", sa.Date(), nullable=True))

    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decline_reason", sa.String(length=30), nullable=True))

    with op.batch_alter_table("stages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("exit_reason", sa.String(length=30), nullable=True))


def downgrade():
    with op.batch_alter_table("stages", schema=None) as batch_op:
        batch_op.drop_column("exit_reason")

    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_column("decline_reason")

    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.drop_column("checklist_at_p7_on")
        batch_op.drop_column("checklist_at_p7")

    with op.batch_alter_table("sms_feedback_ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_feedback_ratings_received_at"))
        batch_op.drop_index(batch_op.f("ix_sms_feedback_ratings_person_id"))
        batch_op.drop_index(batch_op.f("ix_sms_feedback_ratings_handover_id"))

    op.drop_table("sms_feedback_ratings")
