"""Access rules: nödåtkomst in steps through a yttre spärr, temporary lifts of an inre spärr (DOMAIN §5)

Revision ID: 0009_access_rules
Revises: 0008_audit_head_guard

emergency_access gains its scope (the person's information, or one of the two steps through a yttre spärr) and the
provider a second step opens; access_block_lift holds the temporary lifts of an inre spärr the person consented to,
for one unit or one user, for at most 7 days.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_access_rules"
down_revision: str | None = "0008_audit_head_guard"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    with op.batch_alter_table("emergency_access", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scope", sa.String(length=16), server_default="person", nullable=False))
        batch_op.add_column(sa.Column("opened_provider_id", _ID, nullable=True))
        batch_op.create_foreign_key(op.f("fk_emergency_access_opened_provider_id_care_provider"), "care_provider",
                                    ["opened_provider_id"], ["id"])
        batch_op.create_check_constraint(op.f("ck_emergency_access_scope"),
                                         "scope in ('person','sparr_providers','sparr_open')")
        batch_op.create_check_constraint(op.f("ck_emergency_access_opened_provider"),
                                         "(scope = 'sparr_open') = (opened_provider_id is not null)")

    op.create_table(
        "access_block_lift",
        sa.Column("id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("block_id", _ID, nullable=False),
        sa.Column("unit_id", _ID, nullable=True),
        sa.Column("account_id", _ID, nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("given_by", sa.String(length=16), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", _ID, nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", _ID, nullable=True),
        sa.CheckConstraint("(unit_id is null) <> (account_id is null)", name=op.f("ck_access_block_lift_one_scope")),
        sa.CheckConstraint("given_by in ('invanare','personal')", name=op.f("ck_access_block_lift_given_by")),
        _fk("access_block_lift", "account_id", "account"),
        _fk("access_block_lift", "block_id", "access_block"),
        _fk("access_block_lift", "person_id", "person"),
        _fk("access_block_lift", "recorded_by", "account"),
        _fk("access_block_lift", "revoked_by", "account"),
        _fk("access_block_lift", "unit_id", "unit"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_block_lift")),
    )
    op.create_index(op.f("ix_access_block_lift_person_id"), "access_block_lift", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_access_block_lift_person_id"), table_name="access_block_lift")
    op.drop_table("access_block_lift")
    with op.batch_alter_table("emergency_access", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_emergency_access_opened_provider"), type_="check")
        batch_op.drop_constraint(op.f("ck_emergency_access_scope"), type_="check")
        batch_op.drop_constraint(op.f("fk_emergency_access_opened_provider_id_care_provider"), type_="foreignkey")
        batch_op.drop_column("opened_provider_id")
        batch_op.drop_column("scope")
