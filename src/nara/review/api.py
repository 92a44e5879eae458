"""JSON routes (under /api) of the person's own log extract (/me/access-log) and of log follow-up (/review/...)
(DOMAIN §5). HTTP in, a call to nara.review.service, JSON out.

The routes of checks on suspicion (/review/search, /review/cases) let any signed-in account in and leave the refusal
to the use case, which logs it: a denied attempt at the log is an entry like any other."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from nara.core.actor import Actor, Role
from nara.core.i18n import SV
from nara.core.ids import ID_MAX
from nara.review import service
from nara.review.model import (
    MAX_CASE_ENTRIES,
    MAX_COMMENT_LENGTH,
    MAX_QUERY_LENGTH,
    MAX_REASON_LENGTH,
    CaseOutcome,
    CaseScope,
    SearchCriteria,
    SelectionReason,
    TargetKind,
    Verdict,
)
from nara.web.deps import Clk, CurrentActor, Db, IdPath, require_role
from nara.web.problems import FORBIDDEN, INVALID, UNAUTHENTICATED, problem_doc

router = APIRouter()

Resident = Annotated[Actor, Depends(require_role(Role.RESIDENT))]
Reviewer = Annotated[Actor, Depends(require_role(Role.REVIEWER))]
Anyone = CurrentActor  # the use case refuses other roles than the reviewer, logged
NOT_FOUND = {404: problem_doc("Finns inte")}
CONFLICT = {409: problem_doc("Krockar med det som redan finns")}


class WhoOut(BaseModel):
    staff_name: str | None
    profession: str | None
    unit: str | None
    unit_hsa_id: str | None
    care_provider: str | None


def _who(who: service.Who | None) -> WhoOut | None:
    if who is None:
        return None
    return WhoOut(staff_name=who.staff_name, profession=who.profession, unit=who.unit_name,
                  unit_hsa_id=who.unit_hsa_id, care_provider=who.provider_name)


# --- the person's own view ----------------------------------------------------------------------------------------


class ExtractEntryOut(BaseModel):
    occurred_at: datetime
    staff_name: str | None
    profession: str | None


class ExtractGroupOut(BaseModel):
    sentence: str = Field(description="Gruppen i en mening, t.ex. 'Vårdcentralen Kumla läste din plan 3 gånger "
                                      "den 4 december.'")
    day: date = Field(description="Dagen, i svensk tid")
    unit: str | None
    care_provider: str | None
    action: str
    information_category: str | None
    count: int
    denied: bool = Field(description="Försök som nekades")
    log_review: bool = Field(description="Åtkomst vid logguppföljning, inte i vården")
    emergency_access: bool = Field(description="Nödåtkomst")
    emergency_reason: str | None = Field(description="Skälet som angavs för nödåtkomsten")
    staff: list[str] = Field(description="Medarbetarna, med yrke")
    entries: list[ExtractEntryOut] = Field(description="De enskilda åtkomsterna, de senaste först")


class ExtractOut(BaseModel):
    total: int = Field(description="Alla åtkomster av andra i loggen")
    emergency: list[ExtractGroupOut] = Field(description="Varje nödåtkomst (bara på första sidan)")
    groups: list[ExtractGroupOut] = Field(description="Övriga åtkomster per enhet och dag, de senaste först")
    from_day: date | None
    older_from: date | None = Field(description="Nästa, äldre sida: ange som from_day")


def _group(item: service.ExtractSentence) -> ExtractGroupOut:
    g = item.group
    return ExtractGroupOut(
        sentence=item.sentence, day=g.day, unit=g.unit_name, care_provider=g.provider_name, action=g.action,
        information_category=g.category, count=g.count, denied=g.denied, log_review=g.log_review,
        emergency_access=g.emergency, emergency_reason=g.emergency_reason,
        staff=[f"{name}, {SV.get('web.profession.' + profession, profession).lower()}" if profession else name
               for name, profession in g.staff],
        entries=[ExtractEntryOut(occurred_at=e.occurred_at, staff_name=e.staff_name, profession=e.profession)
                 for e in g.entries],
    )


@router.get("/me/access-log", response_model=ExtractOut, tags=["min sida"],
            responses={**UNAUTHENTICATED, **FORBIDDEN}, summary="Vem har läst om mig (loggutdrag)")
def my_access_log(actor: Resident, db: Db, clock: Clk,
                  from_day: Annotated[date | None, Query(description="Visa denna dag och äldre")] = None,
                  ) -> ExtractOut:
    """Vilka enheter som har tagit del av dina uppgifter, samlat per enhet och dag, de senaste först, med
    medarbetarna och de enskilda tidpunkterna. Nödåtkomst visas för sig med angivet skäl, nekade försök som
    sådana. Att du läser loggen loggas också."""
    extract = service.log_extract(db, actor, clock, from_day)
    return ExtractOut(total=extract.total, emergency=[_group(g) for g in extract.emergency],
                      groups=[_group(g) for g in extract.groups], from_day=extract.from_day,
                      older_from=extract.older_from)


# --- log follow-up ------------------------------------------------------------------------------------------------


class QueueItemOut(BaseModel):
    id: int
    target_kind: TargetKind
    reasons: list[SelectionReason]
    occurred_at: datetime
    who: WhoOut | None
    action: str | None
    information_category: str | None
    distinct_staff: int | None
    verdict: Verdict | None
    reviewed_at: datetime | None


class QueueOut(BaseModel):
    period: str
    sample_drawn: bool = Field(description="Stickprovet dras när månaden är slut")
    sample_size: int
    population: int = Field(description="Månadens åtkomster som stickprovet dras ur")
    many_staff_threshold: int
    open: int
    closed: int
    items: list[QueueItemOut]


@router.get("/review/queue", response_model=QueueOut, tags=["logguppföljning"],
            responses={**UNAUTHENTICATED, **FORBIDDEN, **INVALID}, summary="Granskningskön för en månad")
def review_queue(request: Request, actor: Reviewer, db: Db, clock: Clk,
                 period: Annotated[str | None, Query(max_length=7, description="ÅÅÅÅ-MM")] = None) -> QueueOut:
    """Stickprov, varje nödåtkomst, varje åtkomst till skyddad identitet och personer som öppnats av många
    medarbetare. Kön visar inte vilka personerna är; det gör posten när den öppnas (och det loggas)."""
    queue = service.review_queue(db, actor, clock, service.parse_period(period, clock),
                                 service.rules_from(request.app.state.settings))
    return QueueOut(
        period=str(queue.period), sample_drawn=queue.sample_drawn, sample_size=queue.sample_size,
        population=queue.population, many_staff_threshold=queue.rules.many_staff_threshold,
        open=queue.open_count, closed=queue.closed_count,
        items=[QueueItemOut(id=i.id, target_kind=i.target_kind, reasons=i.reasons, occurred_at=i.occurred_at,
                            who=_who(i.who), action=i.action, information_category=i.category,
                            distinct_staff=i.distinct_staff, verdict=i.verdict, reviewed_at=i.reviewed_at)
               for i in queue.items],
    )


class ContextOut(BaseModel):
    occurred_at: datetime
    action: str
    information_category: str | None
    resource: str | None
    who: WhoOut
    emergency_reason: str | None


class StaffCountOut(BaseModel):
    who: WhoOut
    count: int


class ItemOut(BaseModel):
    id: int
    period: str
    target_kind: TargetKind
    reasons: list[SelectionReason]
    occurred_at: datetime
    person_name: str
    person_identifier: str
    protected_identity: bool
    access: ContextOut | None
    purpose: str | None
    care_relationships_at_the_time: list[str]
    emergency_reason: str | None
    emergency_started_at: datetime | None
    emergency_expires_at: datetime | None
    context: list[ContextOut]
    staff: list[StaffCountOut]
    verdict: Verdict | None
    comment: str | None
    reviewed_at: datetime | None
    reviewed_by: str | None


def _context(line: service.ContextLine) -> ContextOut:
    who = _who(line.who)
    assert who is not None
    return ContextOut(occurred_at=line.occurred_at, action=line.action, information_category=line.category,
                      resource=line.resource, who=who, emergency_reason=line.emergency_reason)


def _item(d: service.ItemDetail) -> ItemOut:
    return ItemOut(
        id=d.id, period=str(d.period), target_kind=d.target_kind, reasons=d.reasons, occurred_at=d.occurred_at,
        person_name=d.person_name, person_identifier=d.person_identifier, protected_identity=d.protected_identity,
        access=_context(d.access) if d.access else None, purpose=d.purpose,
        care_relationships_at_the_time=d.relationships, emergency_reason=d.emergency_reason,
        emergency_started_at=d.emergency_started_at, emergency_expires_at=d.emergency_expires_at,
        context=[_context(c) for c in d.context],
        staff=[StaffCountOut(who=_who(c.who), count=c.count) for c in d.staff],  # type: ignore[arg-type]
        verdict=d.verdict, comment=d.comment, reviewed_at=d.reviewed_at, reviewed_by=d.reviewed_by,
    )


@router.get("/review/items/{item_id}", response_model=ItemOut, tags=["logguppföljning"],
            responses={**UNAUTHENTICATED, **FORBIDDEN, **NOT_FOUND}, summary="Öppna en granskningspost")
def review_item(item_id: IdPath, actor: Reviewer, db: Db, clock: Clk) -> ItemOut:
    """Loggposten och dess sammanhang. Att posten öppnas loggas (ändamål logguppföljning)."""
    return _item(service.open_item(db, actor, clock, item_id))


class VerdictIn(BaseModel):
    verdict: Verdict
    comment: str | None = Field(default=None, max_length=MAX_COMMENT_LENGTH)


@router.post("/review/items/{item_id}/verdict", response_model=ItemOut, tags=["logguppföljning"],
             responses={**UNAUTHENTICATED, **FORBIDDEN, **NOT_FOUND, **INVALID, **CONFLICT},
             summary="Bedöm och stäng en granskningspost")
def review_verdict(item_id: IdPath, body: VerdictIn, actor: Reviewer, db: Db, clock: Clk) -> ItemOut:
    """Godtagbar, behöver utredas eller otillåten, med kommentar (krävs utom för godtagbar). Stänger posten;
    en nödåtkomst markeras som granskad."""
    return _item(service.record_verdict(db, actor, clock, item_id, body.verdict.value, body.comment))


# --- checks on suspicion --------------------------------------------------------------------------------------------

Text = Annotated[str | None, Query(max_length=MAX_QUERY_LENGTH)]


class LogLineOut(BaseModel):
    id: int
    seq: int
    occurred_at: datetime
    username: str
    who: WhoOut
    person_name: str | None
    person_identifier: str | None
    action: str
    information_category: str | None
    purpose: str | None
    allowed: bool
    denial_reason: str | None
    emergency_reason: str | None


def _log_line(line: service.LogLine) -> LogLineOut:
    return LogLineOut(
        id=line.id, seq=line.seq, occurred_at=line.occurred_at, username=line.username,
        who=_who(line.who),  # type: ignore[arg-type]
        person_name=line.person_name, person_identifier=line.person_identifier, action=line.action,
        information_category=line.category, purpose=line.purpose, allowed=line.allowed,
        denial_reason=line.denial_reason, emergency_reason=line.emergency_reason,
    )


class CriteriaOut(BaseModel):
    user: str | None
    person: str | None
    unit: str | None
    date_from: date | None
    date_to: date | None


def _criteria(c: SearchCriteria) -> CriteriaOut:
    return CriteriaOut(user=c.user, person=c.person, unit=c.unit, date_from=c.date_from, date_to=c.date_to)


class SearchOut(BaseModel):
    criteria: CriteriaOut
    entries: list[LogLineOut]
    older_than: int | None = Field(description="Nästa sida: ange som older_than; saknas på sista sidan")


@router.get("/review/search", response_model=SearchOut, tags=["logguppföljning"],
            responses={**UNAUTHENTICATED, **FORBIDDEN, **INVALID}, summary="Sök i loggen (kontroll vid misstanke)")
def review_search_log(actor: Anyone, db: Db, clock: Clk, user: Text = None, person: Text = None, unit: Text = None,
                      date_from: date | None = None, date_to: date | None = None,
                      older_than: Annotated[int | None, Query(ge=1, le=ID_MAX)] = None,
                      limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE_SIZE)] = service.PAGE_SIZE,
                      ) -> SearchOut:
    """Loggposter efter användare (användarnamn eller namn), person (personnummer), enhet (HSA-id eller namn) och
    period (hela dagar i svensk tid), de senaste först. Minst ett villkor. Sökningen loggas."""
    query = service.SearchQuery(user, person, unit, date_from, date_to)
    result = service.search_log(db, actor, clock, query, older_than=older_than, limit=limit)
    return SearchOut(criteria=_criteria(result.criteria), entries=[_log_line(x) for x in result.lines],
                     older_than=result.older_than)


class CaseIn(BaseModel):
    user: str | None = Field(default=None, max_length=MAX_QUERY_LENGTH)
    person: str | None = Field(default=None, max_length=MAX_QUERY_LENGTH)
    unit: str | None = Field(default=None, max_length=MAX_QUERY_LENGTH)
    date_from: date | None = None
    date_to: date | None = None
    reason: str = Field(max_length=MAX_REASON_LENGTH, description="Varför ärendet öppnas, med ord")
    entry_ids: list[Annotated[int, Field(ge=1, le=ID_MAX)]] | None = Field(
        default=None, max_length=MAX_CASE_ENTRIES,
        description="Loggposterna ärendet gäller; utelämnas för hela sökresultatet")


class CaseOut(BaseModel):
    id: int
    opened_at: datetime
    opened_by: str
    reason: str
    criteria: CriteriaOut
    scope: CaseScope
    entry_count: int
    status: str = Field(description="open eller closed")
    outcome: CaseOutcome | None
    outcome_at: datetime | None


class CaseDetailOut(BaseModel):
    case: CaseOut
    outcome_note: str | None
    outcome_by: str | None
    entries: list[LogLineOut] = Field(description="Loggposterna, de senaste först")


def _case(c: service.CaseSummary) -> CaseOut:
    return CaseOut(id=c.id, opened_at=c.opened_at, opened_by=c.opened_by, reason=c.reason,
                   criteria=_criteria(c.criteria), scope=c.scope, entry_count=c.entry_count,
                   status="open" if c.is_open else "closed", outcome=c.outcome, outcome_at=c.outcome_at)


def _case_detail(d: service.CaseDetail) -> CaseDetailOut:
    return CaseDetailOut(case=_case(d.summary), outcome_note=d.outcome_note, outcome_by=d.outcome_by,
                         entries=[_log_line(x) for x in d.lines])


class CasesOut(BaseModel):
    cases: list[CaseOut]


@router.post("/review/cases", response_model=CaseDetailOut, status_code=201, tags=["logguppföljning"],
             responses={**UNAUTHENTICATED, **FORBIDDEN, **INVALID}, summary="Öppna ett granskningsärende")
def review_open_case(body: CaseIn, actor: Anyone, db: Db, clock: Clk) -> CaseDetailOut:
    """Från en sökning: på markerade loggposter eller hela sökresultatet, med skäl. Loggas."""
    query = service.SearchQuery(body.user, body.person, body.unit, body.date_from, body.date_to)
    return _case_detail(service.open_case(db, actor, clock, query, body.reason, body.entry_ids))


@router.get("/review/cases", response_model=CasesOut, tags=["logguppföljning"],
            responses={**UNAUTHENTICATED, **FORBIDDEN}, summary="Granskningsärenden")
def review_cases(actor: Anyone, db: Db, clock: Clk) -> CasesOut:
    """Alla ärenden, öppna först. Loggas."""
    return CasesOut(cases=[_case(c) for c in service.list_cases(db, actor, clock)])


@router.get("/review/cases/{case_id}", response_model=CaseDetailOut, tags=["logguppföljning"],
            responses={**UNAUTHENTICATED, **FORBIDDEN, **NOT_FOUND}, summary="Ett granskningsärende")
def review_case(case_id: IdPath, actor: Anyone, db: Db, clock: Clk) -> CaseDetailOut:
    """Ärendet med sina loggposter. Loggas."""
    return _case_detail(service.read_case(db, actor, clock, case_id))


class OutcomeIn(BaseModel):
    outcome: CaseOutcome
    note: str = Field(max_length=MAX_COMMENT_LENGTH, description="Vad granskningen visade")


@router.post("/review/cases/{case_id}/outcome", response_model=CaseDetailOut, tags=["logguppföljning"],
             responses={**UNAUTHENTICATED, **FORBIDDEN, **NOT_FOUND, **INVALID, **CONFLICT},
             summary="Registrera utfall och avsluta ärendet")
def review_case_outcome(case_id: IdPath, body: OutcomeIn, actor: Anyone, db: Db, clock: Clk) -> CaseDetailOut:
    """Ingen anmärkning, åtgärd krävs eller anmält, med anteckning. Vem och när sparas. Loggas."""
    return _case_detail(service.record_outcome(db, actor, clock, case_id, body.outcome.value, body.note))
