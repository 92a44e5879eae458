"""The discharge process (lag 2017:612, DOMAIN §4) over JSON: HTTP in, a call to nara.discharge.service, JSON out.

Every route asks the access policy through the service and leaves audit entries; a denial is a 403 problem that
says why (``reason``, ``emergency_possible``, ``blocked``). A step the process cannot take now (e.g. utskrivningsklar
twice) is 409; a step another party registers (e.g. a receiver marking utskrivningsklar) is 403 without an audit
entry, since nothing was read or written. Each change is pushed to the open worklists of the units concerned
(``GET /api/live``: ``change`` events of kind ``utskrivning`` with ref ``discharge:<id>``) when it commits.

The steps are one route each, ``POST /api/discharge/processes/{id}/<action>``, named as in
``ProcessView.actions`` so a page can offer exactly what the reader's unit may do now. The payment report is JSON
(``/api/discharge/payment``) and downloads (``payment.csv``, ``payment.xlsx``; nara.discharge.model.payment_export).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from nara.core.clock import Period
from nara.core.errors import NotFound, ValidationFailed
from nara.core.i18n import t
from nara.core.ids import ID_MAX
from nara.core.values import ShortText, VideoLink
from nara.discharge import service
from nara.discharge.model import (
    XLSX,
    AgreementError,
    CareType,
    DueKind,
    InterruptionReason,
    Step,
    agreement_in_force,
)
from nara.discharge.service import (
    Outlets,
    PaymentReportView,
    ProcessSummary,
    ProcessView,
    ResidentProcessView,
    WorkItem,
)
from nara.plans.model import When
from nara.web.deps import Clk, CurrentActor, Db, IdPath
from nara.web.outcome import download
from nara.web.problems import ERRORS, problem_doc

BoundedId = Annotated[int, Field(ge=1, le=ID_MAX)]
Day = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2199, 12, 31))]
Note = Annotated[str | None, Field(max_length=service.NOTE_MAX_LENGTH, description="Meddelandets text")]
MessageId = Annotated[str, Path(pattern=r"^m[0-9]{1,12}$", description="Meddelandets id, t.ex. m2")]
KommunCode = Annotated[str, Query(pattern=r"^[0-9]{4}$", description="Kommunkod (SCB), t.ex. 1881")]
Month = Annotated[str, Query(pattern=r"^[0-9]{4}-[0-9]{2}$", description="Månad, ÅÅÅÅ-MM")]


STEP_ERRORS: dict[int | str, dict[str, Any]] = {
    409: problem_doc("Steget går inte att registrera i processens läge, eller processen ändrades samtidigt"),
}

router = APIRouter(prefix="/discharge", tags=["utskrivning"], responses=ERRORS)


async def get_outlets(request: Request) -> Outlets:
    """Where changes are told: the application's live broker and notifier (nara.app wires both)."""
    return service.outlets_of(request.app.state)


Tell = Annotated[Outlets, Depends(get_outlets)]


# --- worklists ----------------------------------------------------------------------------------------------------


@router.get("/worklist", response_model=list[WorkItem], summary="Enhetens utskrivningar")
def get_worklist(actor: CurrentActor, db: Db, clock: Clk,
                 limit: Annotated[int, Query(ge=1, le=service.WORKLIST_LIMIT)] = 200) -> Any:
    """Pågående utskrivningsprocesser där din enhet är vårdavdelning eller mottagare: vad som ska göras, snart är
    försenat och är försenat, okvitterade meddelanden och eskalering. Varje process som visas loggas."""
    with db.transaction() as s:
        return service.worklist(s, actor, clock, limit)


class PendingOut(BaseModel):
    unacknowledged: int = Field(description="Meddelanden som din enhet inte har kvitterat")


@router.get("/worklist/pending", response_model=PendingOut, summary="Antal okvitterade meddelanden")
def get_pending(actor: CurrentActor, db: Db) -> PendingOut:
    """Hur många meddelanden din enhet inte har kvitterat (bara ett antal, inga personuppgifter)."""
    with db.transaction() as s:
        return PendingOut(unacknowledged=service.pending_acknowledgements(s, actor))


