"""Audit chain head: protected on SQLite as on PostgreSQL; signed checkpoints anchor it outside the database (DOMAIN §5)

Revision ID: 0008_audit_head_guard
Revises: 0007_discharge

Migration 0003 made audit_entry append-only with triggers on both databases; the one-row audit_head had no
guard on either. Now both refuse to delete the head and to move it anywhere but one entry on:

- PostgreSQL appends in one statement (nara.access.store._PG_APPEND) that moves last_seq by exactly one.
- SQLite appends in two steps in one transaction: last_seq moves on by one with the hash unchanged (the claim),
  then the hash is set to that of the entry just written at last_seq (the seal). SQLite's trigger checks both.

Like 0003's, the triggers guard against mistakes; someone who can drop them is caught by the signed
checkpoints kept outside the database (`nara audit verify`). PostgreSQL's TRUNCATE fires no row trigger:
revoke it (and UPDATE, DELETE) from the application's role in production.
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op

revision: str = "0008_audit_head_guard"
down_revision: str | None = "0007_discharge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSAL = ("audit_head only moves on, one entry at a time: the chain head is never removed or moved back "
           "(HSLF-FS 2016:40, DOMAIN §5)")

PG_FUNCTION = f"""
CREATE FUNCTION audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.id <> OLD.id OR NEW.last_seq <> OLD.last_seq + 1 THEN
        RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$
"""
PG_TRIGGER = """
CREATE TRIGGER audit_head_guard BEFORE UPDATE OR DELETE ON audit_head
FOR EACH ROW EXECUTE FUNCTION audit_head_guard()
"""
SQLITE_TRIGGERS = [
    f"""
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN
    SELECT RAISE(ABORT, '{REFUSAL}');
END
""",
    f"""
CREATE TRIGGER audit_head_moves_on BEFORE UPDATE ON audit_head
WHEN NOT (
    NEW.id = OLD.id AND (
        (NEW.last_seq = OLD.last_seq + 1 AND NEW.last_hash = OLD.last_hash)
        OR (NEW.last_seq = OLD.last_seq AND NEW.last_seq > 0
            AND NEW.last_hash = (SELECT entry_hash FROM audit_entry WHERE seq = NEW.last_seq))
    )
)
BEGIN
    SELECT RAISE(ABORT, '{REFUSAL}');
END
""",  # noqa: S608 - the module's own constant text, no outside input
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
    else:
        for ddl in SQLITE_TRIGGERS:
            op.execute(ddl)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_head_guard ON audit_head")
        op.execute("DROP FUNCTION IF EXISTS audit_head_guard()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_head_no_delete")
        op.execute("DROP TRIGGER IF EXISTS audit_head_moves_on")
