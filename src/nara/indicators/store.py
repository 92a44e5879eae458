"""Where the indicator definitions run: DuckDB (embedded, default), Apache Spark (PySpark) or PostgreSQL.

The input is the Parquet directory of docs/data-format.md. DuckDB and Spark read the files where they lie;
PostgreSQL gets them loaded into tables first (``load_postgres``), the way a region's BI team would hold them.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from glob import glob
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from nara.indicators.model import IndicatorError
from nara.indicators.model.definitions import Tables
from nara.synth.service import ENGINE_REQUIRED

BACKENDS = ("duckdb", "pyspark", "postgres")
REQUIRED = ENGINE_REQUIRED  # the input files every computation needs (docs/data-format.md)
OPTIONAL = ("contact_requests", "discharge_processes")


def _check_dir(data_dir: Path) -> dict[str, Path]:
    data_dir = Path(data_dir)
    files = {stem: data_dir / f"{stem}.parquet" for stem in (*REQUIRED, *OPTIONAL)}
    missing = [f"{s}.parquet" for s in REQUIRED if not files[s].is_file()]
    if missing:
        raise IndicatorError(f"filer saknas i {data_dir}: {', '.join(missing)}")
    return {s: p for s, p in files.items() if p.is_file()}


# --- Spark ---------------------------------------------------------------------------------------------------


def find_java_home() -> str:
    """A Java home for PySpark 4.0 (Java 17 or 21): $JAVA_HOME when it holds bin/java, else Debian's
    OpenJDK 17/21 under /usr/lib/jvm, else the `java` on PATH."""
    current = os.environ.get("JAVA_HOME")
    if current and Path(current, "bin", "java").exists():
        return current
    for pattern in ("/usr/lib/jvm/java-17-openjdk*", "/usr/lib/jvm/java-21-openjdk*"):
        for home in sorted(glob(pattern)):
            if Path(home, "bin", "java").exists():
                return home
    java = shutil.which("java")
    if java:
        return str(Path(os.path.realpath(java)).parent.parent)
    raise IndicatorError("Java saknas: Spark behöver Java 17 (Debian: apt-get install -y openjdk-17-jre-headless).")


_SPARK: Any = None


def spark_session(cores: int = 2) -> Any:
    """One local Spark session per process (start-up takes seconds; reuse it). Driver memory: 2 GiB, or
    $NARA_SPARK_DRIVER_MEMORY (e.g. "8g" for a whole country)."""
    global _SPARK
    if _SPARK is not None:
        return _SPARK
    os.environ["JAVA_HOME"] = find_java_home()
    from pyspark.sql import SparkSession

    _SPARK = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("nara-indicators")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(max(2, cores * 2)))
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.driver.memory", os.environ.get("NARA_SPARK_DRIVER_MEMORY", "2g"))
        .config("spark.sql.warehouse.dir", str(Path(tempfile.gettempdir()) / "nara-spark-warehouse"))
        .getOrCreate()
    )
    _SPARK.sparkContext.setLogLevel("ERROR")
    return _SPARK


# --- PostgreSQL ----------------------------------------------------------------------------------------------

_PG_TYPES = {
    pa.int64(): "bigint",
    pa.string(): "text",
    pa.large_string(): "text",
    pa.date32(): "date",
    pa.bool_(): "boolean",
    pa.float64(): "double precision",
}


def _pg_type(t: pa.DataType) -> str:
    if pa.types.is_list(t):
        return _pg_type(t.value_type) + "[]"
    if pa.types.is_timestamp(t):
        return "timestamptz" if t.tz else "timestamp"
    if t not in _PG_TYPES:
        raise IndicatorError(f"kolumntypen {t} stöds inte vid laddning till PostgreSQL")
    return _PG_TYPES[t]


def _pg_array(items: list[str] | None) -> str | None:
    if items is None:
        return None
    return "{" + ",".join('"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"' for s in items) + "}"


def load_postgres(data_dir: Path, url: str, schema: str, *, on_progress: Any = None) -> dict[str, int]:
    """Load the Parquet files into tables of ``schema`` (dropped and re-created) with COPY; returns row counts."""
    import psycopg

    files = _check_dir(data_dir)
    counts: dict[str, int] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')
        for i, (stem, path) in enumerate(files.items()):
            pf = pq.ParquetFile(path)
            fields = list(pf.schema_arrow)
            cols = ", ".join(f'"{f.name}" {_pg_type(f.type)}' for f in fields)
            conn.execute(f'CREATE TABLE "{schema}"."{stem}" ({cols})')
            n = 0
            names = ", ".join(f'"{f.name}"' for f in fields)
            with conn.cursor().copy(f'COPY "{schema}"."{stem}" ({names}) FROM STDIN (FORMAT csv)') as copy:
                for batch in pf.iter_batches(batch_size=200_000):
                    buf = io.StringIO()
                    writer = csv.writer(buf)
                    columns = []
                    for f, col in zip(fields, batch.columns, strict=True):
                        values = col.to_pylist()
                        if pa.types.is_list(f.type):
                            values = [_pg_array(v) for v in values]
                        columns.append(values)
                    writer.writerows(zip(*columns, strict=True))
                    copy.write(buf.getvalue())
                    n += batch.num_rows
            if "person_id" in pf.schema_arrow.names:
                conn.execute(f'CREATE INDEX ON "{schema}"."{stem}" (person_id)')
            conn.execute(f'ANALYZE "{schema}"."{stem}"')
            counts[stem] = n
            if on_progress:
                on_progress(i + 1, len(files))
    return counts


# --- Opening a backend ---------------------------------------------------------------------------------------


@dataclass
class Source:
    backend: str
    con: Any
    tables: Tables


def _tables(get: Any, present: set[str]) -> Tables:
    return Tables(
        **{s: get(s) for s in REQUIRED},
        **{s: (get(s) if s in present else None) for s in OPTIONAL},
    )


@contextmanager
def open_source(
    data_dir: Path,
    backend: str = "duckdb",
    *,
    postgres_url: str | None = None,
    postgres_schema: str = "nara_indicators",
    threads: int | None = None,
) -> Iterator[Source]:
    """Register the input tables on ``backend``. For PostgreSQL the tables must already be loaded into
    ``postgres_schema`` (load_postgres); ``data_dir`` is then only used for labels."""
    import ibis

    if backend not in BACKENDS:
        raise IndicatorError(f"okänd motor: {backend} (välj bland {', '.join(BACKENDS)})")
    if backend == "postgres":
        if not postgres_url:
            raise IndicatorError("ange en PostgreSQL-adress (postgresql://användare@värd:port/databas)")
        con = ibis.connect(postgres_url.replace("postgresql+psycopg://", "postgresql://"))
        present = set(con.list_tables(database=postgres_schema))
        missing = [s for s in REQUIRED if s not in present]
        if missing:
            raise IndicatorError(f"tabeller saknas i schemat {postgres_schema}: {', '.join(missing)}")
        try:
            yield Source(backend, con, _tables(lambda s: con.table(s, database=postgres_schema), present))
        finally:
            con.disconnect()
        return

    files = _check_dir(data_dir)
    if backend == "duckdb":
        con = ibis.duckdb.connect(**({"threads": threads} if threads else {}))
        prefix = ""
    else:
        con = ibis.pyspark.connect(spark_session())
        prefix = "nara_"
    tables = {s: con.read_parquet(str(p), table_name=f"{prefix}{s}") for s, p in files.items()}
    try:
        yield Source(backend, con, _tables(tables.__getitem__, set(tables)))
    finally:
        if backend == "duckdb":
            con.disconnect()
