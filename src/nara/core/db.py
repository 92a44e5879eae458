"""Database engine, session and the declarative base every part's tables hang on.

SQLite (embedded, the demo default) and PostgreSQL are both first-class: every storage test runs on both.
"""

from __future__ import annotations

import select
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Connection, DateTime, Engine, Integer, MetaData, create_engine, event
from sqlalchemy.exc import DisconnectionError
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


IdType = BigInteger().with_variant(Integer, "sqlite")
"""Every table's primary key: BIGINT, and INTEGER on SQLite, which autoincrements only an INTEGER PRIMARY KEY."""


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
    # Instead each checkout looks at the connection's socket without waiting (drop_dead_connection, about a
    # microsecond: bench/bench_pool_check.py), which finds a connection whose server process has gone.
    # pool_recycle retires connections before idle-timeouts on the way do. ``pool_size`` should cover what the
    # process runs at once (Settings.worker_threads): a connection beyond it (overflow) is closed when given back,
    # so a pool too small opens a PostgreSQL backend per request.
    if "poolclass" in kwargs:  # e.g. NullPool for migrations: no pool sizing
        engine = create_engine(url, **kwargs)
    else:
        engine = create_engine(url, pool_size=pool_size, max_overflow=20, pool_recycle=1800, **kwargs)
    event.listen(engine, "checkout", drop_dead_connection)
    return engine


def drop_dead_connection(dbapi_conn: Any, _record: object, _proxy: object) -> None:
    """Pool ``checkout`` event: refuse a pooled PostgreSQL connection whose server process has ended, so the pool
    replaces it before a request uses it (the first statement on it would otherwise fail: a 500).

    A connection resting in the pool has sent nothing and awaits nothing, so its socket has nothing to read. When
    the server ends the backend (pg_terminate_backend, a restart, idle_session_timeout, a failover), the server's
    last words (a FATAL message) and the end of the stream arrive there: readable. One poll with timeout 0 — a
    system call, no round trip — tells. Raising DisconnectionError makes SQLAlchemy discard the connection and
    check out a fresh one (up to three tries). A backend that dies after this check still fails its statement,
    as with pool_pre_ping."""
    fileno = getattr(dbapi_conn, "fileno", None)
    if fileno is None:  # a driver without a socket to look at: nothing to check
        return
    if getattr(dbapi_conn, "closed", False):
        raise DisconnectionError("the connection is closed")
    try:
        fd = fileno()
    except Exception as exc:  # psycopg: the connection is no longer usable
        raise DisconnectionError("the connection has no socket") from exc
    if _readable(fd):
        raise DisconnectionError("the server closed the connection while it rested in the pool")


if hasattr(select, "poll"):
    def _readable(fd: int) -> bool:
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLPRI)  # POLLHUP and POLLERR are always reported
        return bool(poller.poll(0))
else:  # pragma: no cover - Windows: select() takes any socket there
    def _readable(fd: int) -> bool:
        return bool(select.select([fd], [], [], 0)[0])


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
