"""Log follow-up (logguppföljning): the review queue and its verdicts (DOMAIN §5, HSLF-FS 2016:40 4 kap.)

Revision ID: 0005_log_review
Revises: 0004_access_grants
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_log_review"
down_revision: str | None = "0004_access_grants"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "log_review_item",
        sa.Column("id", _ID, nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("target_key", sa.String(length=40), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("reasons", sa.String(length=100), nullable=False),
        sa.Column("audit_entry_id", sa.BigInteger(), nullable=True),
        sa.Column("emergency_access_id", _ID, nullable=True),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reviewed_by", _ID, nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["emergency_access_id"], ["emergency_access.id"],
                                name=op.f("fk_log_review_item_emergency_access_id_emergency_access")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_log_review_item_person_id_person")),
        sa.ForeignKeyConstraint(["reviewed_by"], ["account.id"],
                                name=op.f("fk_log_review_item_reviewed_by_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_review_item")),
        sa.UniqueConstraint("period", "target_key", name=op.f("uq_log_review_item_period_target")),
    )
    with op.batch_alter_table("log_review_item", schema=None) as batch_op:
        batch_op.create_index("ix_log_review_item_period_occurred", ["period", "occurred_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("log_review_item", schema=None) as batch_op:
        batch_op.drop_index("ix_log_review_item_period_occurred")
    op.drop_table("log_review_item")
