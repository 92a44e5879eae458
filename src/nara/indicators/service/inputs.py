"""Inputs checked before computing: every input file against the dataset format (nara.synth.service).

A missing file or column, a column of the wrong type, a null where the format forbids one, a value outside a
documented code list or a duplicate identifier stops the computation with one Swedish message per problem, naming
the file, the column and the first bad rows. Cheap by design: columns and types come from the Parquet metadata,
nulls from the row groups' statistics where they are written; only code columns and identifiers are read, as
whole columns (dictionary-encoded where possible), and the bad rows are located only when something is wrong.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from nara.core.i18n import t
from nara.indicators.model import IndicatorError
from nara.synth.service import BY_STEM, ENGINE_OPTIONAL, ENGINE_REQUIRED, FORMAT_VERSION, Column, FileFormat

FIRST_ROWS = 5  # how many bad rows a message names


class InputFormatError(IndicatorError):
    """The input does not follow the dataset format; ``problems`` holds one Swedish sentence per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join([t("indicators.input.heading", version=FORMAT_VERSION), *problems]))


def check_input(data_dir: Path | str) -> dict[str, Path]:
    """Check the engine's input files in ``data_dir``; return the files present (stem → path).
    Raises InputFormatError listing every problem found."""
    data_dir = Path(data_dir)
    problems: list[str] = []
    present: dict[str, Path] = {}
    for stem in (*ENGINE_REQUIRED, *ENGINE_OPTIONAL):
        path = data_dir / f"{stem}.parquet"
        if not path.is_file():
            if stem in ENGINE_REQUIRED:
                problems.append(t("indicators.input.missing_file", file=path.name, dir=str(data_dir)))
            continue
        present[stem] = path
        problems += _check_file(BY_STEM[stem], path)
    if problems:
        raise InputFormatError(problems)
    return present


# --- one file ----------------------------------------------------------------------------------------------------


def _check_file(fmt: FileFormat, path: Path) -> list[str]:
    try:
        pf = _File(path)
    except (OSError, pa.ArrowInvalid):
        return [t("indicators.input.unreadable", file=path.name)]
    schema = pf.schema_arrow
    problems: list[str] = []
    usable: list[Column] = []
    for col in fmt.columns:
        if col.name not in schema.names:
            problems.append(t("indicators.input.missing_column", file=path.name, column=col.name))
        elif not _same_type(schema.field(col.name).type, col.type):
            problems.append(t("indicators.input.wrong_type", file=path.name, column=col.name,
                              found=_type_name(schema.field(col.name).type), expected=_type_name(col.type)))
        else:
            usable.append(col)
    key = next((c.name for c in fmt.columns if c.key and c in usable), None)
    pf.prefetch([c.name for c in usable if c.key or c.codes is not None])
    for col in usable:
        if not col.nullable and _null_count(pf, col.name) > 0:
            values = _read(pf, col.name)
            rows = _first(pc.is_null(values))
            problems.append(t("indicators.input.null", file=path.name, column=col.name,
                              rows=_describe(pf, rows, key, None)))
        if col.codes is not None:
            problems += _check_codes(pf, path.name, col, key)
        if col.key:
            values = _read(pf, col.name)
            if not _unique(values):
                problems.append(t("indicators.input.duplicate_id", file=path.name, column=col.name,
                                  rows=_describe(pf, _duplicate_rows(values), None, values)))
    return problems


def _check_codes(pf: _File, file: str, col: Column, key: str | None) -> list[str]:
    assert col.codes is not None
    values = _read(pf, col.name)
    allowed = pa.array(col.codes, pa.string())
    if pa.types.is_list(values.type) or pa.types.is_large_list(values.type):
        flat = pc.list_flatten(values)
        if len(flat) == 0 or pc.all(pc.is_in(flat, value_set=allowed)).as_py() is not False:
            return []
        parents = pc.list_parent_indices(values)
        bad = pc.invert(pc.is_in(flat, value_set=allowed))
        bad_rows = sorted({int(parents[i].as_py()) for i in _first(bad)})
    else:
        if isinstance(values.type, pa.DictionaryType):
            distinct = pa.concat_arrays([c.dictionary for c in values.chunks]) if values.num_chunks else allowed
        else:
            distinct = pc.unique(values)
        if pc.all(pc.is_in(distinct, value_set=allowed, skip_nulls=True)).as_py() is not False:
            return []
        plain = values.cast(pa.string()) if isinstance(values.type, pa.DictionaryType) else values
        bad = pc.and_(pc.is_valid(plain), pc.invert(pc.is_in(plain, value_set=allowed)))
        bad_rows = _first(bad)
    return [t("indicators.input.unknown_code", file=file, column=col.name,
              rows=_describe(pf, bad_rows, key, _read(pf, col.name)), allowed=", ".join(col.codes))]


# --- helpers -----------------------------------------------------------------------------------------------------