@router.get("/mine", response_model=list[ResidentProcessView], summary="Mina utskrivningar")
def get_mine(actor: CurrentActor, db: Db, clock: Clk) -> Any:
    """För invånaren: dina utskrivningar från sjukhus — vem som är din fasta vårdkontakt och när SIP-mötet är."""
    with db.transaction() as s:
        return service.my_processes(s, actor, clock)


@router.get("/persons/{person_id}/processes", response_model=list[ProcessSummary],
            summary="Personens utskrivningsprocesser")
def get_person_processes(person_id: IdPath, actor: CurrentActor, db: Db, clock: Clk) -> Any:
    """Personens utskrivningsprocesser som du får se, senaste först."""
    with db.transaction() as s:
        return service.processes_for_person(s, actor, clock, person_id)


# --- one process --------------------------------------------------------------------------------------------------


class OpenIn(BaseModel):
    person_id: BoundedId
    admitted_at: When | None = Field(None, description="Inskrivningen; utelämnad: nu (högst 30 dagar bakåt)")
    estimated_discharge: Day | None = Field(
        None, description="Beräknat utskrivningsdatum: skickar inskrivningsmeddelandet direkt")
    receiver_unit_ids: list[BoundedId] | None = Field(
        None, max_length=20, description="Mottagarna; utelämnade: de som hittas i katalogen")
    note: Note = None
    care: CareType = Field(CareType.SOMATIC, description="somatic eller psychiatric: sluten psykiatrisk vård kan ha "
                                                         "andra fria dagar i överenskommelsen")


@router.post("/processes", response_model=ProcessView, status_code=201, responses=STEP_ERRORS,
             summary="Skriv in en patient (öppna en utskrivningsprocess)")
def open_process(body: OpenIn, actor: CurrentActor, db: Db, clock: Clk, tell: Tell) -> Response:
    """Vårdavdelningen skriver in patienten. Med beräknat utskrivningsdatum skickas inskrivningsmeddelandet till
    mottagarna direkt: vårdcentralen där personen är listad och hemkommunens hemsjukvård, hemtjänst och
    biståndshandläggning, om inte andra mottagare anges."""
    with db.transaction() as s:
        view = service.open_process(s, actor, clock, person_id=body.person_id, admitted_at=body.admitted_at,
                                    estimated_discharge=body.estimated_discharge,
                                    receiver_unit_ids=body.receiver_unit_ids, note=body.note, care=body.care,
                                    outlets=tell)
    return Response(view.model_dump_json(), status_code=201, media_type="application/json",
                    headers={"Location": f"/api/discharge/processes/{view.id}"})


@router.get("/processes/{process_id}", response_model=ProcessView, summary="Läs en utskrivningsprocess")
def get_process(process_id: IdPath, actor: CurrentActor, db: Db, clock: Clk) -> Any:
    """Processen med varje steg och dess tidsgräns enligt överenskommelsen, meddelandena med varje mottagares
    kvittens, historiken med vem och när, och det din enhet kan göra nu."""
    with db.transaction() as s:
        return service.read_process(s, actor, clock, process_id)


class NoticeIn(BaseModel):
    estimated_discharge: Day
    receiver_unit_ids: list[BoundedId] | None = Field(None, max_length=20,
                                                      description="Utelämnade: de som hittas i katalogen")
    note: Note = None


class EstimateIn(BaseModel):
    estimated_discharge: Day
    note: Note = None


class ReceiversIn(BaseModel):
    unit_ids: list[BoundedId] = Field(min_length=1, max_length=20)


class NoteIn(BaseModel):
    note: Note = None


class ReadyIn(BaseModel):
    note: Note = None
    judged_at: When | None = Field(None, description="När läkaren bedömde patienten utskrivningsklar (högst 30 dagar "
                                                     "bakåt); utelämnad: nu. Underrättelsen skickas nu, och "
                                                     "betalningsdagarna räknas från den.")


