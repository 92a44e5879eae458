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


def stockholm_times(epoch_days: np.ndarray, minutes: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """timestamp[us, UTC] column from Swedish calendar days and local minutes after midnight (Europe/Stockholm;
    the offset of the day at noon, so times between 03:00 and 24:00 are exact on the days clocks change)."""
    from datetime import date, datetime, time, timedelta
    from zoneinfo import ZoneInfo

    days = np.asarray(epoch_days, dtype=np.int64)
    zone = ZoneInfo("Europe/Stockholm")
    epoch = date(1970, 1, 1)
    uniq, inverse = np.unique(days, return_inverse=True)
    noon = [datetime.combine(epoch + timedelta(days=int(d)), time(12), zone) for d in uniq]
    offset = np.array([int(n.utcoffset().total_seconds()) for n in noon], dtype=np.int64)  # type: ignore[union-attr]
    seconds = days * 86_400 + np.asarray(minutes, dtype=np.int64) * 60 - offset[inverse].reshape(days.shape)
    micros = seconds * 1_000_000
    return pa.array(micros, pa.timestamp("us", tz="UTC"), mask=mask if mask is not None and mask.any() else None)


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
