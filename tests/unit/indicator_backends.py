"""Backends for the indicator tests: DuckDB always; Spark when Java is there; PostgreSQL through the test
database of tests/conftest.py. Outside CI a missing one skips with the reason; with CI=true it fails."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import pytest

from nara.indicators.service import IndicatorError, find_java_home, load_postgres, spark_session

IN_CI = bool(os.environ.get("CI"))


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def backend_kwargs(request: pytest.FixtureRequest, backend: str, data: Path) -> dict[str, Any]:
    """compute() keyword arguments that run on ``backend`` over the Parquet files in ``data``."""
    if backend == "duckdb":
        return {"backend": "duckdb"}
    if backend == "pyspark":
        try:
            find_java_home()
        except IndicatorError as exc:
            _unavailable(str(exc))
        spark_session()  # one local session for the whole test run
        return {"backend": "pyspark"}
    url = request.getfixturevalue("pg_url").replace("postgresql+psycopg://", "postgresql://")
    schema = f"ind_{uuid.uuid4().hex[:8]}"
    load_postgres(data, url, schema)
    return {"backend": "postgres", "postgres_url": url, "postgres_schema": schema}
