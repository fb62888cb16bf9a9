"""one audit entry per request lists the people it showed: audit_entries.person_ids

Revision ID: b3d5f7a9c1e2
Revises: 3b8e61d0c2a7
Create Date: 2026-11-30 09:10:00

A list or board now writes one view entry naming every person it disclosed, instead of one entry per
person. PostgreSQL keeps them in an integer array with a GIN index (`person_ids @> ARRAY[x]`); SQLite
keeps JSON and is asked with json_each. Plain ALTER TABLE on purpose: batch_alter_table would copy
audit_entries on SQLite and drop its append-only triggers. Entries written before keep their person_id.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = 'b3d5f7a9c1e2'
down_revision = '3b8e61d0c2a7'
branch_labels = None
depends_on = None


def upgrade():
    person_ids = postgresql.ARRAY(sa.Integer()).with_variant(sa.JSON(), "sqlite")
    op.add_column('audit_entries', sa.Column('person_ids', person_ids, nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            'ix_audit_entries_person_ids', 'audit_entries', ['person_ids'], postgresql_using='gin'
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_audit_entries_person_ids', table_name='audit_entries')
    op.drop_column('audit_entries', 'person_ids')
