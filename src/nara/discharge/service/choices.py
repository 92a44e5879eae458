"""What the discharge pages offer and show beside a process: the unit's messages without kvittens, staff and
receiving units to choose from, the municipalities of a payment report. Reads only; the use cases decide again
on every post (nara.discharge.service.steps)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from nara.core.actor import Actor
from nara.core.i18n import SV, t
from nara.directory import service as directory
from nara.directory.model import ProviderKind, UnitKind
from nara.discharge import store
from nara.discharge.service.results import ProcessView

MAX_CHOICES = 300  # options in one select: a form is read by a person
# Unit kinds that can receive in a process (nara.discharge.service.receiver_role).
RECEIVING_KINDS = (UnitKind.VARDCENTRAL, UnitKind.HEMSJUKVARD, UnitKind.HEMTJANST, UnitKind.SOCIALTJANST,
                   UnitKind.SABO)


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
    for row in store.unacknowledged_acks(session, unit_id, process_ids):
        out[row.process_id].append(PendingMessage(row.process_id, row.message_id,
                                                  t(f"discharge.kind.{row.kind}"), row.sent_at))
    return out


def process_person(session: Session, process_id: int) -> int | None:
    """Whose process it is, for the denial page only (its nödåtkomst form needs the person)."""
    return store.person_of_process(session, process_id)


def ward_has_processes(session: Session, unit_id: int) -> bool:
    """Whether the ward has any process (the demo makes one only for a ward without)."""
    return store.ward_has_processes(session, unit_id)


def profession_label(profession: str) -> str:
    key = f"web.profession.{profession}"
    return SV[key].lower() if key in SV else profession


def staff_choices(session: Session, unit_id: int, today: date) -> list[tuple[str, str]]:
    """The staff working for ``unit_id`` today, as (staff id, "Maja Demoberg, distriktssköterska")."""
    return [(str(s.id), f"{s.given_name} {s.family_name}, {profession_label(s.profession)}")
            for s in directory.unit_staff(session, unit_id, today, MAX_CHOICES)]


def receiver_choices(session: Session, view: ProcessView) -> list[tuple[str, str]]:
    """Units of the person's home municipality that may receive and are not receivers yet, as (unit id,
    "Hemtjänsten Kumla (Kumla kommun)")."""
    if not view.home_municipality:
        return []
    existing = {r.unit.id for r in view.receivers} | {view.ward.id}
    units = sorted((u for kind in RECEIVING_KINDS for u in directory.find_units(session, kind, view.home_municipality)),
                   key=lambda u: (u.name, u.id))[:MAX_CHOICES]
    providers = directory.providers(session, {u.provider_id for u in units})
    return [(str(u.id), f"{u.name} ({providers[u.provider_id].name})") for u in units
            if u.id not in existing and u.provider_id in providers]


def payment_municipalities(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """The municipalities whose betalningsansvar the actor's care provider is a party to (the municipality itself,
    or every municipality of the region), as (kommun code, name); the service decides again on every report."""
    provider = directory.provider(session, actor.provider_id)
    if provider is None or provider.kind not in (ProviderKind.KOMMUN.value, ProviderKind.REGION.value):
        return []
    found = directory.region_municipalities(session, provider.region_id)
    if provider.kind == ProviderKind.KOMMUN.value:
        if provider.municipality_id is None:
            return []
        found = [m for m in found if m.id == provider.municipality_id]
    return [(m.kommun_code, m.name) for m in found]


def own_municipality(session: Session, actor: Actor) -> str | None:
    """The kommun code of the actor's unit (the report page opens on it)."""
    unit = directory.unit(session, actor.unit_id)
    return unit.kommun_code if unit is not None else None


def municipality_name(session: Session, kommun_code: str) -> str:
    """The municipality's name, or its code when the directory does not know it."""
    return directory.municipality_name(session, kommun_code) or kommun_code
