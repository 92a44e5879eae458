"""Reads of the log for log follow-up and for the person's own log extract (DOMAIN.md §5): the month's staff
accesses, an item's context, the extract, and the searches on suspicion. Rows returned are read-only.

Searching the log on suspicion pages newest first by ``seq`` (keyset: "older than seq N"), so a page costs the
same however deep into a long log it is. The searches by user and by unit have an index each on
(account_id, seq) and (unit_id, seq), declared here with the queries that need them (migration 0011); by person
the (person_id, occurred_at) index of the log itself serves, a person's entries being few.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Index, func, or_, select
from sqlalchemy.orm import Session

from nara.audit.model import AuditAction
from nara.audit.store.entries import AuditEntryRow

_entry = AuditEntryRow.__table__
EMERGENCY_ACTION = AuditAction.EMERGENCY_ACCESS.value


def _staff_accesses(start: datetime, end: datetime) -> list[Any]:
    """Allowed accesses by staff to one person in [start, end): what log follow-up looks at."""
    return [
        _entry.c.occurred_at >= start, _entry.c.occurred_at < end, _entry.c.outcome == "allowed",
        _entry.c.staff_hsa_id.is_not(None), _entry.c.person_id.is_not(None),
    ]


OPENING_SLACK = timedelta(minutes=1)


def opening_entry_id(session: Session, *, person_id: int, account_id: int, reason: str,
                     started_at: datetime) -> int | None:
    """The audit entry written when a nödåtkomst was opened: same account, person and reason, at the same
    moment (the use case reads the clock for its row and for the entry separately, so allow a little)."""
    return session.scalar(
        select(_entry.c.id).where(_entry.c.person_id == person_id, _entry.c.account_id == account_id,
                                  _entry.c.outcome == "allowed", _entry.c.emergency_reason == reason,
                                  _entry.c.occurred_at >= started_at - OPENING_SLACK,
                                  _entry.c.occurred_at <= started_at + OPENING_SLACK)
        .order_by(_entry.c.seq).limit(1)
    )


def relationship_creations(session: Session, start: datetime, end: datetime,
                           person_ids: Collection[int]) -> list[tuple[int, int, int, int, datetime]]:
    """(entry id, person, account, unit, time) of each allowed creation of a care relationship in [start, end)
    for one of ``person_ids``, in log order."""
    if not person_ids:
        return []
    rows = session.execute(
        select(_entry.c.id, _entry.c.person_id, _entry.c.account_id, _entry.c.unit_id, _entry.c.occurred_at)
        .where(_entry.c.occurred_at >= start, _entry.c.occurred_at < end,
               _entry.c.resource_type == "care_relationship", _entry.c.action == AuditAction.CREATE.value,
               _entry.c.outcome == "allowed", _entry.c.person_id.in_(person_ids))
        .order_by(_entry.c.seq)
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


def staff_accesses_to(session: Session, start: datetime, end: datetime,
                      person_ids: Collection[int]) -> list[tuple[int, int, int, datetime]]:
    """(entry id, person, account, time) of every allowed staff access to one of ``person_ids`` in [start, end),
    outside nödåtkomst, in log order."""
    if not person_ids:
        return []
    rows = session.execute(
        select(_entry.c.id, _entry.c.person_id, _entry.c.account_id, _entry.c.occurred_at)
        .where(*_staff_accesses(start, end), _entry.c.emergency_reason.is_(None), _entry.c.person_id.in_(person_ids))
        .order_by(_entry.c.seq)
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


def distinct_staff_per_person(session: Session, start: datetime, end: datetime) -> dict[int, int]:
    rows = session.execute(
        select(_entry.c.person_id, func.count(func.distinct(_entry.c.account_id)))
        .where(*_staff_accesses(start, end)).group_by(_entry.c.person_id)
    )
    return {person: n for person, n in rows}


def first_access(session: Session, person_id: int, start: datetime, end: datetime) -> datetime | None:
    return session.scalar(select(func.min(_entry.c.occurred_at)).where(*_staff_accesses(start, end),
                                                                        _entry.c.person_id == person_id))


def sample_population(session: Session, start: datetime, end: datetime) -> int:
    return session.scalar(select(func.count()).select_from(_entry).where(
        *_staff_accesses(start, end), _entry.c.emergency_reason.is_(None))) or 0


def sample_candidates(session: Session, start: datetime, end: datetime,
                      batch_size: int = 20_000) -> Iterator[tuple[int, str]]:
    """(id, entry_hash) of the month's staff accesses outside nödåtkomst, streamed."""
    result = session.execute(
        select(_entry.c.id, _entry.c.entry_hash).where(*_staff_accesses(start, end),
                                                        _entry.c.emergency_reason.is_(None))
        .order_by(_entry.c.seq).execution_options(yield_per=batch_size)
    )
    for row in result:
        yield row[0], row[1]


def entries_by_id(session: Session, ids: Sequence[int]) -> list[AuditEntryRow]:
    """The entries with these ids, in log order."""
    if not ids:
        return []
    return list(session.scalars(select(AuditEntryRow).where(AuditEntryRow.id.in_(ids)).order_by(AuditEntryRow.seq)))


def newest_entries(session: Session, ids: Sequence[int], limit: int) -> list[AuditEntryRow]:
    """The newest ``limit`` of the entries with these ids, newest first."""
    if not ids:
        return []
    return list(session.scalars(select(AuditEntryRow).where(AuditEntryRow.id.in_(ids))
                                .order_by(AuditEntryRow.seq.desc()).limit(limit)))


