"""What the plan forms offer from the directory (units, staff, principals), and the person's name for a page's
heading.

Built only on nara.plans.service's results and the directory's service. No rule of the plan lives here — those are
in nara.plans.model, and the access policy is asked by the service. The only person data read here is the person's
name, and only for a plan or person the service has just let the actor see (:func:`person_name` says so).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from nara.core.actor import Actor
from nara.core.clock import Clock, local_today
from nara.core.i18n import SV, t
from nara.directory import service as directory
from nara.plans.model import ResponsibleKind
from nara.plans.service import PlanView

MAX_CHOICES = 300  # units or staff offered in one select: a form is read by a person


# --- choices offered by the forms -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitOption:
    id: int
    name: str
    kind: str
    provider_id: int
    provider_name: str
    provider_kind: str

    @property
    def responsible_kind(self) -> ResponsibleKind:
        """A unit of the region (or a private provider working for it) or of a municipality (DOMAIN §9)."""
        return ResponsibleKind.MUNICIPAL_UNIT if self.provider_kind == "kommun" else ResponsibleKind.REGION_UNIT

    @property
    def label(self) -> str:
        return f"{self.name} ({self.provider_name})"


@dataclass(frozen=True, slots=True)
class StaffOption:
    staff_id: int
    unit_id: int
    name: str
    profession: str
    unit_name: str

    @property
    def value(self) -> str:
        return f"{self.staff_id}:{self.unit_id}"


@dataclass(frozen=True, slots=True)
class Choices:
    """Units, staff and principals a form offers: those near the actor's unit (its municipality) and those the
    plan already names. Directory data, not person data."""

    units: tuple[UnitOption, ...]
    staff: tuple[StaffOption, ...]
    principals: tuple[tuple[int, str], ...]

    def unit(self, unit_id: int | None) -> UnitOption | None:
        return next((u for u in self.units if u.id == unit_id), None)

    @property
    def region_units(self) -> list[UnitOption]:
        return [u for u in self.units if u.responsible_kind is ResponsibleKind.REGION_UNIT]

    @property
    def municipal_units(self) -> list[UnitOption]:
        return [u for u in self.units if u.responsible_kind is ResponsibleKind.MUNICIPAL_UNIT]

    def staff_member(self, value: str) -> StaffOption | None:
        return next((m for m in self.staff if m.value == value), None)

    @property
    def staff_by_unit(self) -> list[tuple[str, list[StaffOption]]]:
        groups: dict[str, list[StaffOption]] = {}
        for member in self.staff:
            groups.setdefault(member.unit_name, []).append(member)
        return list(groups.items())


def form_choices(session: Session, actor: Actor, clock: Clock, view: PlanView | None = None, *,
                 plan_units: Iterable[int] = ()) -> Choices:
    """What the plan's forms offer ``actor``: the units of the actor's municipality and of the plan (``view``, or
    ``plan_units`` when checking a post without opening the plan), their current staff, and as principals
    (huvudmän) the regions and municipalities of the actor's region (DOMAIN §3)."""
    wanted: set[int] = set(plan_units)
    if view is not None:
        wanted |= {u.id for u in view.units}
    own = directory.unit(session, actor.unit_id)
    region_id = None
    if actor.unit_id is not None:
        wanted.add(actor.unit_id)
    if own is not None:
        region_id = directory.provider(session, own.provider_id).region_id  # type: ignore[union-attr]
        wanted |= set(directory.unit_ids_in_municipality(session, own.kommun_code, MAX_CHOICES))
    units = tuple(UnitOption(*row) for row in directory.units_with_providers(session, wanted))
    staff_rows = directory.staff_at_units(session, [u.id for u in units], local_today(clock), MAX_CHOICES)
    staff = tuple(StaffOption(r[0], r[1], f"{r[2]} {r[3]}", r[4], r[5]) for r in staff_rows)
    principals = {u.provider_id: u.provider_name for u in units if u.provider_kind in ("region", "kommun")}
    if region_id is not None:
        principals |= directory.principals_in_region(session, region_id, MAX_CHOICES)
    if view is not None:
        principals |= {p.id: p.name for p in view.providers if p.kind in ("region", "kommun")}
    return Choices(units, staff, tuple(sorted(principals.items(), key=lambda p: p[1])))


# --- what the service does not name ---------------------------------------------------------------------------


def person_name(session: Session, person_id: int) -> str:
    """The person's name, for the heading of a page about them. Call it only after the service let the actor
    see the person's plan (or the person's plans, or nothing when there were none): that decision is the access
    this name is part of, and it is logged."""
    person = directory.person(session, person_id)
    return f"{person.given_name} {person.family_name}" if person else ""


def person_is_synthetic(session: Session, person_id: int) -> bool:
    person = directory.person(session, person_id)
    return bool(person and person.synthetic)


def denial_text(reason: str) -> str:
    """Why a plan in the worklist cannot be opened, in Swedish (the worklist gives only the reason code)."""
    key = f"planpage.worklist.access.{reason}"
    return t(key) if key in SV else t("planpage.worklist.access.other")
