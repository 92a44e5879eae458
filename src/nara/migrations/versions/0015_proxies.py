"""Närstående, ombud and vårdnadshavare (DOMAIN.md §5, nara.access.model.proxies): the person's grants to a named
proxy (kinds, end date, revocation), guardianships of children, and the session's choice of whom a resident acts
for.

Revision ID: 0015_proxies
Revises: 0014_messaging
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_proxies"
down_revision: str | None = "0014_messaging"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "proxy_grant",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("person_id", _ID, sa.ForeignKey("person.id", name=op.f("fk_proxy_grant_person_id_person")),
                  nullable=False),
        sa.Column("proxy_person_id", _ID,
                  sa.ForeignKey("person.id", name=op.f("fk_proxy_grant_proxy_person_id_person")), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("scopes", sa.String(64), nullable=False),
        sa.Column("valid_from", _TS, nullable=False),
        sa.Column("valid_to", _TS, nullable=False),
        sa.Column("revoked_at", _TS, nullable=True),
        sa.Column("created_by", _ID, sa.ForeignKey("account.id", name=op.f("fk_proxy_grant_created_by_account")),
                  nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("revoked_by", _ID, sa.ForeignKey("account.id", name=op.f("fk_proxy_grant_revoked_by_account")),
                  nullable=True),
        sa.CheckConstraint("kind in ('narstaende','ombud')", name=op.f("ck_proxy_grant_kind")),
    )
    op.create_index(op.f("ix_proxy_grant_person_id"), "proxy_grant", ["person_id"])
    op.create_index(op.f("ix_proxy_grant_proxy_person_id"), "proxy_grant", ["proxy_person_id"])
    op.create_table(
        "guardianship",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("guardian_person_id", _ID,
                  sa.ForeignKey("person.id", name=op.f("fk_guardianship_guardian_person_id_person")), nullable=False),
        sa.Column("child_person_id", _ID,
                  sa.ForeignKey("person.id", name=op.f("fk_guardianship_child_person_id_person")), nullable=False),
        sa.Column("valid_from", _TS, nullable=False),
        sa.Column("ended_at", _TS, nullable=True),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index(op.f("ix_guardianship_guardian_person_id"), "guardianship", ["guardian_person_id"])
    op.create_index(op.f("ix_guardianship_child_person_id"), "guardianship", ["child_person_id"])
    with op.batch_alter_table("auth_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("acting_for_person_id", _ID, nullable=True))
        batch_op.create_foreign_key(op.f("fk_auth_session_acting_for_person_id_person"), "person",
                                    ["acting_for_person_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("auth_session", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_auth_session_acting_for_person_id_person"), type_="foreignkey")
        batch_op.drop_column("acting_for_person_id")
    op.drop_table("guardianship")
    op.drop_table("proxy_grant")
