"""Notices outside the page (nara.outreach): each person's preferences (e-mail address, mobile number, which
events) and the outbox, written in the transaction of the event and delivered later with retries.

Revision ID: 0018_outreach
Revises: 0017_medicines
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_outreach"
down_revision: str | None = "0017_medicines"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "outreach_preference",
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("sms", sa.String(length=16), nullable=True),
        sa.Column("events", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", _ID, nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_outreach_preference_person_id_person")),
        sa.ForeignKeyConstraint(["updated_by"], ["account.id"],
                                name=op.f("fk_outreach_preference_updated_by_account")),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_outreach_preference")),
    )
    op.create_table(
        "outreach_outbox",
        sa.Column("id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_outreach_outbox_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outreach_outbox")),
    )
    op.create_index("ix_outreach_outbox_due", "outreach_outbox", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_outreach_outbox_due", table_name="outreach_outbox")
    op.drop_table("outreach_outbox")
    op.drop_table("outreach_preference")
