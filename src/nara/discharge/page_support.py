"""What the Utskrivning pages need besides the use cases (DOMAIN §4): due times as people read them
("senast 2026-11-23 10:00 (om 3 h)"), the agreement a process follows with its version, the messages a unit has
not acknowledged in the processes its worklist shows, and the choices of the forms (staff of the unit, units that
may receive, the municipalities whose payment report the actor may ask for).

Built on nara.discharge.service's results, the discharge store (read only) and the directory. No rule of the
process lives here: deadlines and what a unit may do come from the service (its ``actions`` and ``StepOut``), and
the service asks the access policy. What is read here holds no person data — message kinds and times of processes
the service has just shown, staff and unit names, municipality names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.access.review import Period
from nara.auth.model import Actor
from nara.core.clock import STOCKHOLM, Clock
from nara.core.i18n import SV, t
from nara.directory.model import ProviderKind, UnitKind
from nara.directory.store import CareProviderRow, MunicipalityRow, StaffAssignmentRow, StaffRow, UnitRow
from nara.discharge.model import default_library
from nara.discharge.service import ProcessView, StepOut
from nara.discharge.store import DischargeAckRow

MAX_CHOICES = 300  # options in one select: a form is read by a person
# Unit kinds that can receive in a process (nara.discharge.service.receiver_role).
RECEIVING_KINDS = (UnitKind.VARDCENTRAL.value, UnitKind.HEMSJUKVARD.value, UnitKind.HEMTJANST.value,
                   UnitKind.SOCIALTJANST.value, UnitKind.SABO.value)


# --- times ----------------------------------------------------------------------------------------------------------


def stamp(at: datetime | None) -> str:
    """``2026-11-23 10:00`` in Swedish time."""
    return at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M") if at else ""


def relative(at: datetime, now: datetime) -> str:
    """How far ``at`` is from ``now``: "om 3 h", "försenad 2 h", "om 2 dagar" (rounded down; under an hour in
    minutes, from two days in days)."""
    late = at < now
    seconds = int(abs((at - now).total_seconds()))
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    prefix = "late" if late else "in"
    if minutes == 0:
        return t("dischargepage.relative.now")
    if hours == 0:
        return t(f"dischargepage.relative.{prefix}_minutes", n=minutes)
    if hours < 48:
        return t(f"dischargepage.relative.{prefix}_hours", n=hours)
    return t(f"dischargepage.relative.{prefix}_days", n=days)


def due_stamp(step: StepOut) -> str:
    """When a step is due, in Swedish time. A deadline "by the end of a day" (calendar days, the day of discharge)
    is written as that day at 24:00 — "2026-11-25 24:00" — not as midnight of the next day."""
    if step.due_at is None:
        return ""
    local = step.due_at.astimezone(STOCKHOLM)
    if step.last_day is not None and local.time() == time(0) and local.date() == step.last_day + timedelta(days=1):
        return f"{step.last_day.isoformat()} 24:00"
    return stamp(step.due_at)


def deadline(step: StepOut, now: datetime) -> str:
    """"senast 2026-11-23 10:00 (om 3 h)"; empty for a step without a due time."""
    if step.due_at is None:
        return ""
    return t("dischargepage.deadline", when=due_stamp(step), relative=relative(step.due_at, now))


def party_text(step: StepOut) -> str:
    """Who must do the step, as a worklist line says it: "din enhet", or "vårdavdelningen" / "öppen vård"."""
    return t("dischargepage.your_unit") if step.mine else t(f"discharge.party.{step.party.value}").lower()


# --- the agreement --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgreementInfo:
    """Which agreement (and which version of it: its key and validity) a process or report follows."""

    key: str
    name: str
    valid_from: date | None
    example: bool


def agreement_info(key: str, name: str) -> AgreementInfo:
    try:
        agreement = default_library().get(key)
    except KeyError:  # an agreement file removed since: the stored key and name still say which
        return AgreementInfo(key, name, None, False)
    return AgreementInfo(key, agreement.name, agreement.valid_from, agreement.example)


# --- messages the unit has not acknowledged -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PendingMessage:
    process_id: int
    message_id: str
    label: str
    sent_at: datetime


def unacknowledged(session: Session, unit_id: int, process_ids: Sequence[int]) -> dict[int, list[PendingMessage]]:
    """The messages to ``unit_id`` still without its kvittens, per process, oldest first — for processes the
    worklist has just shown (and logged). Kinds and times only."""
    out: dict[int, list[PendingMessage]] = {pid: [] for pid in process_ids}
    if not process_ids:
        return out
    rows = session.scalars(select(DischargeAckRow).where(
        DischargeAckRow.unit_id == unit_id, DischargeAckRow.acknowledged_at.is_(None),
        DischargeAckRow.process_id.in_(list(process_ids))).order_by(DischargeAckRow.sent_at))
    for row in rows:
        out[row.process_id].append(PendingMessage(row.process_id, row.message_id,
                                                  t(f"discharge.kind.{row.kind}"), row.sent_at))
    return out


# --- form choices ---------------------------------------------------------------------------------------------------


def profession_label(profession: str) -> str:
    key = f"web.profession.{profession}"
    return SV[key].lower() if key in SV else profession


def staff_choices(session: Session, unit_id: int, today: date) -> list[tuple[str, str]]:
    """The staff working for ``unit_id`` today, as (staff id, "Maja Demoberg, distriktssköterska")."""
    rows = session.execute(
        select(StaffRow.id, StaffRow.given_name, StaffRow.family_name, StaffRow.profession)
        .join(StaffAssignmentRow, StaffAssignmentRow.staff_id == StaffRow.id)
        .where(StaffAssignmentRow.unit_id == unit_id, StaffAssignmentRow.valid_from <= today,
               (StaffAssignmentRow.valid_to.is_(None)) | (StaffAssignmentRow.valid_to >= today))
        .order_by(StaffRow.family_name, StaffRow.given_name, StaffRow.id).limit(MAX_CHOICES)).all()
    seen: dict[str, str] = {}
    for staff_id, given, family, profession in rows:
        seen.setdefault(str(staff_id), f"{given} {family}, {profession_label(profession)}")
    return list(seen.items())


def receiver_choices(session: Session, view: ProcessView) -> list[tuple[str, str]]:
    """Units of the person's home municipality that may receive and are not receivers yet, as (unit id,
    "Hemtjänsten Kumla (Kumla kommun)")."""
    if not view.home_municipality:
        return []
    existing = {r.unit.id for r in view.receivers} | {view.ward.id}
    rows = session.execute(
        select(UnitRow.id, UnitRow.name, CareProviderRow.name)
        .join(CareProviderRow, CareProviderRow.id == UnitRow.provider_id)
        .where(UnitRow.kommun_code == view.home_municipality, UnitRow.kind.in_(RECEIVING_KINDS))
        .order_by(UnitRow.name, UnitRow.id).limit(MAX_CHOICES)).all()
    return [(str(unit_id), f"{name} ({provider})") for unit_id, name, provider in rows if unit_id not in existing]


def payment_municipalities(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """The municipalities whose betalningsansvar the actor's care provider is a party to (the municipality itself,
    or every municipality of the region), as (kommun code, name); the service decides again on every report."""
    if actor.provider_id is None:
        return []
    provider = session.get(CareProviderRow, actor.provider_id)
    if provider is None:
        return []
    query = select(MunicipalityRow.kommun_code, MunicipalityRow.name).order_by(MunicipalityRow.name)
    if provider.kind == ProviderKind.KOMMUN.value and provider.municipality_id is not None:
        query = query.where(MunicipalityRow.id == provider.municipality_id)
    elif provider.kind == ProviderKind.REGION.value:
        query = query.where(MunicipalityRow.region_id == provider.region_id)
    else:
        return []
    return [(code, name) for code, name in session.execute(query).all()]


def own_municipality(session: Session, actor: Actor) -> str | None:
    """The kommun code of the actor's unit (the report page opens on it)."""
    if actor.unit_id is None:
        return None
    return session.scalar(select(UnitRow.kommun_code).where(UnitRow.id == actor.unit_id))


def default_month(clock: Clock) -> str:
    """The month a payment report is usually asked for: the last one that has ended."""
    return str(Period.containing(clock.now()).previous())


def kronor(amount: int) -> str:
    """``46 500`` (a non-breaking space between thousands)."""
    return f"{amount:,}".replace(",", "\u00a0")

