"""Small helpers to build pyarrow columns from numpy arrays without per-row Python objects."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def pick(labels: Sequence[str], index: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """String column: labels[index] (null where mask is true)."""
    out = pa.array(list(labels), pa.string()).take(pa.array(np.asarray(index, dtype=np.int64)))
    if mask is not None and mask.any():
        out = pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), out)
    return out


def dates(epoch_days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """date32 column from days since 1970-01-01 (null where mask is true)."""
    values = np.asarray(epoch_days, dtype=np.int32)
    if mask is None or not mask.any():
        return pa.array(values.astype("datetime64[D]"), pa.date32())
    return pa.array(values.astype("datetime64[D]"), pa.date32(), mask=mask)


def ints(values: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    values = np.asarray(values, dtype=np.int64)
    if mask is None or not mask.any():
        return pa.array(values, pa.int64())
    return pa.array(values, pa.int64(), mask=mask)


def string_lists(
    labels: Sequence[str],
    row: np.ndarray,
    index: np.ndarray,
    n_rows: int,
    null_rows: np.ndarray | None = None,
) -> pa.Array:
    """list<string> column: for each row r, labels[index[i]] for the i with row[i] == r, in the given order.
    ``row`` must be sorted ascending."""
    counts = np.bincount(row, minlength=n_rows) if len(row) else np.zeros(n_rows, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    values = pa.array(list(labels), pa.string()).take(pa.array(np.asarray(index, dtype=np.int64)))
    mask = None
    if null_rows is not None and null_rows.any():
        mask = pa.array(null_rows)
    return pa.ListArray.from_arrays(pa.array(offsets), values, mask=mask)
