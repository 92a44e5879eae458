"""Log follow-up on suspicion: granskningsärenden and the indexes that make searching the log by user and by unit
fast (DOMAIN §5, HSLF-FS 2016:40 4 kap.)

Revision ID: 0011_review_cases
Revises: 0010_discharge_ready
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_review_cases"
down_revision: str | None = "0010_discharge_ready"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Searching the log pages newest first by seq: per user and per unit an index in that order.
    op.create_index("ix_audit_entry_account_id_seq", "audit_entry", ["account_id", "seq"], unique=False)
    op.create_index("ix_audit_entry_unit_id_seq", "audit_entry", ["unit_id", "seq"], unique=False)
    op.create_table(
        "log_review_case",
        sa.Column("id", _ID, nullable=False),
        sa.Column("opened_by", _ID, nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("search_user", sa.String(length=100), nullable=True),
        sa.Column("search_person", sa.String(length=12), nullable=True),
        sa.Column("search_unit", sa.String(length=100), nullable=True),
        sa.Column("search_from", sa.Date(), nullable=True),
        sa.Column("search_to", sa.Date(), nullable=True),
        sa.Column("person_id", _ID, nullable=True),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("outcome_by", _ID, nullable=True),
        sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["opened_by"], ["account.id"], name=op.f("fk_log_review_case_opened_by_account")),
        sa.ForeignKeyConstraint(["outcome_by"], ["account.id"], name=op.f("fk_log_review_case_outcome_by_account")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_log_review_case_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_review_case")),
    )
    op.create_index(op.f("ix_log_review_case_opened_at"), "log_review_case", ["opened_at"], unique=False)
    op.create_table(
        "log_review_case_entry",
        sa.Column("case_id", _ID, nullable=False),
        sa.Column("audit_entry_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["log_review_case.id"],
                                name=op.f("fk_log_review_case_entry_case_id_log_review_case")),
        sa.PrimaryKeyConstraint("case_id", "audit_entry_id", name=op.f("pk_log_review_case_entry")),
    )


def downgrade() -> None:
    op.drop_table("log_review_case_entry")
    op.drop_index(op.f("ix_log_review_case_opened_at"), table_name="log_review_case")
    op.drop_table("log_review_case")
    op.drop_index("ix_audit_entry_unit_id_seq", table_name="audit_entry")
    op.drop_index("ix_audit_entry_account_id_seq", table_name="audit_entry")
