"""Access tables. The audit log (loggning, DOMAIN §5): ``audit_entry`` holds the hash-chained entries,
``audit_head`` the chain's last sequence number and hash, updated in the same transaction as each append.

The log is append-only: there is no update or delete here, and database triggers refuse UPDATE and DELETE on
audit_entry (migration 0003), and deleting the head or moving it anywhere but one entry on (migration 0008), on
both SQLite and PostgreSQL. Someone who can drop triggers is caught by the signed checkpoints kept outside the
database (nara.audit.model.checkpoint). Entries are kept at least 5 years (DOMAIN §5).
The log deliberately has no foreign keys: it must outlive the accounts, units and persons it names.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Connection,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    bindparam,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from nara.audit.model import (
    FORMAT_VERSION,
    GENESIS,
    MAX_LENGTHS,
    AuditEvent,
    AuditLogUnavailable,
    ChainHead,
    StoredEntry,
    canonical_parts,
    seal,
)
from nara.core.db import Base, IdType, UTCDateTime


class AuditEntryRow(Base):
    """Loggpost: one read, write or denied attempt on person data (HSLF-FS 2016:40 4 kap., DOMAIN §5)."""

    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)  # position in the chain, 1, 2, 3, ...
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    format_version: Mapped[int] = mapped_column(SmallInteger)  # of the canonical serialisation
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    account_id: Mapped[int] = mapped_column(BigInteger)
    username: Mapped[str] = mapped_column(String(MAX_LENGTHS["username"]))
    staff_hsa_id: Mapped[str | None] = mapped_column(String(MAX_LENGTHS["staff_hsa_id"]))
    unit_id: Mapped[int | None] = mapped_column(BigInteger)
    unit_hsa_id: Mapped[str | None] = mapped_column(String(MAX_LENGTHS["unit_hsa_id"]))
    care_provider_id: Mapped[int | None] = mapped_column(BigInteger)
    person_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(MAX_LENGTHS["action"]))  # AuditAction
    resource_type: Mapped[str | None] = mapped_column(String(MAX_LENGTHS["resource_type"]))
    resource_id: Mapped[str | None] = mapped_column(String(MAX_LENGTHS["resource_id"]))
    information_category: Mapped[str | None] = mapped_column(String(MAX_LENGTHS["information_category"]))
    purpose: Mapped[str | None] = mapped_column(String(MAX_LENGTHS["purpose"]))
    emergency_reason: Mapped[str | None] = mapped_column(Text)  # nödåtkomst: the stated reason
    outcome: Mapped[str] = mapped_column(String(8))  # Outcome
    denial_reason: Mapped[str | None] = mapped_column(String(MAX_LENGTHS["denial_reason"]))
    request_id: Mapped[str | None] = mapped_column(String(MAX_LENGTHS["request_id"]))
    __table_args__ = (
        # The patient's log extract and checks on suspicion ask "who opened this person, when" (DOMAIN §5).
        Index("ix_audit_entry_person_id_occurred_at", "person_id", "occurred_at"),
        CheckConstraint("outcome in ('allowed','denied')", name="outcome"),
    )


class AuditHeadRow(Base):
    """The chain head: one row with the last sequence number and hash. Updated in the same transaction as the
    entry, so it says where the chain must end; removing the newest entries then shows too."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)


_entry = AuditEntryRow.__table__
_head = AuditHeadRow.__table__
_HEAD_ID = 1

# How each database gives back occurred_at as its canonical text (audit.utc_iso), so the verifier does no date
# arithmetic per row. SQLite holds what SQLAlchemy wrote: 'YYYY-MM-DD HH:MM:SS.ffffff', in UTC (UTCDateTime).
_OCCURRED_AT_TEXT = {
    "postgresql": """to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')""",
    "sqlite": "substr(occurred_at, 1, 10) || 'T' || substr(occurred_at, 12) || '+00:00'",
}
_PARAM = {"postgresql": "%%(%s)s", "sqlite": ":%s"}  # a named parameter in each driver's style


# The append statements are built once: building them per call cost ~0.3 ms of every request (bench).
_MOVE_HEAD = update(_head).where(_head.c.id == _HEAD_ID).values(
    last_seq=bindparam("head_seq"), last_hash=bindparam("head_hash"))
_EVENT_COLUMNS = tuple(c.name for c in _entry.columns if c.name not in ("id", "seq", "prev_hash", "entry_hash"))

