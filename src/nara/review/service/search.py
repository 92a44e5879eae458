"""Use cases of log follow-up on suspicion (kontroll vid misstanke, DOMAIN §5, HSLF-FS 2016:40 4 kap.): search the
log by user, person, unit and period; open a granskningsärende from the result; record its outcome.

Only the reviewer role does this. Another role's attempt is refused and logged as a denied entry, like any denied
access. Each search is one log entry (purpose logguppföljning): a search shows who read about whom. Opening a
case, reading it and recording its outcome are logged the same way. The rules (what a search needs, what a
reason and an outcome need) are in nara.review.model; the cases' tables in nara.review.store; the log is read
through nara.audit.service.followup, accounts through nara.auth.service and people, staff and units through
nara.directory.service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from nara.access.model import InformationCategory
from nara.audit.model import AuditAction, AuditEvent, Outcome
from nara.audit.service import followup as log
from nara.audit.service import record
from nara.auth.service import account_names, accounts_like
from nara.core.actor import Actor, Purpose, Role
from nara.core.clock import Clock, local_today
from nara.core.db import Database
from nara.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from nara.core.i18n import SV
from nara.directory import service as directory
from nara.review import store
from nara.review.model import (
    MAX_CASE_ENTRIES,
    MAX_MATCHES,
    NOT_REVIEWER,
    CaseOutcome,
    CaseScope,
    SearchCriteria,
    check_case_reason,
    check_outcome,
    check_search,
    contains_folded,
    like_pattern,
)
from nara.review.service.cases import Names, Who

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
AUDIT_LOG = "audit_log"
CASE = "log_review_case"


def _event(actor: Actor, clock: Clock, action: AuditAction, *, resource_type: str, resource_id: str | None = None,
           person_id: int | None = None, denied: bool = False) -> AuditEvent:
    return AuditEvent.for_actor(
        actor, occurred_at=clock.now(), action=action, outcome=Outcome.DENIED if denied else Outcome.ALLOWED,
        person_id=person_id, resource_type=resource_type, resource_id=resource_id,
        information_category=InformationCategory.LOGG.value, purpose=Purpose.LOGGUPPFOLJNING.value,
        denial_reason=NOT_REVIEWER if denied else None,
    )


def require_reviewer(db: Database, actor: Actor, clock: Clock, action: AuditAction = AuditAction.SEARCH,
                     resource_type: str = AUDIT_LOG, resource_id: str | None = None) -> None:
    """Another role is refused, and the attempt logged (every denied attempt is, DOMAIN §5)."""
    if actor.role is Role.REVIEWER:
        return
    with db.transaction() as s:
        record(s, _event(actor, clock, action, resource_type=resource_type, resource_id=resource_id, denied=True))
    raise Forbidden("auth.forbidden")


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A search as the reviewer typed it; checked into :class:`SearchCriteria` by the use case."""

    user: str | None = None
    person: str | None = None
    unit: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def _criteria(clock: Clock, query: SearchQuery) -> SearchCriteria:
    """The search checked (422 with a Swedish message when it is not one)."""
    try:
        return check_search(user=query.user, person=query.person, unit=query.unit, date_from=query.date_from,
                            date_to=query.date_to, today=local_today(clock))
    except ValueError as exc:
        raise ValidationFailed(str(exc)) from None


def denial_words(code: str | None) -> str:
    """Why an entry was denied, in a few Swedish words (for the reviewer's tables)."""
    return SV.get(f"review.denial.{code}", SV["review.denial.other"])


# --- search ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LogLine:
    """One audit entry as a reviewer reads it."""

    id: int
    seq: int
    occurred_at: datetime
    username: str
    who: Who
    person_name: str | None
    person_identifier: str | None
    action: str
    category: str | None
    purpose: str | None
    allowed: bool
    denial_reason: str | None
    emergency_reason: str | None


@dataclass(frozen=True, slots=True)
class SearchResult:
    criteria: SearchCriteria
    lines: list[LogLine]
    older_than: int | None  # seq to ask for the next (older) page with; None when this is the last


def _identifier(person: Any) -> str:
    if person.identifier_kind == "reservnummer":
        return person.identifier
    return f"{person.identifier[:8]}-{person.identifier[8:]}"


def _lines(s: Session, rows: list[Any]) -> list[LogLine]:
    names = Names(s, rows)
    persons = directory.persons(s, {r.person_id for r in rows if r.person_id is not None})
    lines = []
    for r in rows:
        person = persons.get(r.person_id) if r.person_id is not None else None
        lines.append(LogLine(
            id=r.id, seq=r.seq, occurred_at=r.occurred_at, username=r.username, who=names.of(r),
            person_name=person.full_name if person else None,
            person_identifier=_identifier(person) if person else None, action=r.action,
            category=r.information_category, purpose=r.purpose, allowed=r.outcome == Outcome.ALLOWED.value,
            denial_reason=r.denial_reason, emergency_reason=r.emergency_reason,
        ))
    return lines


