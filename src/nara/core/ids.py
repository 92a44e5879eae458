"""Ids: every table's primary key is a positive 64-bit integer, and every id taken from a request is parsed
and bounded here, once."""

from __future__ import annotations

ID_MAX = 2**63 - 1
"""The largest primary key either database can hold (BIGINT / SQLite INTEGER): bounds every id from a request."""


def parse_id(raw: str | None) -> int | None:
    """A form or query value as an id: ASCII digits only, 1..ID_MAX; anything else is None."""
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        return None
    value = int(raw)
    return value if 0 < value <= ID_MAX else None
