"""the audit log is append-only in the database: triggers refuse changes unless a purge is allowed

Revision ID: e8a3c5f7b901
Revises: c4f1a9e2d7b3
Create Date: 2026-11-30 07:20:00.000000

Triggers refuse UPDATE and DELETE of audit entries, and TRUNCATE on PostgreSQL, unless a purge is
allowed for the transaction.
PostgreSQL: a purge sets `SET LOCAL tracker.audit_purge = 'on'` (tracker.audit.allow_purge), which ends
with its transaction. SQLite: a purge inserts a row into audit_purges and deletes it before committing.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e8a3c5f7b901'
down_revision = 'c4f1a9e2d7b3'
branch_labels = None
depends_on = None

REFUSAL = "audit entries are append-only: they are never changed or deleted"

POSTGRES_UP = [
    f"""
    CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF coalesce(current_setting('tracker.audit_purge', true), '') = 'on' THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            IF TG_OP = 'UPDATE' THEN RETURN NEW; END IF;
            RETURN NULL;
        END IF;
        RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    "CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries"
    " FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()",
    "CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries"
    " FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()",
]
POSTGRES_DOWN = [
    "DROP TRIGGER audit_entries_no_truncate ON audit_entries",
    "DROP TRIGGER audit_entries_no_change ON audit_entries",
    "DROP FUNCTION audit_entries_append_only()",
]
SQLITE_UP = [
    f"""
    CREATE TRIGGER audit_entries_no_{action.lower()} BEFORE {action} ON audit_entries
    WHEN NOT EXISTS (SELECT 1 FROM audit_purges)
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END
    """
    for action in ("UPDATE", "DELETE")
]
SQLITE_DOWN = ["DROP TRIGGER audit_entries_no_delete", "DROP TRIGGER audit_entries_no_update"]


def upgrade():
    op.create_table('audit_purges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_purges'))
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRES_UP if postgres else SQLITE_UP:
        op.execute(statement)


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRES_DOWN if postgres else SQLITE_DOWN:
        op.execute(statement)
    op.drop_table('audit_purges')