# PostgreSQL: the whole append is one statement, so one round trip. The head row is locked (FOR UPDATE: a
# concurrent append waits, then reads the head its predecessor committed), the entry is sealed in the database
# — sha256(prev_hash || canonical), where canonical is the writer's text with the sequence number put in:
# '[1,' || seq || tail — and the head moves, all under that lock. The canonical text is ASCII (audit.py), so
# convert_to(…, 'UTF8') gives the very bytes hashlib hashes; the verifier recomputes every hash in Python.
_PG_APPEND_SQL = f"""
WITH head AS (
    SELECT last_seq + 1 AS seq, last_hash FROM audit_head WHERE id = {_HEAD_ID} FOR UPDATE
), added AS (
    INSERT INTO audit_entry (seq, prev_hash, entry_hash, {", ".join(_EVENT_COLUMNS)})
    SELECT head.seq, head.last_hash,
           encode(sha256(convert_to(head.last_hash || :canonical_head || head.seq::text || :canonical_tail,
                                    'UTF8')), 'hex'),
           {", ".join(":" + name for name in _EVENT_COLUMNS)}
    FROM head
    RETURNING seq, entry_hash
)
UPDATE audit_head SET last_seq = added.seq, last_hash = added.entry_hash FROM added
WHERE audit_head.id = {_HEAD_ID}
RETURNING added.seq
"""  # noqa: S608 - only the module's own column names and constant are put in; every value is a bound parameter
_PG_APPEND = text(_PG_APPEND_SQL).bindparams(*(bindparam(name, type_=_entry.c[name].type) for name in _EVENT_COLUMNS))


