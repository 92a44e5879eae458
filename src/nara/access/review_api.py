"""JSON routes (under /api) of the person's own access view (/me/...) and of log follow-up (/review/...)
(DOMAIN §5). HTTP in, a call to nara.access.review_service, JSON out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from nara.access import review_service as service
from nara.access.review import MAX_COMMENT_LENGTH, SelectionReason, TargetKind, Verdict
from nara.auth.api import FORBIDDEN, INVALID, UNAUTHENTICATED, _problem
from nara.auth.deps import require_role
from nara.auth.model import Actor, Role
from nara.core.clock import Clock
from nara.core.db import ID_MAX, Database
from nara.core.deps import IdPath, get_clock, get_db

router = APIRouter()

Db = Annotated[Database, Depends(get_db)]
Clk = Annotated[Clock, Depends(get_clock)]
Resident = Annotated[Actor, Depends(require_role(Role.RESIDENT))]
Reviewer = Annotated[Actor, Depends(require_role(Role.REVIEWER))]
NOT_FOUND = {404: _problem("Finns inte")}
CONFLICT = {409: _problem("Krockar med det som redan finns")}


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


class ExtractLineOut(BaseModel):
    occurred_at: datetime
    action: str
    information_category: str | None
    staff_name: str | None
    profession: str | None
    unit: str | None
    care_provider: str | None
    log_review: bool = Field(description="Åtkomst vid logguppföljning, inte i vården")
    emergency_access: bool = Field(description="Nödåtkomst")
    emergency_reason: str | None = Field(description="Skälet som angavs för nödåtkomsten")


class ExtractOut(BaseModel):
    total: int
    page: int
    per_page: int
    entries: list[ExtractLineOut]


@router.get("/me/access-log", response_model=ExtractOut, tags=["min sida"],
            responses={**UNAUTHENTICATED, **FORBIDDEN}, summary="Vem har läst om mig (loggutdrag)")
def my_access_log(actor: Resident, db: Db, clock: Clk,
                  page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> ExtractOut:
    """Vilka enheter, vårdgivare och medarbetare som har tagit del av dina uppgifter, de senaste först.
    Nödåtkomst markeras med angivet skäl. Att du läser loggen loggas också."""
    extract = service.log_extract(db, actor, clock, page)
    return ExtractOut(total=extract.total, page=extract.page, per_page=extract.per_page, entries=[
        ExtractLineOut(occurred_at=line.occurred_at, action=line.action, information_category=line.category,
                       staff_name=line.who.staff_name, profession=line.who.profession, unit=line.who.unit_name,
                       care_provider=line.who.provider_name, log_review=line.log_review,
                       emergency_access=line.emergency, emergency_reason=line.emergency_reason)
        for line in extract.lines])


class ConsentOut(BaseModel):
    id: int
    care_provider_id: int
    care_provider: str
    plan_ref: str | None
    valid_from: datetime
    valid_to: datetime | None
    revoked_at: datetime | None
    given_by: str
    status: str = Field(description="active, revoked, ended eller future")


class ProviderOut(BaseModel):
    id: int
    name: str


class ConsentsOut(BaseModel):
    consents: list[ConsentOut]
    my_providers: list[ProviderOut] = Field(description="Vårdgivare du har eller har haft vårdrelation med")
    all_providers: list[ProviderOut]


def _consent(c: service.ConsentLine) -> ConsentOut:
    return ConsentOut(id=c.id, care_provider_id=c.provider_id, care_provider=c.provider_name, plan_ref=c.plan_ref,
                      valid_from=c.valid_from, valid_to=c.valid_to, revoked_at=c.revoked_at, given_by=c.given_by,
                      status=c.status)


@router.get("/me/consents", response_model=ConsentsOut, tags=["min sida"],
            responses={**UNAUTHENTICATED, **FORBIDDEN}, summary="Mina samtycken")
def my_consents(actor: Resident, db: Db, clock: Clk) -> ConsentsOut:
    mine = service.my_consents(db, actor, clock)
    return ConsentsOut(consents=[_consent(c) for c in mine.consents],
                       my_providers=[ProviderOut(id=p.id, name=p.name) for p in mine.my_providers],
                       all_providers=[ProviderOut(id=p.id, name=p.name) for p in mine.all_providers])


class ConsentIn(BaseModel):
    care_provider_id: int = Field(ge=1, le=ID_MAX)


@router.post("/me/consents", response_model=ConsentOut, status_code=201, tags=["min sida"],
             responses={**UNAUTHENTICATED, **FORBIDDEN, **INVALID, **NOT_FOUND, **CONFLICT},
             summary="Ge samtycke till en vårdgivare")
def give_consent(body: ConsentIn, actor: Resident, db: Db, clock: Clk) -> ConsentOut:
    """Vårdgivaren får ta del av det andra vårdgivare har dokumenterat om dig, från nu tills du återkallar."""
    return _consent(service.give_my_consent(db, actor, clock, body.care_provider_id))


@router.post("/me/consents/{consent_id}/revoke", response_model=ConsentOut, tags=["min sida"],
             responses={**UNAUTHENTICATED, **FORBIDDEN, **NOT_FOUND, **CONFLICT}, summary="Återkalla samtycke")
def revoke_consent(consent_id: IdPath, actor: Resident, db: Db, clock: Clk) -> ConsentOut:
    """Gäller från nästa begäran."""
    return _consent(service.revoke_my_consent(db, actor, clock, consent_id))


class BlockOut(BaseModel):
    id: int
    kind: str
    information_category: str | None
    plan_ref: str | None
    set_by_unit: str | None
    set_by_care_provider: str
    set_at: datetime
    lifted_at: datetime | None


class BlocksOut(BaseModel):
    blocks: list[BlockOut]


@router.get("/me/blocks", response_model=BlocksOut, tags=["min sida"],
            responses={**UNAUTHENTICATED, **FORBIDDEN}, summary="Mina spärrar")
def my_blocks(actor: Resident, db: Db, clock: Clk) -> BlocksOut:
    mine = service.my_blocks(db, actor, clock)
    return BlocksOut(blocks=[BlockOut(id=b.id, kind=b.kind.value, information_category=b.category,
                                      plan_ref=b.plan_ref, set_by_unit=b.unit_name,
                                      set_by_care_provider=b.provider_name, set_at=b.set_at, lifted_at=b.lifted_at)
                             for b in mine.blocks])


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
