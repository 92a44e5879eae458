"""Discharge: utskrivningsklar as its own timed event (DOMAIN §4)

Revision ID: 0010_discharge_ready
Revises: 0009_access_rules
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0010_discharge_ready"
down_revision: str | None = "0009_access_rules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
