"""Measurements the person reports (and staff record), with target ranges set by the team (nara.measurements).

Revision ID: 0016_measurements
Revises: 0015_proxies
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_measurements"
down_revision: str | None = "0015_proxies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "measurement_target",
        sa.Column("id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("low", sa.Float(), nullable=False),
        sa.Column("high", sa.Float(), nullable=False),
        sa.Column("second_low", sa.Float(), nullable=True),
        sa.Column("second_high", sa.Float(), nullable=True),
        sa.Column("owner_provider_id", _ID, nullable=False),
        sa.Column("owner_unit_id", _ID, nullable=False),
        sa.Column("set_by_account_id", _ID, nullable=False),
        sa.Column("set_by_name", sa.String(200), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        _fk("measurement_target", "person_id", "person"),
        _fk("measurement_target", "owner_provider_id", "care_provider"),
        _fk("measurement_target", "owner_unit_id", "unit"),
        _fk("measurement_target", "set_by_account_id", "account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measurement_target")),
    )
    op.create_index(op.f("ix_measurement_target_person_kind"), "measurement_target", ["person_id", "kind"])
    op.create_table(
        "measurement",
        sa.Column("id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("second_value", sa.Float(), nullable=True),
        sa.Column("measured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_person", sa.Boolean(), nullable=False),
        sa.Column("reported_by_account_id", _ID, nullable=False),
        sa.Column("reported_by_name", sa.String(200), nullable=False),
        sa.Column("owner_provider_id", _ID, nullable=False),
        sa.Column("owner_unit_id", _ID, nullable=False),
        sa.Column("target_id", _ID, nullable=True),
        sa.Column("outside_target", sa.Boolean(), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_by_account_id", _ID, nullable=True),
        _fk("measurement", "person_id", "person"),
        _fk("measurement", "reported_by_account_id", "account"),
        _fk("measurement", "owner_provider_id", "care_provider"),
        _fk("measurement", "owner_unit_id", "unit"),
        _fk("measurement", "target_id", "measurement_target"),
        _fk("measurement", "handled_by_account_id", "account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measurement")),
    )
    op.create_index(op.f("ix_measurement_person_kind"), "measurement", ["person_id", "kind", "measured_at"])
    op.create_index(op.f("ix_measurement_open"), "measurement", ["target_id", "outside_target", "handled_at"])


def downgrade() -> None:
    op.drop_index("ix_measurement_open", table_name="measurement")
    op.drop_index("ix_measurement_person_kind", table_name="measurement")
    op.drop_table("measurement")
    op.drop_index("ix_measurement_target_person_kind", table_name="measurement_target")
    op.drop_table("measurement_target")
