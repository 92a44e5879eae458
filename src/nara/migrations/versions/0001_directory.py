"""Directory: regions, municipalities, care providers, units, staff, persons, listing, SäBo, närstående

Revision ID: 0001_directory
Revises: None
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_directory"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("identifier", sa.String(length=12), nullable=False),
        sa.Column("identifier_kind", sa.String(length=20), nullable=False),
        sa.Column("given_name", sa.String(length=100), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("death_date", sa.Date(), nullable=True),
        sa.Column("kommun_code", sa.String(length=4), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("protected_identity", sa.Boolean(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("identifier", name=op.f("uq_person_identifier")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_kommun_code"), ["kommun_code"], unique=False)

    op.create_table(
        "region",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region")),
        sa.UniqueConstraint("code", name=op.f("uq_region_code")),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("hsa_id", sa.String(length=40), nullable=False),
        sa.Column("given_name", sa.String(length=100), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=False),
        sa.Column("profession", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("hsa_id", name=op.f("uq_staff_hsa_id")),
    )
    op.create_table(
        "municipality",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kommun_code", sa.String(length=4), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("region_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("lansdel", sa.String(length=80), nullable=True),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("share_65_plus", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_municipality_region_id_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipality")),
        sa.UniqueConstraint("kommun_code", name=op.f("uq_municipality_kommun_code")),
    )
    op.create_table(
        "relative",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("related_person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_relative_person_id_person")),
        sa.ForeignKeyConstraint(
            ["related_person_id"], ["person.id"], name=op.f("fk_relative_related_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relative")),
        sa.UniqueConstraint("person_id", "related_person_id", name="person_related"),
    )
    with op.batch_alter_table("relative", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_relative_person_id"), ["person_id"], unique=False)

    op.create_table(
        "care_provider",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("region_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("municipality_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.CheckConstraint("kind in ('region','kommun','privat')", name=op.f("ck_care_provider_kind")),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_care_provider_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_care_provider_region_id_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_provider")),
    )
    op.create_table(
        "unit",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("hsa_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("provider_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kommun_code", sa.String(length=4), nullable=False),
        sa.Column("parent_name", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["care_provider.id"], name=op.f("fk_unit_provider_id_care_provider")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit")),
        sa.UniqueConstraint("hsa_id", name=op.f("uq_unit_hsa_id")),
    )
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_unit_kommun_code"), ["kommun_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_unit_provider_id"), ["provider_id"], unique=False)

    op.create_table(
        "listing",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("fast_lakare_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["fast_lakare_id"], ["staff.id"], name=op.f("fk_listing_fast_lakare_id_staff")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_listing_person_id_person")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_listing_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing")),
    )
    with op.batch_alter_table("listing", schema=None) as batch_op:
        batch_op.create_index("ix_listing_person_current", ["person_id", "valid_to"], unique=False)
        batch_op.create_index(batch_op.f("ix_listing_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "sabo_residence",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_sabo_residence_person_id_person")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_sabo_residence_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sabo_residence")),
    )
    with op.batch_alter_table("sabo_residence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sabo_residence_person_id"), ["person_id"], unique=False)

    op.create_table(
        "staff_assignment",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("staff_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_staff_assignment_staff_id_staff")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_staff_assignment_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_assignment")),
    )
    with op.batch_alter_table("staff_assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_assignment_staff_id"), ["staff_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_assignment_unit_id"), ["unit_id"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("staff_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_assignment_unit_id"))
        batch_op.drop_index(batch_op.f("ix_staff_assignment_staff_id"))

    op.drop_table("staff_assignment")
    with op.batch_alter_table("sabo_residence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sabo_residence_person_id"))

    op.drop_table("sabo_residence")
    with op.batch_alter_table("listing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listing_unit_id"))
        batch_op.drop_index("ix_listing_person_current")

    op.drop_table("listing")
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_provider_id"))
        batch_op.drop_index(batch_op.f("ix_unit_kommun_code"))
        batch_op.drop_index(batch_op.f("ix_unit_kind"))

    op.drop_table("unit")
    op.drop_table("care_provider")
    with op.batch_alter_table("relative", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_relative_person_id"))

    op.drop_table("relative")
    op.drop_table("municipality")
    op.drop_table("staff")
    op.drop_table("region")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_kommun_code"))

    op.drop_table("person")