@dataclass(frozen=True, slots=True)
class _Resolved:
    where: list[Any] | None  # None: a criterion matches nothing, so neither does the search
    person_id: int | None


def _resolve(s: Session, criteria: SearchCriteria) -> _Resolved:
    """The criteria as conditions on the log: names and ids typed by the reviewer become account, person and
    unit ids, which the log's indexes serve."""
    account_ids = unit_ids = None
    person_id = None
    if criteria.user is not None:
        account_ids = _accounts_matching(s, criteria.user)
        if len(account_ids) > MAX_MATCHES:
            raise ValidationFailed("review.search.user_too_broad", n=MAX_MATCHES)
    if criteria.unit is not None:
        unit_ids = _units_matching(s, criteria.unit)
        if len(unit_ids) > MAX_MATCHES:
            raise ValidationFailed("review.search.unit_too_broad", n=MAX_MATCHES)
    if criteria.person is not None:
        person_id = directory.person_id_with_identifier(s, criteria.person)
    if account_ids == [] or unit_ids == [] or (criteria.person is not None and person_id is None):
        return _Resolved(None, person_id)
    # A user or unit within a narrow period: read the period first (nara.audit.service.followup.search_conditions).
    # By person the (person_id, occurred_at) index serves both at once.
    period_first = person_id is None and (account_ids is not None or unit_ids is not None) \
        and log.period_is_narrow(s, criteria.start, criteria.end)
    return _Resolved(log.search_conditions(account_ids=account_ids, person_id=person_id, unit_ids=unit_ids,
                                           start=criteria.start, end=criteria.end, period_first=period_first),
                     person_id)


def _accounts_matching(s: Session, text: str) -> list[int]:
    """Accounts whose user name is ``text`` or whose name (the account's or its staff member's) holds it. At most
    ``MAX_MATCHES + 1``: more means the text is too vague."""
    pattern = like_pattern(text)
    staff = {m.id for m in directory.staff_like(s, text, pattern)
             if contains_folded(m.full_name, text) or m.hsa_id == text.upper()}
    found = [account_id for account_id, username, display_name, staff_id in accounts_like(s, text, pattern, staff)
             if username == text.lower() or contains_folded(display_name, text) or staff_id in staff]
    return found[:MAX_MATCHES + 1]


def _units_matching(s: Session, text: str) -> list[int]:
    """Units whose HSA-id is ``text`` or whose name holds it (at most ``MAX_MATCHES + 1``)."""
    found = [u.id for u in directory.units_like(s, text, like_pattern(text))
             if u.hsa_id.upper() == text.upper() or contains_folded(u.name, text)]
    return found[:MAX_MATCHES + 1]


