"""Läkemedel: the medication list, its changes (läkemedelsberättelse) and läkemedelsgenomgångar; the
egenvårdsbedömning, lag (2022:1250) (nara.medicines).

Revision ID: 0017_medicines
Revises: 0016_measurements
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_medicines"
down_revision: str | None = "0016_measurements"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_AT = sa.DateTime(timezone=True)


def _owner() -> list[sa.Column]:
    return [sa.Column("unit_id", _ID, sa.ForeignKey("unit.id"), nullable=False),
            sa.Column("provider_id", _ID, sa.ForeignKey("care_provider.id"), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "medication",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("person_id", _ID, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("substance", sa.String(200), nullable=False),
        sa.Column("atc_code", sa.String(7), nullable=False),
        sa.Column("strength", sa.String(100), nullable=False),
        sa.Column("dose", sa.String(200), nullable=False),
        sa.Column("prescriber_staff_id", _ID, sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("prescriber_name", sa.String(200), nullable=False),
        *_owner(),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
    )
    op.create_index("ix_medication_person", "medication", ["person_id"])
    op.create_table(
        "medication_change",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("person_id", _ID, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("medication_id", _ID, sa.ForeignKey("medication.id"), nullable=False),
        sa.Column("process_id", _ID, nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("staff_id", _ID, sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("staff_name", sa.String(200), nullable=False),
        *_owner(),
        sa.Column("recorded_at", _AT, nullable=False),
    )
    op.create_index("ix_medication_change_person", "medication_change", ["person_id"])
    op.create_index("ix_medication_change_process", "medication_change", ["process_id"])
    op.create_table(
        "medication_review",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("person_id", _ID, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("staff_id", _ID, sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("staff_name", sa.String(200), nullable=False),
        *_owner(),
        sa.Column("recorded_at", _AT, nullable=False),
    )
    op.create_index("ix_medication_review_person", "medication_review", ["person_id"])
    op.create_table(
        "self_care_assessment",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("person_id", _ID, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("measure", sa.String(200), nullable=False),
        sa.Column("what_is_done", sa.Text(), nullable=False),
        sa.Column("performer", sa.String(16), nullable=False),
        sa.Column("responsible_if_not_working", sa.Text(), nullable=False),
        sa.Column("follow_up_on", sa.Date(), nullable=False),
        sa.Column("staff_id", _ID, sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("staff_name", sa.String(200), nullable=False),
        sa.Column("profession", sa.String(32), nullable=False),
        *_owner(),
        sa.Column("assessed_at", _AT, nullable=False),
    )
    op.create_index("ix_self_care_assessment_person", "self_care_assessment", ["person_id"])


def downgrade() -> None:
    op.drop_table("self_care_assessment")
    op.drop_table("medication_review")
    op.drop_table("medication_change")
    op.drop_table("medication")
