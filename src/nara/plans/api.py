"""The Patientkontrakt and SIP over JSON (DOMAIN §2–3): HTTP in, a call to nara.plans.service, JSON out.

Concurrency: a plan's ``GET`` answers with ``ETag: "<plan_id>-<version>"`` — a strong tag naming the
stored version of the document. Every write to an existing plan (``PATCH``, and ``POST`` on its sub-resources)
needs ``If-Match`` (RFC 9110 §13.1.1, parsed by nara.core.conditional): a list matches when any of its tags
names the current version, ``*`` matches whatever version is current, a weak tag (``W/"…"``) never matches.
Without the header the answer is 428, a malformed one 400; when the plan has moved on, 412 with the current
version in the problem (``current_version``, ``current_etag``) and in ``ETag``.

Changes go as a list of operations (``{"op": "add_activity", …}``, see the schema) that together make one new
version. Every route asks the access policy first and leaves audit entries (nara.plans.service); a denial is a
403 problem that says why (``reason``, ``emergency_possible``, ``blocked``).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from nara.core.conditional import IfMatch as Condition
from nara.core.conditional import parse_if_match
from nara.plans import service
from nara.plans.model import Operation, PlanKind, SipPhase
from nara.plans.service import (
    DiffView,
    Notifier,
    PlanSummary,
    PlanView,
    ShownNotification,
    VersionInfo,
    VersionView,
    WorkItem,
    Written,
)
from nara.web.deps import Clk, CurrentActor, Db, IdPath
from nara.web.problems import ERRORS, problem_doc

VERSION_MAX = 2**31 - 1  # plan versions are INTEGER


async def get_notifier(request: Request) -> Notifier:
    """The application's notifier (nara.app wires ``app.state.notifier``; in-app by default)."""
    return getattr(request.app.state, "notifier", None) or service.DEFAULT_NOTIFIER


Notify = Annotated[Notifier, Depends(get_notifier)]


CONDITIONAL = {
    412: problem_doc("Planen har ändrats sedan den version som If-Match anger",
                     current_version={"type": "integer"}, current_etag={"type": "string"}),
    428: problem_doc("If-Match saknas"),
    400: problem_doc("If-Match följer inte formatet (RFC 9110)"),
}
SIP_INCOMPLETE = {
    422: problem_doc("Ogiltiga uppgifter, eller en SIP som saknar lagstadgade delar eller samtycke (missing)",
                     missing={"type": "array", "items": {"type": "object", "properties": {
                         "part": {"type": "string"}, "element_ids": {"type": "array", "items": {"type": "string"}},
                         "detail": {"type": "string"}}}}),
}
ETAG_HEADER = {"ETag": {"description": 'Planens version: "<plan_id>-<version>"', "schema": {"type": "string"}}}

router = APIRouter(tags=["planer"], responses=ERRORS)

IfMatch = Annotated[list[str] | None, Header(
    alias="If-Match", description='Planens ETag, "<plan_id>-<version>", från GET; flera åtskilda med komma, eller *')]
_TAG = re.compile(r'"(\d{1,19})-(\d{1,10})"')


def condition(if_match: list[str] | None) -> Condition:
    """The If-Match of a write: 428 when missing, 400 when malformed (nara.core.conditional)."""
    return parse_if_match(if_match, missing="plans.precondition_required")


def expected_version(session: Session, plan_id: int, cond: Condition) -> int:
    """The version the service is to find current: the one the condition names when it names one version of this
    plan (the usual case, no read); for ``*`` or several versions, the current one if the condition matches it.
    0 (never current) otherwise, so the service answers 412 with the current version — after the access check,
    which comes first. A plan that does not exist is left to the service (404)."""
    named = sorted({int(m.group(2)) for tag in cond.tags if (m := _TAG.fullmatch(tag))
                    and int(m.group(1)) == plan_id and int(m.group(2)) <= VERSION_MAX})
    if not cond.any and len(named) <= 1:
        return named[0] if named else 0
    current = service.plan_version(session, plan_id)
    if current is not None and cond.matches(service.etag(plan_id, current)):
        return current
    return named[-1] if named else 0


def _json(body: BaseModel, status_code: int = 200, tag: str | None = None, location: str | None = None) -> Response:
    """The body serialised once (the declared response model documents it)."""
    headers = {"ETag": tag} if tag else {}
    if location:
        headers["Location"] = location
    return Response(body.model_dump_json(), status_code=status_code, media_type="application/json", headers=headers)