def search_log(db: Database, actor: Actor, clock: Clock, query: SearchQuery, *, older_than: int | None = None,
               limit: int = PAGE_SIZE) -> SearchResult:
    """One page of the entries matching ``query``, newest first. The search is logged (one entry)."""
    require_reviewer(db, actor, clock, AuditAction.SEARCH, AUDIT_LOG)
    criteria = _criteria(clock, query)
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    with db.transaction() as s:
        resolved = _resolve(s, criteria)
        rows = [] if resolved.where is None else log.search_page(s, resolved.where, older_than=older_than,
                                                                    limit=limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        lines = _lines(s, rows)
        record(s, _event(actor, clock, AuditAction.SEARCH, resource_type=AUDIT_LOG,
                         resource_id=",".join(criteria.used), person_id=resolved.person_id))
    return SearchResult(criteria, lines, rows[-1].seq if more and rows else None)


# --- granskningsärenden ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseSummary:
    id: int
    opened_at: datetime
    opened_by: str
    reason: str
    criteria: SearchCriteria
    scope: CaseScope
    entry_count: int
    outcome: CaseOutcome | None
    outcome_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.outcome is None


@dataclass(frozen=True, slots=True)
class CaseDetail:
    summary: CaseSummary
    lines: list[LogLine]  # the entries the case is about, newest first (at most MAX_CASE_ENTRIES_SHOWN)
    outcome_note: str | None
    outcome_by: str | None


def _criteria_of(row: store.ReviewCaseRow) -> SearchCriteria:
    return SearchCriteria(row.search_user, row.search_person, row.search_unit, row.search_from, row.search_to)


def _summaries(s: Session, rows: list[store.ReviewCaseRow]) -> list[CaseSummary]:
    names = account_names(s, {r.opened_by for r in rows})
    return [CaseSummary(
        id=r.id, opened_at=r.opened_at, opened_by=names.get(r.opened_by, ""), reason=r.reason,
        criteria=_criteria_of(r), scope=CaseScope(r.scope), entry_count=r.entry_count,
        outcome=CaseOutcome(r.outcome) if r.outcome else None, outcome_at=r.outcome_at,
    ) for r in rows]


def _detail(s: Session, row: store.ReviewCaseRow) -> CaseDetail:
    [summary] = _summaries(s, [row])
    by = account_names(s, [row.outcome_by]).get(row.outcome_by) if row.outcome_by else None
    entries = log.newest_entries(s, store.case_entry_ids(s, row.id), store.MAX_CASE_ENTRIES_SHOWN)
    return CaseDetail(summary, _lines(s, entries), row.outcome_note, by)


def open_case(db: Database, actor: Actor, clock: Clock, query: SearchQuery, reason: str | None,
              entry_ids: list[int] | None = None) -> CaseDetail:
    """Open a granskningsärende on the entries ``entry_ids`` of the search ``query`` — or, when None, on its
    whole result. The entries are fixed when the case is opened (the log grows on). Logged as the reviewer's
    write."""
    require_reviewer(db, actor, clock, AuditAction.CREATE, CASE)
    criteria = _criteria(clock, query)
    try:
        text = check_case_reason(reason)
    except ValueError as exc:
        raise ValidationFailed(str(exc)) from None
    chosen = sorted(set(entry_ids)) if entry_ids is not None else None
    if chosen is not None and not chosen:
        raise ValidationFailed("review.case.no_entries_chosen")
    if chosen is not None and len(chosen) > MAX_CASE_ENTRIES:
        raise ValidationFailed("review.case.too_many", n=MAX_CASE_ENTRIES)
    with db.transaction() as s:
        resolved = _resolve(s, criteria)
        ids = [] if resolved.where is None else log.search_ids(s, resolved.where, limit=MAX_CASE_ENTRIES + 1,
                                                                  only=chosen)
        if chosen is not None and len(ids) != len(chosen):
            raise ValidationFailed("review.case.entries_not_in_result")
        if not ids:
            raise ValidationFailed("review.case.no_entries")
        if len(ids) > MAX_CASE_ENTRIES:
            raise ValidationFailed("review.case.too_many", n=MAX_CASE_ENTRIES)
        row = store.ReviewCaseRow(
            opened_by=actor.account_id, opened_at=clock.now(), reason=text,
            scope=(CaseScope.RESULT if chosen is None else CaseScope.ENTRIES).value, search_user=criteria.user,
            search_person=criteria.person, search_unit=criteria.unit, search_from=criteria.date_from,
            search_to=criteria.date_to, person_id=resolved.person_id, entry_count=len(ids),
        )
        s.add(row)
        s.flush()
        store.add_case_entries(s, row.id, ids)
        detail = _detail(s, row)
        record(s, _event(actor, clock, AuditAction.CREATE, resource_type=CASE, resource_id=str(row.id),
                         person_id=resolved.person_id))
    return detail


def list_cases(db: Database, actor: Actor, clock: Clock) -> list[CaseSummary]:
    """Every case, open ones first. Logged: the list shows what was searched, a person's identifier too."""
    require_reviewer(db, actor, clock, AuditAction.READ, CASE)
    with db.transaction() as s:
        summaries = _summaries(s, store.cases(s))
        record(s, _event(actor, clock, AuditAction.READ, resource_type=CASE))
    return summaries


def read_case(db: Database, actor: Actor, clock: Clock, case_id: int) -> CaseDetail:
    """One case with its entries. Logged."""
    require_reviewer(db, actor, clock, AuditAction.READ, CASE, str(case_id))
    with db.transaction() as s:
        row = s.get(store.ReviewCaseRow, case_id)
        if row is None:
            raise NotFound("review.case.not_found")
        detail = _detail(s, row)
        record(s, _event(actor, clock, AuditAction.READ, resource_type=CASE, resource_id=str(row.id),
                         person_id=row.person_id))
    return detail


def record_outcome(db: Database, actor: Actor, clock: Clock, case_id: int, outcome: str,
                   note: str | None) -> CaseDetail:
    """Close the case with its outcome and a written note, who and when. Logged as the reviewer's write."""
    require_reviewer(db, actor, clock, AuditAction.WRITE, CASE, str(case_id))
    try:
        value, text = check_outcome(outcome, note)
    except ValueError as exc:
        raise ValidationFailed(str(exc)) from None
    with db.transaction() as s:
        row = s.get(store.ReviewCaseRow, case_id, with_for_update=True)
        if row is None:
            raise NotFound("review.case.not_found")
        if row.outcome is not None:
            raise Conflict("review.case.closed")
        row.outcome, row.outcome_note, row.outcome_by, row.outcome_at = value.value, text, actor.account_id, \
            clock.now()
        s.flush()
        detail = _detail(s, row)
        record(s, _event(actor, clock, AuditAction.WRITE, resource_type=CASE, resource_id=str(row.id),
                         person_id=row.person_id))
    return detail