def entry(session: Session, entry_id: int | None) -> AuditEntryRow | None:
    return session.get(AuditEntryRow, entry_id) if entry_id is not None else None


def entries_in_window(session: Session, person_id: int, account_id: int | None, start: datetime, end: datetime,
                      limit: int = 50) -> list[AuditEntryRow]:
    """Accesses to the person in [start, end), by one account or by anyone, oldest first (an item's context)."""
    query = select(AuditEntryRow).where(AuditEntryRow.person_id == person_id, AuditEntryRow.occurred_at >= start,
                                        AuditEntryRow.occurred_at < end, AuditEntryRow.staff_hsa_id.is_not(None))
    if account_id is not None:
        query = query.where(AuditEntryRow.account_id == account_id)
    return list(session.scalars(query.order_by(AuditEntryRow.seq).limit(limit)))


# --- the person's log extract --------------------------------------------------------------------------------------

_EMERGENCY = or_(_entry.c.emergency_reason.is_not(None), _entry.c.action == EMERGENCY_ACTION)


def extract_total(session: Session, person_id: int, exclude_account_id: int) -> int:
    """How many accesses by others to the person the log holds, allowed and denied."""
    return session.scalar(select(func.count()).select_from(_entry).where(
        _entry.c.person_id == person_id, _entry.c.account_id != exclude_account_id)) or 0


def extract_entries(session: Session, person_id: int, exclude_account_id: int, *, emergency: bool,
                    before: datetime | None = None, limit: int = 10_000,
                    batch_size: int = 2_000) -> Iterator[AuditEntryRow]:
    """Accesses by others to the person, newest first: those under nödåtkomst, or all the others (older than
    ``before`` when given). Streamed; the (person_id, occurred_at) index gives them in order."""
    query = select(AuditEntryRow).where(AuditEntryRow.person_id == person_id,
                                        AuditEntryRow.account_id != exclude_account_id,
                                        _EMERGENCY if emergency else ~_EMERGENCY)
    if before is not None:
        query = query.where(AuditEntryRow.occurred_at < before)
    query = query.order_by(AuditEntryRow.occurred_at.desc(), AuditEntryRow.seq.desc()).limit(limit)
    yield from session.scalars(query.execution_options(yield_per=batch_size))


# --- checks on suspicion: searching the log ------------------------------------------------------------------------

Index("ix_audit_entry_account_id_seq", _entry.c.account_id, _entry.c.seq)
Index("ix_audit_entry_unit_id_seq", _entry.c.unit_id, _entry.c.seq)

NARROW_PERIOD = 20_000  # entries: a period holding fewer is read first, then filtered by user or unit


def period_is_narrow(session: Session, start: datetime | None, end: datetime | None) -> bool:
    """Whether the log holds fewer than NARROW_PERIOD entries in [start, end): counted on the occurred_at index,
    stopping at the bound, so it costs at most that many index entries."""
    if start is None and end is None:
        return False
    window = select(_entry.c.id).where(*search_conditions(account_ids=None, person_id=None, unit_ids=None,
                                                          start=start, end=end)).limit(NARROW_PERIOD).subquery()
    return (session.scalar(select(func.count()).select_from(window)) or 0) < NARROW_PERIOD


def search_conditions(*, account_ids: Sequence[int] | None, person_id: int | None, unit_ids: Sequence[int] | None,
                      start: datetime | None, end: datetime | None, period_first: bool = False) -> list[Any]:
    """The WHERE of a search; ``None`` for a criterion not used. ``period_first``: the user and unit terms are
    written so no index serves them (``column + 0``), which leaves the database one plan — the period's range on
    the occurred_at index, then the filter and a sort of what is left. For a narrow period that beats walking a
    user's or unit's entries back from the newest (SQLite's choice otherwise: over a second for one day, 18
    months back, in 2 million entries; bench/bench_log_search.py)."""
    where: list[Any] = []
    account = _entry.c.account_id + 0 if period_first else _entry.c.account_id
    unit = _entry.c.unit_id + 0 if period_first else _entry.c.unit_id
    if account_ids is not None:
        where.append(account.in_(account_ids))
    if person_id is not None:
        where.append(_entry.c.person_id == person_id)
    if unit_ids is not None:
        where.append(unit.in_(unit_ids))
    if start is not None:
        where.append(_entry.c.occurred_at >= start)
    if end is not None:
        where.append(_entry.c.occurred_at < end)
    return where


def search_page(session: Session, where: list[Any], *, older_than: int | None, limit: int) -> list[AuditEntryRow]:
    """Up to ``limit`` entries matching ``where``, newest first by seq, older than seq ``older_than``."""
    query = select(AuditEntryRow).where(*where)
    if older_than is not None:
        query = query.where(AuditEntryRow.seq < older_than)
    return list(session.scalars(query.order_by(AuditEntryRow.seq.desc()).limit(limit)))


def search_ids(session: Session, where: list[Any], *, limit: int, only: Sequence[int] | None = None) -> list[int]:
    """Ids of the entries matching ``where`` (among ``only`` when given), newest first, at most ``limit``."""
    query = select(_entry.c.id).where(*where)
    if only is not None:
        query = query.where(_entry.c.id.in_(only))
    return list(session.scalars(query.order_by(_entry.c.seq.desc()).limit(limit)))
