"""Access grants: care relationships, consents, spärrar, nödåtkomst, "cannot consent" assessments (DOMAIN §5)

Revision ID: 0004_access_grants
Revises: 0003_audit_log
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_access_grants"
down_revision: str | None = "0003_audit_log"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "care_relationship",
        sa.Column("id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("unit_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source_ref", sa.String(length=64), nullable=True),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", _ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_by", _ID, nullable=True),
        sa.CheckConstraint("kind in ('admission','care_team','sip','assignment')",
                           name=op.f("ck_care_relationship_kind")),
        _fk("care_relationship", "created_by", "account"),
        _fk("care_relationship", "ended_by", "account"),
        _fk("care_relationship", "person_id", "person"),
        _fk("care_relationship", "unit_id", "unit"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_relationship")),
    )
    with op.batch_alter_table("care_relationship", schema=None) as batch_op:
        batch_op.create_index("ix_care_relationship_person_unit", ["person_id", "unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_care_relationship_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "consent",
        sa.Column("id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("care_provider_id", _ID, nullable=False),
        sa.Column("plan_ref", sa.String(length=64), nullable=True),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("given_by", sa.String(length=16), nullable=False),
        sa.Column("recorded_by", _ID, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", _ID, nullable=True),
        sa.CheckConstraint("given_by in ('invanare','personal')", name=op.f("ck_consent_given_by")),
        _fk("consent", "care_provider_id", "care_provider"),
        _fk("consent", "person_id", "person"),
        _fk("consent", "recorded_by", "account"),
        _fk("consent", "revoked_by", "account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.create_index("ix_consent_person_provider", ["person_id", "care_provider_id"], unique=False)

    op.create_table(
        "access_block",
        sa.Column("id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=True),
        sa.Column("plan_ref", sa.String(length=64), nullable=True),
        sa.Column("unit_id", _ID, nullable=True),
        sa.Column("provider_id", _ID, nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", _ID, nullable=False),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lifted_by", _ID, nullable=True),
        sa.CheckConstraint("kind = 'yttre' or unit_id is not null", name=op.f("ck_access_block_inre_has_unit")),
        sa.CheckConstraint("kind in ('inre','yttre')", name=op.f("ck_access_block_kind")),
        sa.CheckConstraint("(category is null) <> (plan_ref is null)", name=op.f("ck_access_block_one_target")),
        _fk("access_block", "lifted_by", "account"),
        _fk("access_block", "person_id", "person"),
        _fk("access_block", "provider_id", "care_provider"),
        _fk("access_block", "set_by", "account"),
        _fk("access_block", "unit_id", "unit"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_block")),
    )
    with op.batch_alter_table("access_block", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_block_person_id"), ["person_id"], unique=False)

    op.create_table(
        "emergency_access",
        sa.Column("id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("staff_id", _ID, nullable=False),
        sa.Column("unit_id", _ID, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed", sa.Boolean(), nullable=False),
        sa.Column("reviewed_by", _ID, nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        _fk("emergency_access", "account_id", "account"),
        _fk("emergency_access", "person_id", "person"),
        _fk("emergency_access", "reviewed_by", "account"),
        _fk("emergency_access", "staff_id", "staff"),
        _fk("emergency_access", "unit_id", "unit"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_access")),
    )
    with op.batch_alter_table("emergency_access", schema=None) as batch_op:
        batch_op.create_index("ix_emergency_access_person_account", ["person_id", "account_id"], unique=False)
        batch_op.create_index("ix_emergency_access_reviewed_started", ["reviewed", "started_at"], unique=False)

    op.create_table(
        "cannot_consent_assessment",
        sa.Column("id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("care_provider_id", _ID, nullable=False),
        sa.Column("assessed_by", _ID, nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", _ID, nullable=True),
        _fk("cannot_consent_assessment", "assessed_by", "account"),
        _fk("cannot_consent_assessment", "care_provider_id", "care_provider"),
        _fk("cannot_consent_assessment", "person_id", "person"),
        _fk("cannot_consent_assessment", "withdrawn_by", "account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cannot_consent_assessment")),
    )
    with op.batch_alter_table("cannot_consent_assessment", schema=None) as batch_op:
        batch_op.create_index("ix_cannot_consent_assessment_person_provider", ["person_id", "care_provider_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cannot_consent_assessment", schema=None) as batch_op:
        batch_op.drop_index("ix_cannot_consent_assessment_person_provider")
    op.drop_table("cannot_consent_assessment")
    with op.batch_alter_table("emergency_access", schema=None) as batch_op:
        batch_op.drop_index("ix_emergency_access_reviewed_started")
        batch_op.drop_index("ix_emergency_access_person_account")
    op.drop_table("emergency_access")
    with op.batch_alter_table("access_block", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_block_person_id"))
    op.drop_table("access_block")
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_index("ix_consent_person_provider")
    op.drop_table("consent")
    with op.batch_alter_table("care_relationship", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_relationship_unit_id"))
        batch_op.drop_index("ix_care_relationship_person_unit")
    op.drop_table("care_relationship")