def _same_type(found: pa.DataType, expected: pa.DataType) -> bool:
    """The documented type, allowing what other writers produce for the same values: large strings and lists,
    dictionary-encoded strings, and timestamps of any precision in UTC."""
    if isinstance(found, pa.DictionaryType):
        found = found.value_type
    if pa.types.is_timestamp(expected):
        return pa.types.is_timestamp(found) and found.tz in ("UTC", "utc", "+00:00", "Etc/UTC", "Z")
    if pa.types.is_string(expected):
        return pa.types.is_string(found) or pa.types.is_large_string(found)
    if pa.types.is_list(expected):
        return (pa.types.is_list(found) or pa.types.is_large_list(found)) and _same_type(
            found.value_type, expected.value_type
        )
    return found == expected


def _type_name(tp: pa.DataType) -> str:
    if isinstance(tp, pa.DictionaryType):
        tp = tp.value_type
    if pa.types.is_list(tp) or pa.types.is_large_list(tp):
        return t("indicators.input.type.list", inner=_type_name(tp.value_type))
    for test, key in ((pa.types.is_int64, "int64"), (pa.types.is_integer, "integer"), (pa.types.is_boolean, "bool"),
                      (pa.types.is_date32, "date"), (pa.types.is_date, "date_other"),
                      (pa.types.is_timestamp, "timestamp"), (pa.types.is_floating, "float"),
                      (pa.types.is_string, "string"), (pa.types.is_large_string, "string")):
        if test(tp):
            return t(f"indicators.input.type.{key}", arrow=str(tp))
    return str(tp)


def _null_count(pf: _File, name: str) -> int:
    """Nulls in a column from the row groups' statistics; the column is read where a writer left them out."""
    md = pf.metadata
    total = 0
    for rg in range(md.num_row_groups):
        col = _leaf(md.row_group(rg), name)
        stats = col.statistics if col is not None else None
        if stats is None or not stats.has_null_count:
            return int(_read(pf, name).null_count)
        total += stats.null_count
    return total


def _leaf(rg: pq.RowGroupMetaData, name: str) -> pq.ColumnChunkMetaData | None:
    for i in range(rg.num_columns):
        col = rg.column(i)
        if col.path_in_schema == name:
            return col
    return None


class _File(pq.ParquetFile):
    """A Parquet file that remembers its path (columns are re-opened with their own read options)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.path = path
        self.cache: dict[str, pa.ChunkedArray] = {}

    def prefetch(self, names: list[str]) -> None:
        """Read these columns in one pass (decoded in parallel)."""
        names = [n for n in names if n not in self.cache]
        if names:
            strings = [n for n in names if pa.types.is_string(self.schema_arrow.field(n).type)]
            table = pq.ParquetFile(self.path, read_dictionary=strings or None).read(columns=names)
            self.cache.update({n: table.column(n) for n in names})


def _read(pf: _File, name: str) -> pa.ChunkedArray:
    """One whole column; strings stay dictionary-encoded where the file holds them so (a code list is read
    through its few distinct values)."""
    pf.prefetch([name])
    return pf.cache[name]


def _unique(values: pa.ChunkedArray) -> bool:
    """No value twice. Identifiers are usually written in ascending order: one comparison pass decides; otherwise
    a sort (NumPy; pyarrow's distinct count hashes and is many times slower)."""
    import numpy as np

    arr = values.combine_chunks().to_numpy(zero_copy_only=False)
    if len(arr) < 2 or bool(np.all(arr[1:] > arr[:-1])):
        return True
    arr = np.sort(arr)
    return not bool(np.any(arr[1:] == arr[:-1]))


def _first(mask: pa.ChunkedArray | pa.Array) -> list[int]:
    """The first FIRST_ROWS indices where ``mask`` is true (0-based)."""
    idx = pc.indices_nonzero(mask.combine_chunks() if isinstance(mask, pa.ChunkedArray) else mask)
    return [int(i) for i in idx.slice(0, FIRST_ROWS).to_pylist()]


def _duplicate_rows(values: pa.ChunkedArray) -> list[int]:
    counts = pc.value_counts(values.combine_chunks())
    dup = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
    return _first(pc.is_in(values, value_set=dup))


def _describe(pf: _File, rows: list[int], key: str | None, values: pa.ChunkedArray | None) -> str:
    """'rad 3 (admission_id 17): "brev"; …' — rows counted from 1 as in a spreadsheet."""
    keys = _read(pf, key) if key else None
    parts = []
    for r in rows:
        text = t("indicators.input.row", row=r + 1)
        if keys is not None:
            text += f" ({key} {keys[r].as_py()})"
        if values is not None:
            v = values[r]
            v = v.as_py()
            text += f": {v!r}" if not isinstance(v, list) else f": {', '.join(map(repr, v))}"
        parts.append(text)
    return "; ".join(parts)