class CareContactIn(BaseModel):
    staff_id: BoundedId = Field(description="Medarbetare på din enhet")


class SipNeedIn(BaseModel):
    needed: bool


class SipInvitationIn(BaseModel):
    sip_at: When = Field(description="När SIP-mötet hålls")
    place: ShortText | None = None
    video_link: VideoLink | None = None
    note: Note = None


class DischargeIn(BaseModel):
    discharged_at: When | None = Field(None, description="Utelämnad: nu")


class InterruptIn(BaseModel):
    reason: InterruptionReason
    note: Note = None


def _step(path: str, summary: str, description: str):  # type: ignore[no-untyped-def]
    return router.post(f"/processes/{{process_id}}/{path}", response_model=ProcessView, responses=STEP_ERRORS,
                       summary=summary, description=description)


@_step("admission-notice", "Skicka inskrivningsmeddelande",
       "Till mottagarna från katalogen eller de angivna, med beräknat utskrivningsdatum (inom 24 timmar).")
def admission_notice(process_id: IdPath, body: NoticeIn, actor: CurrentActor, db: Db, clock: Clk,
                     tell: Tell) -> Any:
    with db.transaction() as s:
        return service.send_admission_notice(s, actor, clock, process_id, estimated_discharge=body.estimated_discharge,
                                             receiver_unit_ids=body.receiver_unit_ids, note=body.note, outlets=tell)


@_step("needs-assessed", "Behov av insatser bedömt efter inskrivningen",
       "Läkaren bedömer nu att patienten kan behöva insatser efter utskrivningen: de 24 timmarna räknas härifrån.")
def needs_assessed(process_id: IdPath, actor: CurrentActor, db: Db, clock: Clk, tell: Tell) -> Any:
    with db.transaction() as s:
        return service.record_needs_assessed(s, actor, clock, process_id, outlets=tell)


@_step("estimate", "Ändra beräknat utskrivningsdatum", "Meddelas alla mottagare; tidsgränser som vilar på det flyttas.")
def estimate(process_id: IdPath, body: EstimateIn, actor: CurrentActor, db: Db, clock: Clk, tell: Tell) -> Any:
    with db.transaction() as s:
        return service.revise_estimate(s, actor, clock, process_id, estimated_discharge=body.estimated_discharge,
                                       note=body.note, outlets=tell)


@_step("receivers", "Lägg till mottagare", "Fler mottagande enheter; de får meddelandena från och med nu.")
def receivers(process_id: IdPath, body: ReceiversIn, actor: CurrentActor, db: Db, clock: Clk, tell: Tell) -> Any:
    with db.transaction() as s:
        return service.add_receivers(s, actor, clock, process_id, unit_ids=body.unit_ids, outlets=tell)


@_step("planning", "Skicka planeringsunderlag", "Till alla mottagare.")
def planning(process_id: IdPath, actor: CurrentActor, db: Db, clock: Clk, tell: Tell, body: NoteIn | None = None,
             ) -> Any:
    with db.transaction() as s:
        return service.document_planning(s, actor, clock, process_id, note=body.note if body else None, outlets=tell)


@_step("care-contact", "Utse fast vårdkontakt", "Den öppna vården utser en fast vårdkontakt bland enhetens personal.")
def care_contact(process_id: IdPath, body: CareContactIn, actor: CurrentActor, db: Db, clock: Clk,
                 tell: Tell) -> Any:
    with db.transaction() as s:
        return service.appoint_care_contact(s, actor, clock, process_id, staff_id=body.staff_id, outlets=tell)


@_step("ready", "Patienten är utskrivningsklar",
       "Läkarens bedömning och underrättelsen till kommunen och den öppna vården, som skickas nu.")
def ready(process_id: IdPath, actor: CurrentActor, db: Db, clock: Clk, tell: Tell, body: ReadyIn | None = None) -> Any:
    with db.transaction() as s:
        return service.mark_ready(s, actor, clock, process_id, note=body.note if body else None,
                                  judged_at=body.judged_at if body else None, outlets=tell)