# --- the staff worklist --------------------------------------------------------------------------------------------


@router.get("/plans/worklist", response_model=list[WorkItem], summary="Mina personer och planer")
def get_worklist(actor: CurrentActor, db: Db, clock: Clk,
                 limit: Annotated[int, Query(ge=1, le=service.WORKLIST_LIMIT)] = 50) -> Any:
    """Planer som din enhet ingår i, det som behöver göras först: försenade aktiviteter, personens obesvarade
    önskemål och nästa steg. Varje plan som visas loggas."""
    with db.transaction() as s:
        return service.worklist(s, actor, clock, limit)


# --- a person's plans ------------------------------------------------------------------------------------------------


class PlanCreateIn(BaseModel):
    kind: PlanKind = PlanKind.PATIENTKONTRAKT
    operations: list[Operation] = Field(default_factory=list, max_length=service.MAX_OPERATIONS,
                                        description="Planens första innehåll (version 1)")


@router.post("/persons/{person_id}/plans", response_model=PlanView, status_code=201,
             responses={201: {"headers": ETAG_HEADER}, 409: problem_doc("Personen har redan ett patientkontrakt")},
             summary="Skapa ett patientkontrakt eller en SIP")
def create_plan(person_id: IdPath, body: PlanCreateIn, actor: CurrentActor, db: Db, clock: Clk,
                notifier: Notify) -> Any:
    """Skapa en plan för personen, ägd av din enhet och vårdgivare. En person har ett aktivt patientkontrakt;
    en SIP börjar i fasen kallelse."""
    with db.transaction() as s:
        view = service.create_plan(s, actor, clock, person_id=person_id, kind=body.kind,
                                   operations=body.operations, notifier=notifier)
    return _json(view, 201, view.etag, f"/api/plans/{view.id}")


@router.get("/persons/{person_id}/plans", response_model=list[PlanSummary], summary="Personens planer")
def list_plans(person_id: IdPath, actor: CurrentActor, db: Db, clock: Clk) -> Any:
    """Personens planer som du får se, med nästa steg. Personen själv ser alla sina."""
    with db.transaction() as s:
        return service.plans_for_person(s, actor, clock, person_id)


# --- one plan --------------------------------------------------------------------------------------------------------


@router.get("/plans/{plan_id}", response_model=PlanView, responses={200: {"headers": ETAG_HEADER}},
            summary="Läs en plan")
def get_plan(plan_id: IdPath, actor: CurrentActor, db: Db, clock: Clk) -> Any:
    """Planen med nästa steg, försenade aktiviteter och, för en SIP, vad som saknas för att fastställa den."""
    view = service.read_plan(db, actor, clock, plan_id)  # its own unit of work: no transaction (service)
    return _json(view, tag=view.etag)


class ChangesIn(BaseModel):
    operations: list[Operation] = Field(min_length=1, max_length=service.MAX_OPERATIONS)


@router.patch("/plans/{plan_id}", response_model=PlanView,
              responses={200: {"headers": ETAG_HEADER}, **CONDITIONAL, 409: problem_doc("Krockar med planens läge")},
              summary="Ändra en plan")
def change_plan(plan_id: IdPath, body: ChangesIn, actor: CurrentActor, db: Db, clock: Clk, notifier: Notify,
                if_match: IfMatch = None) -> Any:
    """Ändringarna blir tillsammans en ny version. Kräver If-Match. Varje vårdgivare ändrar bara det den själv
    har dokumenterat; den enhet som ansvarar för en aktivitet dokumenterar dess status."""
    cond = condition(if_match)
    with db.transaction() as s:
        expected = expected_version(s, plan_id, cond)
        view = service.change_plan(s, actor, clock, plan_id, expected, body.operations, notifier)
    return _json(view, tag=view.etag)


class PhaseIn(BaseModel):
    phase: SipPhase


@router.post("/plans/{plan_id}/sip/phase", response_model=PlanView,
             responses={200: {"headers": ETAG_HEADER}, **CONDITIONAL, **SIP_INCOMPLETE,
                        409: problem_doc("Fasbytet finns inte i SIP:ens livscykel")},
             summary="Byt fas i en SIP")
