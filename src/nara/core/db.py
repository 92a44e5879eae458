"""Database engine, session and the declarative base every part's tables hang on.

SQLite (embedded, the demo default) and PostgreSQL are both first-class: every storage test runs on both.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Connection, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


ID_MAX = 2**63 - 1
"""The largest primary key either database can hold (BIGINT / SQLite INTEGER): bounds every id taken from a request."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out — on SQLite too, which forgets the zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def make_engine(url: str, *, pool_size: int = 10, **kwargs: object) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    # No pool_pre_ping: it costs a round trip on every checkout, i.e. on every request (bench/bench_plan_read.py).
    # A connection the server dropped fails its statement once; SQLAlchemy then invalidates the whole pool, so
    # the next checkout connects afresh. pool_recycle retires connections before idle-timeouts on the way do.
    # ``pool_size`` should cover what the process runs at once (Settings.worker_threads): a connection beyond it
    # (overflow) is closed when given back, so a pool too small opens a PostgreSQL backend per request.
    if "poolclass" in kwargs:  # e.g. NullPool for migrations: no pool sizing
        return create_engine(url, **kwargs)
    return create_engine(url, pool_size=pool_size, max_overflow=20, pool_recycle=1800, **kwargs)


class Database:
    """An engine and its session factory; one per application instance."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.engine = make_engine(url, pool_size=pool_size)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_engine: Engine | None = None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A unit of work: commit on success, roll back on any error."""
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """A connection on which each statement is its own transaction (autocommit: no BEGIN/COMMIT round trips):
        for the lookups every request makes, and a read's one-statement audit append. A unit of work of more than
        one write belongs in :meth:`transaction`."""
        if self._read_engine is None:
            self._read_engine = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        with self._read_engine.connect() as conn:
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()