def append_entry(session: Session, event: AuditEvent) -> int:
    """Append ``event`` to the chain inside the session's current transaction; returns its sequence number.

    The head row is locked first, so concurrent appends queue and chain order is seq order with no fork. On
    PostgreSQL one statement locks, seals, inserts and moves the head (``_PG_APPEND``). On SQLite an
    ``UPDATE … RETURNING`` claims the head: it is the transaction's write, so the writer lock is taken before
    anything is read and a stale read can never be upgraded. The lock is held to commit: call this as the unit
    of work's last statement."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        return _append_pg(conn, event)
    return _append_sqlite(conn, event)


def _append_sqlite(conn: Connection, event: AuditEvent) -> int:
    """SQLite, in the transaction ``conn`` has begun: claim the head, seal the entry in Python, insert it and
    move the head to it."""
    claimed = _claim_next(conn)
    if claimed is None:
        _create_head(conn)
        claimed = _claim_next(conn)
        if claimed is None:  # pragma: no cover - the head row was just created in this transaction
            raise AuditLogUnavailable("audit.unavailable")
    seq, prev_hash = claimed
    sealed = seal(ChainHead(seq - 1, prev_hash), event)
    conn.execute(insert(_entry), _entry_values(sealed.seq, sealed.prev_hash, sealed.entry_hash,
                                               sealed.format_version, event))
    conn.execute(_MOVE_HEAD, {"head_seq": seq, "head_hash": sealed.entry_hash})
    return seq


def append_entry_now(conn: Connection, event: AuditEvent) -> int:
    """Append ``event`` on ``conn``, an autocommit connection (``Database.read_connection()``), committed when this
    returns: for a read that is its unit of work on its own, logged before what it read is shown.

    On PostgreSQL it is the one statement of :data:`_PG_APPEND` in a transaction of its own, so the chain head is
    locked only while PostgreSQL runs it and flushes the commit — no round trip of the caller's comes between, and
    concurrent reads queue on the head for well under a millisecond each. On SQLite the three statements run in
    one ``BEGIN IMMEDIATE`` transaction (the writer lock first, as :func:`append_entry` does)."""
    if conn.dialect.name == "postgresql":
        return _append_pg(conn, event)
    conn.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        seq = _append_sqlite(conn, event)
    except BaseException:
        conn.exec_driver_sql("ROLLBACK")
        raise
    conn.exec_driver_sql("COMMIT")
    return seq


def _append_pg(conn: Connection, event: AuditEvent) -> int:
    head, tail = canonical_parts(event)
    values = dict(zip(StoredEntry._fields[5:], event.values(), strict=True))
    values.update(format_version=FORMAT_VERSION, canonical_head=head, canonical_tail=tail)
    seq = conn.execute(_PG_APPEND, values).scalar()
    if seq is None:  # no head row: an emptied database (the migration creates it)
        _create_head(conn)
        seq = conn.execute(_PG_APPEND, values).scalar()
        if seq is None:  # pragma: no cover - the head row was just created in this transaction
            raise AuditLogUnavailable("audit.unavailable")
    return seq


def _claim_next(conn: Connection) -> tuple[int, str] | None:
    """SQLite: lock the head (by writing it) and return the next sequence number and the hash to chain to. The
    UPDATE writes last_seq early, and the closing UPDATE sets the hash."""
    row = conn.execute(
        update(_head).where(_head.c.id == _HEAD_ID).values(last_seq=_head.c.last_seq + 1)
        .returning(_head.c.last_seq, _head.c.last_hash)
    ).first()
    return None if row is None else (row[0], row[1])


def _create_head(conn: Connection) -> None:
    """Start the chain (the migration does this; an emptied database needs it again). Concurrent first appends
    both get here: one inserts the row, the other waits for it and finds it there. A head missing while
    entries remain is a broken log: refuse, so that nothing is accessed unlogged (DOMAIN §5)."""
    make_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    created = conn.execute(
        make_insert(_head).values(id=_HEAD_ID, last_seq=GENESIS.last_seq, last_hash=GENESIS.last_hash)
        .on_conflict_do_nothing(index_elements=["id"]).returning(_head.c.id)
    ).first() is not None
    if created and conn.execute(select(_entry.c.seq).limit(1)).first() is not None:
        raise AuditLogUnavailable("audit.unavailable")


def _entry_values(seq: int, prev_hash: str, digest: str, version: int, event: AuditEvent) -> dict[str, Any]:
    values = dict(zip(StoredEntry._fields[5:], event.values(), strict=True))
    values.update(seq=seq, prev_hash=prev_hash, entry_hash=digest, format_version=version)
    return values


def read_head(conn: Connection) -> ChainHead | None:
    row = conn.execute(select(_head.c.last_seq, _head.c.last_hash).where(_head.c.id == _HEAD_ID)).first()
    return None if row is None else ChainHead(row[0], row[1])


def first_entry_after(conn: Connection, seq: int | None) -> tuple[int, int] | None:
    """(seq, id) of the first entry after ``seq`` (of any entry, for None)."""
    query = select(_entry.c.seq, _entry.c.id).order_by(_entry.c.seq).limit(1)
    if seq is not None:
        query = query.where(_entry.c.seq > seq)
    row = conn.execute(query).first()
    return None if row is None else (row[0], row[1])


def stream_entries(conn: Connection, from_seq: int | None = None, batch_size: int = 20_000,
                   to_seq: int | None = None) -> Iterator[Sequence[Sequence[Any]]]:
    """The entries from ``from_seq`` on (all of them for None; up to ``to_seq`` if given) in seq order, as
    batches of StoredEntry-shaped tuples, with bounded memory: a server-side cursor on PostgreSQL, SQLite's own
    stepping cursor on SQLite.

    Straight through the driver, not SQLAlchemy's result rows: verifying ten million entries is about the cost
    per row, and each layer costs a microsecond or two (DOMAIN §5 asks for logs kept ≥ 5 years; they get long)."""
    dialect = conn.dialect.name
    columns = ", ".join(_OCCURRED_AT_TEXT[dialect] if name == "occurred_at" else name for name in StoredEntry._fields)
    conditions = [] if from_seq is None else [f"seq >= {_PARAM[dialect] % 'from_seq'}"]
    if to_seq is not None:
        conditions.append(f"seq <= {_PARAM[dialect] % 'to_seq'}")
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    sql = f"SELECT {columns} FROM audit_entry{where} ORDER BY seq"  # noqa: S608 - no outside input in it
    params = {name: value for name, value in (("from_seq", from_seq), ("to_seq", to_seq)) if value is not None}
    driver = conn.connection.driver_connection
    if dialect == "postgresql":
        cursor = driver.cursor(name="nara_audit_verify")  # server-side; needs the transaction conn has begun
    else:
        cursor = driver.cursor()
    try:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(batch_size):
            yield batch
    finally:
        cursor.close()


def last_entry_seq(conn: Connection) -> int | None:
    """The highest sequence number in the log (None: no entries), whatever the head says."""
    return conn.execute(select(func.max(_entry.c.seq))).scalar()


def entry_hash_at(conn: Connection, seq: int) -> str | None:
    """The stored hash of the entry at ``seq`` (None: no such entry), for comparing with a signed checkpoint."""
    return conn.execute(select(_entry.c.entry_hash).where(_entry.c.seq == seq)).scalar()


def entry_at(conn: Connection, seq: int) -> Sequence[Any] | None:
    """The entry at ``seq`` as a StoredEntry-shaped tuple (as :func:`stream_entries` gives them), or None."""
    batches = stream_entries(conn, seq, batch_size=1, to_seq=seq)
    try:
        batch = next(batches, None)
    finally:
        batches.close()  # the PostgreSQL cursor is named: closed now, before the next stream opens it again
    return None if batch is None else batch[0]