@_step("not-ready", "Inte längre utskrivningsklar", "Patienten blev sämre igen; betalningsdagarna upphör.")
def not_ready(process_id: IdPath, actor: CurrentActor, db: Db, clock: Clk, tell: Tell,
              body: NoteIn | None = None) -> Any:
    with db.transaction() as s:
        return service.mark_not_ready(s, actor, clock, process_id, note=body.note if body else None, outlets=tell)


@_step("sip-need", "Bedöm behovet av SIP", "Om en SIP behövs, i stället för standardbedömningen.")
def sip_need(process_id: IdPath, body: SipNeedIn, actor: CurrentActor, db: Db, clock: Clk, tell: Tell) -> Any:
    with db.transaction() as s:
        return service.assess_sip_need(s, actor, clock, process_id, needed=body.needed, outlets=tell)


@_step("sip-invitation", "Skicka kallelse till SIP",
       "Skapar SIP:en med inbjudan till de andra mottagande enheterna och mötestiden (inom 3 kalenderdagar).")
def sip_invitation(process_id: IdPath, body: SipInvitationIn, actor: CurrentActor, db: Db, clock: Clk,
                   tell: Tell) -> Any:
    with db.transaction() as s:
        return service.send_sip_invitation(s, actor, clock, process_id, sip_at=body.sip_at, place=body.place,
                                           video_link=body.video_link, note=body.note, outlets=tell)


@_step("information-transfer", "Överför information", "Det mottagarna behöver, senast utskrivningsdagen.")
def information_transfer(process_id: IdPath, actor: CurrentActor, db: Db, clock: Clk, tell: Tell,
                         body: NoteIn | None = None) -> Any:
    with db.transaction() as s:
        return service.transfer_information(s, actor, clock, process_id, note=body.note if body else None,
                                            outlets=tell)


@_step("discharge", "Skriv ut patienten", "Nu eller vid angiven tid.")
def discharge(process_id: IdPath, actor: CurrentActor, db: Db, clock: Clk, tell: Tell,
              body: DischargeIn | None = None) -> Any:
    with db.transaction() as s:
        return service.discharge(s, actor, clock, process_id, discharged_at=body.discharged_at if body else None,
                                 outlets=tell)


@_step("patient-informed", "Patienten informerad", "Om vem den fasta vårdkontakten är och när SIP-mötet är.")
def patient_informed(process_id: IdPath, actor: CurrentActor, db: Db, clock: Clk, tell: Tell) -> Any:
    with db.transaction() as s:
        return service.inform_patient(s, actor, clock, process_id, outlets=tell)


@_step("cancel", "Makulera processen", "Mottagarna får ett meddelande att kvittera.")
def cancel(process_id: IdPath, actor: CurrentActor, db: Db, clock: Clk, tell: Tell, body: NoteIn | None = None) -> Any:
    with db.transaction() as s:
        return service.cancel(s, actor, clock, process_id, note=body.note if body else None, outlets=tell)


@_step("interrupt", "Avbryt processen", "Patienten avled eller flyttades till annan slutenvård.")
def interrupt(process_id: IdPath, body: InterruptIn, actor: CurrentActor, db: Db, clock: Clk, tell: Tell) -> Any:
    with db.transaction() as s:
        return service.interrupt(s, actor, clock, process_id, reason=body.reason, note=body.note, outlets=tell)


@_step("messages/{message_id}/acknowledge", "Kvittera ett meddelande", "Din enhet har tagit emot meddelandet.")
def acknowledge(process_id: IdPath, message_id: MessageId, actor: CurrentActor, db: Db, clock: Clk,
                tell: Tell) -> Any:
    with db.transaction() as s:
        return service.acknowledge(s, actor, clock, process_id, message_id, outlets=tell)


@_step("acknowledge", "Kvittera alla meddelanden", "Alla meddelanden som din enhet inte har kvitterat i processen.")
def acknowledge_all(process_id: IdPath, actor: CurrentActor, db: Db, clock: Clk, tell: Tell) -> Any:
    with db.transaction() as s:
        return service.acknowledge_all(s, actor, clock, process_id, outlets=tell)


