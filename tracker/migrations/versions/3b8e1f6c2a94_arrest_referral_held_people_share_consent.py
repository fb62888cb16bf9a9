"""Arrest referral: people a treatment team holds, consent to share with probation, requests to take a case

Revision ID: 3b8e1f6c2a94
Revises: a9c3e5b7d2f4
Create Date: 2026-11-30 09:10:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.types

# revision identifiers, used by Alembic.
revision = "3b8e1f6c2a94"
down_revision = "a9c3e5b7d2f4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "share_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("how", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", tracker.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_share_consents_person_id_people")),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["staff.id"], name=op.f("fk_share_consents_recorded_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_consents")),
    )
    with op.batch_alter_table("share_consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_consents_person_id"), ["person_id"], unique=False)

    op.create_table(
        "case_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", tracker.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", tracker.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_case_requests_person_id_people")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_case_requests_team_id_teams")),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["staff.id"], name=op.f("fk_case_requests_requested_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["staff.id"], name=op.f("fk_case_requests_answered_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_requests")),
    )
    with op.batch_alter_table("case_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_requests_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_requests_team_id"), ["team_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_requests_requested_by_id"), ["requested_by_id"], unique=False)

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("holding_team_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_people_holding_team_id"), ["holding_team_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_people_holding_team_id_teams"), "teams", ["holding_team_id"], ["id"]
        )
    for table in ("screenings", "referrals"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("kept_for_team_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_kept_for_team_id_teams"), "teams", ["kept_for_team_id"], ["id"]
            )


def downgrade():
    for table in ("referrals", "screenings"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_kept_for_team_id_teams"), type_="foreignkey")
            batch_op.drop_column("kept_for_team_id")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_people_holding_team_id_teams"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_people_holding_team_id"))
        batch_op.drop_column("holding_team_id")

    with op.batch_alter_table("case_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_requests_requested_by_id"))
        batch_op.drop_index(batch_op.f("ix_case_requests_team_id"))
        batch_op.drop_index(batch_op.f("ix_case_requests_person_id"))
    op.drop_table("case_requests")

    with op.batch_alter_table("share_consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_consents_person_id"))
    op.drop_table("share_consents")
