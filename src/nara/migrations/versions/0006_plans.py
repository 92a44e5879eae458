"""Plans: the Patientkontrakt and SIP as versioned documents, their worklist indexes, notifications (DOMAIN §2–3)

Revision ID: 0006_plans
Revises: 0005_log_review
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_plans"
down_revision: str | None = "0005_log_review"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "plan",
        sa.Column("id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("owner_provider_id", _ID, nullable=False),
        sa.Column("owner_unit_id", _ID, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("open_requests", sa.Integer(), nullable=False),
        sa.Column("follow_ups", sa.Integer(), nullable=False),
        sa.Column("single_key", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", _ID, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", _ID, nullable=False),
        sa.CheckConstraint("kind in ('patientkontrakt','sip')", name=op.f("ck_plan_kind")),
        _fk("plan", "created_by", "account"),
        _fk("plan", "owner_provider_id", "care_provider"),
        _fk("plan", "owner_unit_id", "unit"),
        _fk("plan", "person_id", "person"),
        _fk("plan", "updated_by", "account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan")),
        sa.UniqueConstraint("single_key", name=op.f("uq_plan_single_key")),
    )
    op.create_index(op.f("ix_plan_person_id"), "plan", ["person_id"], unique=False)

    op.create_table(
        "plan_version",
        sa.Column("plan_id", _ID, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("author_account_id", _ID, nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("author_staff_id", _ID, nullable=True),
        sa.Column("author_hsa_id", sa.String(length=40), nullable=True),
        sa.Column("author_unit_id", _ID, nullable=True),
        sa.Column("author_provider_id", _ID, nullable=True),
        sa.Column("by_person", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        _fk("plan_version", "author_account_id", "account"),
        _fk("plan_version", "author_provider_id", "care_provider"),
        _fk("plan_version", "author_staff_id", "staff"),
        _fk("plan_version", "author_unit_id", "unit"),
        _fk("plan_version", "plan_id", "plan"),
        sa.PrimaryKeyConstraint("plan_id", "version", name=op.f("pk_plan_version")),
    )

    op.create_table(
        "plan_unit",
        sa.Column("plan_id", _ID, nullable=False),
        sa.Column("unit_id", _ID, nullable=False),
        sa.Column("roles", sa.String(length=80), nullable=False),
        _fk("plan_unit", "plan_id", "plan"),
        _fk("plan_unit", "unit_id", "unit"),
        sa.PrimaryKeyConstraint("plan_id", "unit_id", name=op.f("pk_plan_unit")),
    )
    op.create_index(op.f("ix_plan_unit_unit_id"), "plan_unit", ["unit_id"], unique=False)

    op.create_table(
        "plan_agenda",
        sa.Column("id", _ID, nullable=False),
        sa.Column("plan_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("element_id", sa.String(length=20), nullable=False),
        sa.Column("unit_id", _ID, nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        _fk("plan_agenda", "plan_id", "plan"),
        _fk("plan_agenda", "unit_id", "unit"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_agenda")),
    )
    op.create_index("ix_plan_agenda_plan_due", "plan_agenda", ["plan_id", "due_on"], unique=False)

    op.create_table(
        "notification",
        sa.Column("id", _ID, nullable=False),
        sa.Column("recipient_account_id", _ID, nullable=True),
        sa.Column("recipient_unit_id", _ID, nullable=True),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("plan_id", _ID, nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_by", _ID, nullable=True),
        sa.CheckConstraint("(recipient_account_id is null) <> (recipient_unit_id is null)",
                           name=op.f("ck_notification_one_recipient")),
        _fk("notification", "person_id", "person"),
        _fk("notification", "plan_id", "plan"),
        _fk("notification", "read_by", "account"),
        _fk("notification", "recipient_account_id", "account"),
        _fk("notification", "recipient_unit_id", "unit"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    op.create_index("ix_notification_account_created", "notification", ["recipient_account_id", "created_at"],
                    unique=False)
    op.create_index("ix_notification_unit_created", "notification", ["recipient_unit_id", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_notification_unit_created", table_name="notification")
    op.drop_index("ix_notification_account_created", table_name="notification")
    op.drop_table("notification")
    op.drop_index("ix_plan_agenda_plan_due", table_name="plan_agenda")
    op.drop_table("plan_agenda")
    op.drop_index(op.f("ix_plan_unit_unit_id"), table_name="plan_unit")
    op.drop_table("plan_unit")
    op.drop_table("plan_version")
    op.drop_index(op.f("ix_plan_person_id"), table_name="plan")
    op.drop_table("plan")