def change_phase(plan_id: IdPath, body: PhaseIn, actor: CurrentActor, db: Db, clock: Clk, notifier: Notify,
                 if_match: IfMatch = None) -> Any:
    """Ett steg framåt, ett steg tillbaka eller till avslutad. Från plan till uppföljning fastställs planen: då
    krävs de fyra lagstadgade delarna och personens samtycke (422 med det som saknas)."""
    cond = condition(if_match)
    with db.transaction() as s:
        expected = expected_version(s, plan_id, cond)
        view = service.transition_sip(s, actor, clock, plan_id, expected, body.phase, notifier)
    return _json(view, tag=view.etag)


@router.post("/plans/{plan_id}/sip/finalise", response_model=PlanView,
             responses={200: {"headers": ETAG_HEADER}, **CONDITIONAL, **SIP_INCOMPLETE,
                        409: problem_doc("SIP:en är inte i fasen plan")},
             summary="Fastställ en SIP")
def finalise(plan_id: IdPath, actor: CurrentActor, db: Db, clock: Clk, notifier: Notify,
             if_match: IfMatch = None) -> Any:
    """Fastställ planen: från fasen plan till uppföljning. Svarar 422 och namnger varje lagstadgad del som
    saknas (insatser, ansvarig huvudman för varje insats, andras åtgärder eller att inga finns, huvudman med
    övergripande ansvar) och ett saknat samtycke."""
    cond = condition(if_match)
    with db.transaction() as s:
        expected = expected_version(s, plan_id, cond)
        view = service.finalise_sip(s, actor, clock, plan_id, expected, notifier)
    return _json(view, tag=view.etag)


class AnswerIn(BaseModel):
    accept: bool


@router.post("/plans/{plan_id}/sip/answer", response_model=Written,
             responses={200: {"headers": ETAG_HEADER}, **CONDITIONAL}, summary="Svara på en SIP-kallelse")
def answer(plan_id: IdPath, body: AnswerIn, actor: CurrentActor, db: Db, clock: Clk, notifier: Notify,
           if_match: IfMatch = None) -> Any:
    """Din enhet accepterar eller avböjer kallelsen. Att acceptera startar enhetens vårdrelation med personen."""
    cond = condition(if_match)
    with db.transaction() as s:
        expected = expected_version(s, plan_id, cond)
        written = service.answer_invitation(s, actor, clock, plan_id, expected, body.accept, notifier)
    return _json(written, tag=written.etag)


# --- a change to another principal's commitments ------------------------------------------------------------------


class ApprovalAnswerIn(BaseModel):
    accept: bool = Field(description="true: godkänn ändringen; false: avböj (skäl krävs)")
    reason: str | None = Field(None, max_length=4000, description="Varför ändringen avböjs")


@router.post("/plans/{plan_id}/approvals", response_model=PlanView,
             responses={200: {"headers": ETAG_HEADER}, **CONDITIONAL,
                        409: problem_doc("Inget väntar på din vårdgivares godkännande, eller planen är avslutad"),
                        422: problem_doc("Ett avböjande utan skäl, eller en SIP")},
             summary="Godkänn eller avböj ändringar av din vårdgivares åtaganden")
def answer_approvals(plan_id: IdPath, body: ApprovalAnswerIn, actor: CurrentActor, db: Db, clock: Clk,
                     notifier: Notify, if_match: IfMatch = None) -> Any:
    """När en annan vårdgivare har lagt till, ändrat, flyttat eller tagit bort en aktivitet som din vårdgivares
    enhet ansvarar för i ett patientkontrakt, godkänner eller avböjer din vårdgivare ändringen. Svaret gäller allt
    som väntar på din vårdgivare i den version som If-Match anger och sparas med namn, roll och tid. Det som väntar
    finns i planens ``document.commitment_approvals`` (``state`` vantar, godkand eller avbojd)."""
    cond = condition(if_match)
    with db.transaction() as s:
        expected = expected_version(s, plan_id, cond)
        view = service.answer_approvals(s, actor, clock, plan_id, expected, accept=body.accept, reason=body.reason,
                                        notifier=notifier)
    return _json(view, tag=view.etag)


# --- history ---------------------------------------------------------------------------------------------------------


@router.get("/plans/{plan_id}/versions", response_model=list[VersionInfo], summary="Planens historik")
def versions(plan_id: IdPath, actor: CurrentActor, db: Db, clock: Clk) -> Any:
    """Alla versioner, senaste först, med vem som ändrade, när och vad."""
    with db.transaction() as s:
        return service.history(s, actor, clock, plan_id)


