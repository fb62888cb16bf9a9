"""Index the reports' scans: stages by kind and day, referrals made, screenings, appointments after a
release, accommodation done (issue 11: each report under 1 s on national data); and keep each stage
episode's sex and ethnic group as they were when it was recorded (episode_facts), the stages already
recorded taking the person's as they are now (the nearest there is)

Revision ID: 3b8e61d0c2a7
Revises: 5d2c7a9e4b16
Create Date: 2026-11-30 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b8e61d0c2a7'
down_revision = '5d2c7a9e4b16'
branch_labels = None
depends_on = None

ACCOMMODATION_DONE = sa.text("item = 'accommodation' AND status = 'done'")


def upgrade():
    # op.create_index, not batch_alter_table: adding an index needs no table copy on SQLite.
    op.create_index('ix_stages_kind_start_on', 'stages', ['kind', 'start_on'])
    op.create_index('ix_stages_kind_end_on', 'stages', ['kind', 'end_on'])
    op.create_index('ix_referrals_made_at', 'referrals', ['made_at'])
    op.create_index('ix_screenings_screened_at', 'screenings', ['screened_at'])
    op.create_index('ix_appointments_person_id_starts_at', 'appointments', ['person_id', 'starts_at'])
    op.create_table(
        'episode_facts',
        sa.Column('stage_id', sa.Integer(), nullable=False),
        sa.Column('sex', sa.String(length=20), nullable=True),
        sa.Column('ethnic_group', sa.String(length=60), nullable=True),
        sa.ForeignKeyConstraint(['stage_id'], ['stages.id'], name=op.f('fk_episode_facts_stage_id_stages'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('stage_id', name=op.f('pk_episode_facts')),
    )
    op.execute(
        "INSERT INTO episode_facts (stage_id, sex, ethnic_group) "
        "SELECT stages.id, people.sex, people.ethnic_group FROM stages JOIN people ON people.id = stages.person_id"
    )
    op.create_index(
        'ix_handover_items_accommodation_done', 'handover_items', ['handover_id', 'updated_at'],
        postgresql_where=ACCOMMODATION_DONE, sqlite_where=ACCOMMODATION_DONE,
    )


def downgrade():
    op.drop_table('episode_facts')
    op.drop_index('ix_handover_items_accommodation_done', table_name='handover_items')
    op.drop_index('ix_appointments_person_id_starts_at', table_name='appointments')
    op.drop_index('ix_screenings_screened_at', table_name='screenings')
    op.drop_index('ix_referrals_made_at', table_name='referrals')
    op.drop_index('ix_stages_kind_end_on', table_name='stages')
    op.drop_index('ix_stages_kind_start_on', table_name='stages')
