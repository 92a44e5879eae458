"""Säkra meddelanden (nara.messaging): threads about one person sent to a unit, their posts, and how far each
reader has read.

Revision ID: 0014_messaging
Revises: 0013_notification_process
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_messaging"
down_revision: str | None = "0013_notification_process"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "message_thread",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("person_id", _ID, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("unit_id", _ID, sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("provider_id", _ID, sa.ForeignKey("care_provider.id"), nullable=False),
        sa.Column("from_unit_id", _ID, sa.ForeignKey("unit.id"), nullable=True),
        sa.Column("from_provider_id", _ID, sa.ForeignKey("care_provider.id"), nullable=True),
        sa.Column("source_kind", sa.String(16), nullable=True),
        sa.Column("source_id", _ID, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("awaiting_unit_id", _ID, nullable=True),
        sa.Column("awaiting_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("taken_by_staff_id", _ID, sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("taken_by_name", sa.String(200), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_post_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_message_thread_person_id", "message_thread", ["person_id"])
    op.create_index("ix_message_thread_unit_id", "message_thread", ["unit_id"])
    op.create_index("ix_message_thread_from_unit_id", "message_thread", ["from_unit_id"])
    op.create_index("ix_message_thread_source", "message_thread", ["source_kind", "source_id"])
    op.create_table(
        "message_post",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("thread_id", _ID, sa.ForeignKey("message_thread.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("by_person", sa.Boolean(), nullable=False),
        sa.Column("author_account_id", _ID, nullable=False),
        sa.Column("author_name", sa.String(200), nullable=False),
        sa.Column("author_staff_id", _ID, sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("author_unit_id", _ID, sa.ForeignKey("unit.id"), nullable=True),
        sa.Column("author_provider_id", _ID, sa.ForeignKey("care_provider.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_message_post_thread_id", "message_post", ["thread_id"])
    op.create_table(
        "message_read",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("thread_id", _ID, sa.ForeignKey("message_thread.id"), nullable=False),
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("last_post_id", _ID, nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("thread_id", "account_id", name="uq_message_read_reader"),
    )


def downgrade() -> None:
    op.drop_table("message_read")
    op.drop_index("ix_message_post_thread_id", table_name="message_post")
    op.drop_table("message_post")
    for name in ("ix_message_thread_source", "ix_message_thread_from_unit_id", "ix_message_thread_unit_id",
                 "ix_message_thread_person_id"):
        op.drop_index(name, table_name="message_thread")
    op.drop_table("message_thread")
