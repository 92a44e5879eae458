"""`nara db upgrade` builds the schema on an empty SQLite file and an empty PostgreSQL database; downgrade to
base and upgrade again work; and the migrations describe exactly the tables the code defines."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text

from nara.core import migrate
from nara.tables import metadata

from ..conftest import PG_ADMIN_URL


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    request.getfixturevalue("pg_url")  # skips or fails (in CI) when the server is missing
    name = f"nara_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_downgrade_upgrade_on_an_empty_database(empty_url):
    expected = set(metadata.tables)
    assert migrate.table_names(empty_url) == set()

    migrate.upgrade(empty_url)
    assert migrate.table_names(empty_url) == expected | {"alembic_version"}
    assert migrate.current(empty_url) is not None

    migrate.downgrade(empty_url, "base")
    assert migrate.table_names(empty_url) - {"alembic_version"} == set()
    assert migrate.current(empty_url) is None

    migrate.upgrade(empty_url)
    assert migrate.table_names(empty_url) == expected | {"alembic_version"}


def test_migrations_match_the_models(empty_url):
    migrate.upgrade(empty_url)
    engine = create_engine(empty_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ; add a migration: {diff}"
