"""Shared fixtures. Storage tests take ``database``, which runs each test on SQLite and on PostgreSQL.

PostgreSQL: the server on 127.0.0.1:5432 (user postgres, trust auth). The run creates its own database
and drops it at the end. Outside CI a missing server skips the PostgreSQL half with a clear reason; in CI
(CI=true) it fails, so nothing is silently left out.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from nara.core import migrate
from nara.core.clock import FixedClock
from nara.core.db import Database
from nara.parts import load_catalogue
from nara.tables import metadata

load_catalogue()  # every part's texts and templates, as the application and the command line register them

PG_ADMIN_URL = os.environ.get("NARA_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
IN_CI = bool(os.environ.get("CI"))


def _pg_available() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # the reason is shown in the skip message
        return f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {exc.__class__.__name__}"


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, dropped afterwards."""
    problem = _pg_available()
    if problem:
        if IN_CI:
            pytest.fail(problem)
        pytest.skip(problem)
    name = f"nara_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'nara.db'}"


@pytest.fixture(scope="session")
def _migrated(request: pytest.FixtureRequest) -> dict[str, Database]:
    return {}


def _schema_database(request: pytest.FixtureRequest, backend: str, cache: dict[str, Database]) -> Database:
    """One migrated database per backend per run; tests get it emptied."""
    if backend not in cache:
        url = request.getfixturevalue("pg_url" if backend == "postgresql" else "sqlite_url")
        migrate.upgrade(url, "heads")  # "heads": the parts of one issue may add branches the lead links later
        cache[backend] = Database(url)
    return cache[backend]


def empty_all_tables(db: Database) -> None:
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            # DELETE with the triggers off (replica role: the audit log's append-only triggers and the foreign
            # keys' checks do not fire) and the used sequences restarted: for a test's few rows this takes some
            # 40 ms where TRUNCATE of every table took 0.4–0.9 s (it rewrites each table's files).
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            for table in reversed(metadata.sorted_tables):
                conn.exec_driver_sql(f'DELETE FROM "{table.name}"')
            used = conn.exec_driver_sql("SELECT schemaname, sequencename FROM pg_sequences "
                                        "WHERE schemaname = current_schema() AND last_value IS NOT NULL").all()
            for schema, sequence in used:
                conn.exec_driver_sql(f'ALTER SEQUENCE "{schema}"."{sequence}" RESTART')
        else:
            # The audit log's triggers refuse DELETE (append-only, DOMAIN §5): a test database is emptied as a
            # DBA would, triggers lifted and put back atomically on this one connection. (PostgreSQL's TRUNCATE
            # fires no row triggers.)
            conn.exec_driver_sql("BEGIN")  # pysqlite would otherwise run the DDL outside the transaction
            triggers = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
            for name, _sql in triggers:
                conn.execute(text(f'DROP TRIGGER "{name}"'))
            try:
                for table in reversed(metadata.sorted_tables):
                    conn.execute(table.delete())
            finally:
                for _name, sql in triggers:
                    conn.execute(text(sql))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, _migrated: dict[str, Database]) -> Iterator[Database]:
    """A migrated, empty database — once on SQLite and once on PostgreSQL."""
    db = _schema_database(request, request.param, _migrated)
    empty_all_tables(db)
    yield db


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Cheap argon2 parameters: the tests are about the rules, not the hash's cost (the app keeps
    argon2-cffi's defaults)."""
    from argon2 import PasswordHasher

    from nara.auth.service import common

    monkeypatch.setattr(common, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    common._dummy_hash.cache_clear()
    yield
    common._dummy_hash.cache_clear()


@pytest.fixture
def clock() -> FixedClock:
    """Sunday 22 November 2026, 10:00 in Stockholm (09:00 UTC)."""
    return FixedClock(datetime(2026, 11, 22, 9, 0, tzinfo=UTC))


@pytest.fixture
def tmp_data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path