# --- betalningsansvar ---------------------------------------------------------------------------------------------


def _month(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError:
        raise ValidationFailed("discharge.month.invalid") from None


@router.get("/payment", response_model=PaymentReportView, summary="Betalningsansvar per kommun och månad")
def get_payment(municipality: KommunCode, month: Month, actor: CurrentActor, db: Db, clock: Clk) -> Any:
    """Dagar och belopp som kommunen ska betala för månaden enligt överenskommelsen, per patient med datumen som
    gav dem. För personal hos kommunen och regionen; varje patientrad loggas."""
    with db.transaction() as s:
        return service.payment_report(s, actor, clock, municipality=municipality, month=_month(month)).view


def _download(file: service.PaymentFile) -> Response:
    return download(file.content, file.media_type, file.filename)


@router.get("/payment.csv", summary="Betalningsansvar som CSV",
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV (;)"}},
            response_class=Response)
def get_payment_csv(municipality: KommunCode, month: Month, actor: CurrentActor, db: Db, clock: Clk,
                    table: Annotated[Literal["summary", "patients", "days"], Query()] = "patients") -> Response:
    """En tabell av rapporten (summary, patients eller days), semikolonseparerad, UTF-8 med BOM. Varje patient
    loggas som export."""
    with db.transaction() as s:
        return _download(service.payment_csv(s, actor, clock, municipality=municipality, month=_month(month),
                                             table=table))


@router.get("/payment.xlsx", summary="Betalningsansvar som XLSX",
            responses={200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
                             "description": "Arbetsbok med flikarna Sammanställning, Patienter och Dagar"}},
            response_class=Response)
def get_payment_xlsx(municipality: KommunCode, month: Month, actor: CurrentActor, db: Db, clock: Clk) -> Response:
    """Hela rapporten som arbetsbok. Varje patient loggas som export."""
    with db.transaction() as s:
        return _download(service.payment_xlsx(s, actor, clock, municipality=municipality, month=_month(month)))


# --- the agreement in force ---------------------------------------------------------------------------------------


class StepRuleOut(BaseModel):
    step: Step
    label: str
    kind: DueKind
    anchor: str | None
    amount: int
    basis: str


class AgreementOut(BaseModel):
    key: str
    name: str
    region: str
    valid_from: date
    valid_to: date | None
    example: bool
    source: str
    steps: list[StepRuleOut]
    payment_model: str
    payment_days: int
    payment_requires: list[str]
    soon_due_hours: float | None
    escalate_unacknowledged_after_hours: float


@router.get("/agreement", response_model=AgreementOut, summary="Överenskommelsen som gäller")
def get_agreement(actor: CurrentActor, region: Annotated[str, Query(pattern=r"^[0-9]{2}$")],
                  on: Annotated[date, Query(ge=date(1900, 1, 1), le=date(2199, 12, 31))]) -> AgreementOut:
    """Regionens överenskommelse om utskrivning (eller lagens standard) som gäller en dag: tidsgränser,
    betalningsmodell och varifrån värdena kommer. Inga personuppgifter."""
    try:
        agreement = agreement_in_force(region, on)
    except AgreementError:
        raise NotFound("error.not_found") from None
    rules = list(agreement.steps.values())
    return AgreementOut(
        key=agreement.key, name=agreement.name, region=agreement.region, valid_from=agreement.valid_from,
        valid_to=agreement.valid_to, example=agreement.example, source=agreement.source,
        steps=[StepRuleOut(step=r.step, label=t(f"discharge.step.{r.step}"), kind=r.kind,
                           anchor=r.anchor.value if r.anchor else None, amount=r.amount, basis=r.basis)
               for r in rules],
        payment_model=agreement.payment.model.value, payment_days=agreement.payment.days,
        payment_requires=[k.value for k in agreement.payment.requires],
        soon_due_hours=rules[0].soon_due.total_seconds() / 3600 if rules else None,
        escalate_unacknowledged_after_hours=agreement.ack_escalation.total_seconds() / 3600,
    )