@router.get("/plans/{plan_id}/versions/{version}", response_model=VersionView, summary="En version av planen")
def version(plan_id: IdPath, version: Annotated[int, Path(ge=1, le=VERSION_MAX)], actor: CurrentActor, db: Db,
            clock: Clk) -> Any:
    """Planen som den såg ut i en version."""
    with db.transaction() as s:
        return service.read_version(s, actor, clock, plan_id, version)


@router.get("/plans/{plan_id}/diff", response_model=DiffView, summary="Skillnaden mellan två versioner")
def diff(plan_id: IdPath, actor: CurrentActor, db: Db, clock: Clk,
         from_: Annotated[int, Query(alias="from", ge=1, le=VERSION_MAX)],
         to: Annotated[int, Query(ge=1, le=VERSION_MAX)]) -> Any:
    """Vad som ändrades från version ``from`` till ``to``, varje ändring också som en mening på svenska."""
    with db.transaction() as s:
        return service.diff(s, actor, clock, plan_id, from_, to)


# --- notifications ------------------------------------------------------------------------------------------------


class NotificationOut(BaseModel):
    id: int
    kind: str
    text: str
    person_id: int | None = Field(description="Utelämnas när du inte har åtkomst till personen (withheld)")
    plan_id: int | None
    to_unit: bool = Field(description="Till din enhet (inte bara till dig)")
    created_at: datetime
    read_at: datetime | None
    withheld: bool = Field(False, description="Personen visas inte: du har inte åtkomst till personen just nu")
    what: str = Field("", description="Vad som hände, med några ord")
    person_name: str | None = Field(None, description="Personens namn; utelämnas när du inte har åtkomst")
    person_identifier: str | None = Field(None, description="Personnumret; utelämnas när du inte har åtkomst")
    process_id: int | None = Field(None, description="Utskrivningsprocessen som meddelandet gäller")
    link: str | None = Field(None, description="Sidan som meddelandet gäller och som du får öppna "
                                               "(planen, SIP:en, utskrivningen eller personen)")
    link_kind: str | None = Field(None, description="Vilken sorts sida: plan, sip, discharge, person, worklist")


def _notification(shown: ShownNotification) -> NotificationOut:
    return NotificationOut(id=shown.id, kind=shown.kind, text=shown.text, person_id=shown.person_id,
                           plan_id=shown.plan_id, to_unit=shown.recipient_unit_id is not None,
                           created_at=shown.created_at, read_at=shown.read_at, withheld=shown.withheld,
                           what=shown.what, person_name=shown.person_name,
                           person_identifier=shown.person_identifier, process_id=shown.process_id,
                           link=shown.link, link_kind=shown.link_kind)


class ReadOut(BaseModel):
    marked: int = Field(description="Så många meddelanden markerades som lästa")
    unread: int = Field(description="Så många olästa meddelanden finns kvar")


def _process_check(request: Request) -> service.ProcessCheck | None:
    return getattr(request.app.state, "process_check", None)


@router.get("/notifications", response_model=list[NotificationOut], tags=["meddelanden"],
            summary="Mina meddelanden")
def my_notifications(request: Request, actor: CurrentActor, db: Db, clock: Clk, unread: bool = False) -> Any:
    """Dina meddelanden och, för personal, din enhets, senaste först. Varje person som meddelandena gäller
    prövas mot åtkomstreglerna och loggas, en gång per person; personens namn och personnummer och en länk till
    det som hänt (planen, utskrivningen eller personen) ges bara när du får se dem, och varje plan och process som
    länkas prövas och loggas också."""
    with db.transaction() as s:
        return [_notification(n) for n in service.shown_notifications(s, actor, clock, unread_only=unread,
                                                                      process_check=_process_check(request))]


@router.post("/notifications/{notification_id}/read", response_model=NotificationOut, tags=["meddelanden"],
             summary="Markera ett meddelande som läst")
def mark_read(request: Request, notification_id: IdPath, actor: CurrentActor, db: Db, clock: Clk) -> Any:
    with db.transaction() as s:
        row = service.mark_read(s, actor, clock, notification_id)
        return _notification(service.shown(s, actor, clock, [row], _process_check(request))[0])


@router.post("/notifications/read", response_model=ReadOut, tags=["meddelanden"],
             summary="Markera alla meddelanden som lästa")
def mark_all_read(actor: CurrentActor, db: Db, clock: Clk) -> Any:
    """Alla dina olästa meddelanden och, för personal, din enhets — även de som inte ryms i en lista."""
    with db.transaction() as s:
        marked = service.mark_all_read(s, actor, clock)
        return ReadOut(marked=marked, unread=service.unread_count(s, actor))
