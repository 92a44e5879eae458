"""Discharge: the lag (2017:612) process, its append-only event history, receivers and kvittenser (DOMAIN §4)

Revision ID: 0007_discharge
Revises: 0006_plans
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_discharge"
down_revision: str | None = "0006_plans"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "discharge_process",
        sa.Column("id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("provider_id", _ID, nullable=False),
        sa.Column("ward_unit_id", _ID, nullable=False),
        sa.Column("home_municipality", sa.String(length=4), nullable=False),
        sa.Column("region_code", sa.String(length=8), nullable=False),
        sa.Column("agreement_key", sa.String(length=64), nullable=False),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("admitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("estimated_discharge", sa.Date(), nullable=True),
        sa.Column("first_ready_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ready_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("discharged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("care_contact_staff_id", _ID, nullable=True),
        sa.Column("care_contact_unit_id", _ID, nullable=True),
        sa.Column("care_contact_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sip_plan_id", _ID, nullable=True),
        sa.Column("sip_invited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sip_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("alerted_steps", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", _ID, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _fk("discharge_process", "care_contact_staff_id", "staff"),
        _fk("discharge_process", "care_contact_unit_id", "unit"),
        _fk("discharge_process", "created_by", "account"),
        _fk("discharge_process", "person_id", "person"),
        _fk("discharge_process", "provider_id", "care_provider"),
        _fk("discharge_process", "sip_plan_id", "plan"),
        _fk("discharge_process", "ward_unit_id", "unit"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discharge_process")),
    )
    op.create_index(op.f("ix_discharge_process_person_id"), "discharge_process", ["person_id"], unique=False)
    op.create_index("ix_discharge_process_ward_open", "discharge_process", ["ward_unit_id", "closed_at"],
                    unique=False)
    op.create_index("ix_discharge_process_municipality_ready", "discharge_process",
                    ["home_municipality", "first_ready_at"], unique=False)
    op.create_index("ix_discharge_process_ended_at", "discharge_process", ["ended_at"], unique=False)

    op.create_table(
        "discharge_event",
        sa.Column("process_id", _ID, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("staff_id", _ID, nullable=True),
        sa.Column("staff_hsa_id", sa.String(length=40), nullable=True),
        sa.Column("unit_id", _ID, nullable=True),
        _fk("discharge_event", "account_id", "account"),
        _fk("discharge_event", "process_id", "discharge_process"),
        _fk("discharge_event", "staff_id", "staff"),
        _fk("discharge_event", "unit_id", "unit"),
        sa.PrimaryKeyConstraint("process_id", "seq", name=op.f("pk_discharge_event")),
    )

    op.create_table(
        "discharge_receiver",
        sa.Column("process_id", _ID, nullable=False),
        sa.Column("unit_id", _ID, nullable=False),
        sa.Column("role", sa.String(length=24), nullable=False),
        sa.Column("provider_id", _ID, nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        _fk("discharge_receiver", "process_id", "discharge_process"),
        _fk("discharge_receiver", "provider_id", "care_provider"),
        _fk("discharge_receiver", "unit_id", "unit"),
        sa.PrimaryKeyConstraint("process_id", "unit_id", name=op.f("pk_discharge_receiver")),
    )
    op.create_index(op.f("ix_discharge_receiver_unit_id"), "discharge_receiver", ["unit_id"], unique=False)

    op.create_table(
        "discharge_ack",
        sa.Column("process_id", _ID, nullable=False),
        sa.Column("message_id", sa.String(length=16), nullable=False),
        sa.Column("unit_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", _ID, nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        _fk("discharge_ack", "acknowledged_by", "account"),
        _fk("discharge_ack", "process_id", "discharge_process"),
        _fk("discharge_ack", "unit_id", "unit"),
        sa.PrimaryKeyConstraint("process_id", "message_id", "unit_id", name=op.f("pk_discharge_ack")),
    )
    op.create_index("ix_discharge_ack_unit_pending", "discharge_ack", ["unit_id", "acknowledged_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_discharge_ack_unit_pending", table_name="discharge_ack")
    op.drop_table("discharge_ack")
    op.drop_index(op.f("ix_discharge_receiver_unit_id"), table_name="discharge_receiver")
    op.drop_table("discharge_receiver")
    op.drop_table("discharge_event")
    op.drop_index("ix_discharge_process_ended_at", table_name="discharge_process")
    op.drop_index("ix_discharge_process_municipality_ready", table_name="discharge_process")
    op.drop_index("ix_discharge_process_ward_open", table_name="discharge_process")
    op.drop_index(op.f("ix_discharge_process_person_id"), table_name="discharge_process")
    op.drop_table("discharge_process")
