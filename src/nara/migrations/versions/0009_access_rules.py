"""Access rules: who holds a care relationship, inre spärr per unit with temporary lifts, nödåtkomst steps (DOMAIN §5)

Revision ID: 0009_access_rules
Revises: 0008_audit_head_guard
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0009_access_rules"
down_revision: str | None = "0008_audit_head_guard"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
