"""What the plan pages need besides the use cases: form choices from the directory (units, staff,
principals), names for the ids a plan holds, Swedish dates, readable values and version differences, and reading a
posted form into typed values with one Swedish message per field.

Built only on nara.plans.service's public functions and results, the plans store and the directory. No rule of the
plan lives here — those are in nara.plans.model, and the access policy is asked by the service. The only person
data read here is the person's name, and only for a plan or person the service has just let the actor see
(:func:`person_name` says so in its docstring).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.auth.model import Actor, Role
from nara.core.clock import STOCKHOLM, Clock, local_today
from nara.core.db import ID_MAX
from nara.core.i18n import SV, t
from nara.directory.store import CareProviderRow, PersonRow, StaffAssignmentRow, StaffRow, UnitRow
from nara.plans import model, store
from nara.plans import page_messages as _page_messages  # noqa: F401  (registers the texts)
from nara.plans.model import (
    Activity,
    AgreedTime,
    Goal,
    PlanDocument,
    Recorded,
    Responsible,
    ResponsibleKind,
    SelfCareItem,
    SelfCareKind,
    TeamMember,
)
from nara.plans.service import ChangeOut, PlanView

MAX_CHOICES = 300  # units or staff offered in one select: a form is read by a person


# --- Swedish dates ----------------------------------------------------------------------------------------------

_WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december")


def day_text(day: date | None) -> str:
    """``tisdag 3 december 2026``: how a date is written to people."""
    if day is None:
        return ""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def time_text(at: datetime | None) -> str:
    """``tisdag 3 december 2026 kl. 10.00`` in Swedish time."""
    if at is None:
        return ""
    local = at.astimezone(STOCKHOLM)
    return f"{day_text(local.date())} kl. {local:%H.%M}"


def stamp_text(at: datetime | None) -> str:
    """``2026-11-22 18:00`` in Swedish time (lists and history)."""
    return at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M") if at else ""


# --- reading a posted form ----------------------------------------------------------------------------------------

_TEXT = TypeAdapter(model.Text)
_SHORT = TypeAdapter(model.ShortText)
_PHONE = TypeAdapter(model.Phone)
_VIDEO = TypeAdapter(model.VideoLink)
_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME_RE = re.compile(r"^\d{1,2}[:.]\d{2}$")
MAX_FIELD = 4000  # characters kept of one posted field (the model's limits are lower and say so in Swedish)


class FormReader:
    """A posted form read field by field. ``values`` keeps what the person typed (shown again on any error),
    ``errors`` one Swedish message per field, in the order the fields were read. The model's own types (Text,
    ShortText, Phone, VideoLink, Day) decide what is valid, so the page and the API accept the same things."""

    def __init__(self, data: Mapping[str, str]) -> None:
        self.values: dict[str, str] = {k: v[:MAX_FIELD] for k, v in data.items() if isinstance(v, str)}
        self.errors: dict[str, str] = {}

    @property
    def ok(self) -> bool:
        return not self.errors

    def raw(self, name: str) -> str:
        return self.values.get(name, "").strip()

    def fail(self, name: str, key: str, **params: Any) -> None:
        self.errors.setdefault(name, t(key, **params))

    def text(self, name: str, *, required: str | None = None, short: bool = False) -> str | None:
        value = self.raw(name)
        if not value:
            if required:
                self.fail(name, required)
            return None
        try:
            return (_SHORT if short else _TEXT).validate_python(value)
        except ValidationError:
            self.fail(name, "planform.too_long", limit=200 if short else 2000)
            return None

    def flag(self, name: str) -> bool:
        return self.raw(name) in ("ja", "on", "1", "true")

    def choice(self, name: str, allowed: Iterable[str], *, required: str | None = None) -> str | None:
        value = self.raw(name)
        if not value:
            if required:
                self.fail(name, required)
            return None
        if value not in set(allowed):
            self.fail(name, "planform.choose_from_list")
            return None
        return value

    def day(self, name: str, *, required: str | None = None) -> date | None:
        value = self.raw(name)
        if not value:
            if required:
                self.fail(name, required)
            return None
        parsed = _parse_day(value)
        if parsed is None:
            self.fail(name, "planform.day_invalid")
        return parsed

    def moment(self, day_name: str, time_name: str, *, required: str | None = None) -> datetime | None:
        """A date and a time of day in Swedish time, as one aware datetime."""
        day_value, time_value = self.raw(day_name), self.raw(time_name)
        if not day_value and not time_value:
            if required:
                self.fail(day_name, required)
            return None
        day = self.day(day_name, required="planform.day_required")
        clock: time | None = None
        if not time_value:
            self.fail(time_name, "planform.time_required")
        else:
            clock = _parse_time(time_value)
            if clock is None:
                self.fail(time_name, "planform.time_invalid")
        if day is None or clock is None:
            return None
        return datetime.combine(day, clock, tzinfo=STOCKHOLM)

    def phone(self, name: str) -> str | None:
        value = self.raw(name)
        if not value:
            return None
        try:
            return _PHONE.validate_python(value)
        except ValidationError:
            self.fail(name, "planform.phone_invalid")
            return None

    def video_link(self, name: str) -> str | None:
        value = self.raw(name)
        if not value:
            return None
        try:
            return _VIDEO.validate_python(value)
        except ValidationError:
            self.fail(name, "planform.link_invalid")
            return None


def _parse_day(value: str) -> date | None:
    if not _DAY_RE.match(value):
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return None
    return parsed if date(1900, 1, 1) <= parsed <= date(2199, 12, 31) else None


def _parse_time(value: str) -> time | None:
    if not _TIME_RE.match(value):
        return None
    hours, minutes = (int(part) for part in re.split(r"[:.]", value))
    return time(hours, minutes) if hours < 24 and minutes < 60 else None


def version_of(raw: str) -> int:
    """The plan version a form says it was based on; 0 (never current: the service answers 412) when missing."""
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 10 else 0


def id_of(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) <= ID_MAX else None


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
    own = session.execute(select(UnitRow.kommun_code, CareProviderRow.region_id)
                          .join(CareProviderRow, CareProviderRow.id == UnitRow.provider_id)
                          .where(UnitRow.id == actor.unit_id)).first() if actor.unit_id is not None else None
    if actor.unit_id is not None:
        wanted.add(actor.unit_id)
    if own is not None:
        wanted |= set(session.scalars(select(UnitRow.id).where(UnitRow.kommun_code == own[0])
                                      .order_by(UnitRow.id).limit(MAX_CHOICES)))
    rows = session.execute(
        select(UnitRow.id, UnitRow.name, UnitRow.kind, UnitRow.provider_id, CareProviderRow.name,
               CareProviderRow.kind).join(CareProviderRow, CareProviderRow.id == UnitRow.provider_id)
        .where(UnitRow.id.in_(sorted(wanted))).order_by(CareProviderRow.name, UnitRow.name)).all() if wanted else []
    units = tuple(UnitOption(*row) for row in rows)
    today = local_today(clock)
    staff_rows = session.execute(
        select(StaffRow.id, StaffAssignmentRow.unit_id, StaffRow.given_name, StaffRow.family_name,
               StaffRow.profession, UnitRow.name)
        .join(StaffAssignmentRow, StaffAssignmentRow.staff_id == StaffRow.id)
        .join(UnitRow, UnitRow.id == StaffAssignmentRow.unit_id)
        .where(StaffAssignmentRow.unit_id.in_([u.id for u in units]), StaffAssignmentRow.valid_from <= today,
               (StaffAssignmentRow.valid_to.is_(None)) | (StaffAssignmentRow.valid_to >= today))
        .order_by(UnitRow.name, StaffRow.family_name, StaffRow.given_name).limit(MAX_CHOICES)).all() if units else []
    staff = tuple(StaffOption(r[0], r[1], f"{r[2]} {r[3]}", r[4], r[5]) for r in staff_rows)
    principals = {u.provider_id: u.provider_name for u in units if u.provider_kind in ("region", "kommun")}
    if own is not None:
        principals |= dict(session.execute(
            select(CareProviderRow.id, CareProviderRow.name).where(
                CareProviderRow.region_id == own[1], CareProviderRow.kind.in_(("region", "kommun")))
            .limit(MAX_CHOICES)).all())
    if view is not None:
        principals |= {p.id: p.name for p in view.providers if p.kind in ("region", "kommun")}
    return Choices(units, staff, tuple(sorted(principals.items(), key=lambda p: p[1])))


def plan_units(session: Session, plan_id: int) -> set[int]:
    """The units a plan names, from its index (nara.plans.store.PlanUnitRow): to accept them as choices when
    checking a posted form without opening the plan (the write that follows is what the policy is asked about)."""
    return set(session.scalars(select(store.PlanUnitRow.unit_id).where(store.PlanUnitRow.plan_id == plan_id)))


# --- what the service does not name ---------------------------------------------------------------------------


def person_name(session: Session, person_id: int) -> str:
    """The person's name, for the heading of a page about them. Call it only after the service let the actor
    see the person's plan (or the person's plans, or nothing when there were none): that decision is the access
    this name is part of, and it is logged."""
    row = session.execute(select(PersonRow.given_name, PersonRow.family_name, PersonRow.synthetic)
                          .where(PersonRow.id == person_id)).first()
    return f"{row[0]} {row[1]}" if row else ""


def person_is_synthetic(session: Session, person_id: int) -> bool:
    return bool(session.scalar(select(PersonRow.synthetic).where(PersonRow.id == person_id)))


def plan_person(session: Session, plan_id: int) -> int | None:
    """Whose plan this is, for the denial page's nödåtkomst form (which goes through the policy itself)."""
    row = session.get(store.PlanRow, plan_id)
    return row.person_id if row is not None else None


def denial_text(reason: str) -> str:
    """Why a plan in the worklist cannot be opened, in Swedish (the worklist gives only the reason code)."""
    key = f"planpage.worklist.access.{reason}"
    return t(key) if key in SV else t("planpage.worklist.access.other")


# --- a plan as a page shows it -------------------------------------------------------------------------------


SELF_CARE_ORDER = (SelfCareKind.GOR_SJALV, SelfCareKind.HALLER_KOLL, SelfCareKind.SOKA_VARD,
                   SelfCareKind.VANDA_MIG_TILL)


@dataclass
class PlanPage:
    """A :class:`~nara.plans.service.PlanView` with the names and labels a page needs, and what the actor may
    change on it (which the policy decides again when they try: the page only hides what would be refused)."""

    view: PlanView
    actor: Actor
    person_name: str
    synthetic: bool = False
    today: date | None = None
    _units: dict[int, Any] = field(default_factory=dict)
    _staff: dict[int, Any] = field(default_factory=dict)
    _providers: dict[int, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._units = {u.id: u for u in self.view.units}
        self._staff = {s.id: s for s in self.view.staff}
        self._providers = {p.id: p for p in self.view.providers}

    @property
    def doc(self) -> PlanDocument:
        return self.view.document

    @property
    def is_sip(self) -> bool:
        return self.doc.sip is not None

    @property
    def kind_label(self) -> str:
        return t(f"planpage.kind.{self.view.kind.value}")

    @property
    def status_label(self) -> str:
        return t(f"plans.value.{self.view.status}")

    @property
    def owner_unit(self) -> str:
        return self.unit_name(self.view.owner_unit_id)

    def unit_name(self, unit_id: int | None) -> str:
        unit = self._units.get(unit_id or 0)
        return unit.name if unit else (t("plans.diff.unit", id=unit_id) if unit_id else "")

    def unit_label(self, unit_id: int | None) -> str:
        unit = self._units.get(unit_id or 0)
        return f"{unit.name} ({unit.provider_name})" if unit else self.unit_name(unit_id)

    def unit_phone(self, unit_id: int | None) -> str | None:
        unit = self._units.get(unit_id or 0)
        return unit.phone if unit else None

    def staff_name(self, staff_id: int | None) -> str:
        member = self._staff.get(staff_id or 0)
        return member.name if member else ""

    def profession(self, staff_id: int | None) -> str:
        member = self._staff.get(staff_id or 0)
        return SV.get(f"web.profession.{member.profession}", member.profession) if member else ""

    def provider_name(self, provider_id: int | None) -> str:
        provider = self._providers.get(provider_id or 0)
        return provider.name if provider else ""

    # -- elements --

    def responsible(self, responsible: Responsible, *, for_person: bool = False) -> str:
        kind = responsible.kind
        if kind is ResponsibleKind.PERSON:
            return t("minplan.responsible.me") if for_person else t("planpage.responsible.person",
                                                                    name=self.person_name)
        if kind in model.UNIT_RESPONSIBLE:
            return self.unit_label(responsible.unit_id)
        return t(f"planpage.responsible.{kind.value}", name=responsible.name or "")

    def recorded_by(self, recorded: Recorded | None) -> str:
        if recorded is None:
            return ""
        if recorded.by_person:
            return t("planpage.recorded.person", name=self.person_name)
        return self.unit_name(recorded.unit_id) or self.provider_name(recorded.provider_id)

    def member_name(self, member: TeamMember) -> str:
        return self.staff_name(member.staff_id) or member.name or ""

    def member_phone(self, member: TeamMember) -> str | None:
        return member.phone or self.unit_phone(member.unit_id)

    def is_overdue(self, activity: Activity) -> bool:
        return activity.id in self.view.overdue_activity_ids

    @property
    def overdue(self) -> list[Activity]:
        return [a for a in self.doc.activities if self.is_overdue(a)]

    @property
    def times(self) -> list[AgreedTime]:
        return sorted(self.doc.times, key=lambda b: b.start)

    @property
    def upcoming_times(self) -> list[AgreedTime]:
        return [b for b in self.times if b.status is model.TimeStatus.BOKAD]

    @property
    def past_times(self) -> list[AgreedTime]:
        return [b for b in self.times if b.status is not model.TimeStatus.BOKAD]

    def self_care(self, kind: SelfCareKind) -> list[SelfCareItem]:
        return [item for item in self.doc.self_care if item.kind is kind]

    @property
    def self_care_groups(self) -> list[tuple[SelfCareKind, list[SelfCareItem]]]:
        return [(kind, self.self_care(kind)) for kind in SELF_CARE_ORDER if self.self_care(kind)]

    def activities_by(self, *kinds: str) -> list[Activity]:
        return [a for a in self.doc.activities if a.responsible.kind.value in kinds]

    @property
    def own_goals(self) -> list[Goal]:
        return [g for g in self.doc.goals if g.own_words]

    @property
    def agreed_goals(self) -> list[Goal]:
        return [g for g in self.doc.goals if not g.own_words]

    def done_today(self, item: SelfCareItem) -> bool:
        return any(model.local_day(at) == self.today for at in item.done)

    def last_done(self, item: SelfCareItem) -> datetime | None:
        return item.done[-1] if item.done else None

    @property
    def next_step_text(self) -> str:
        step = self.view.next_step
        if step is None:
            return ""
        if step.at is not None:
            return t("planpage.next.at", text=step.text, when=time_text(step.at))
        if step.on is not None:
            return t("planpage.next.on", text=step.text, when=day_text(step.on))
        return step.text

    # -- what the actor may change (staff) --

    def _own(self, recorded: Recorded) -> bool:
        """Whether the actor's care provider recorded it: changing it writes their own record (DOMAIN §5).
        What the person recorded belongs to the plan's provider (nara.plans.model.write_owner)."""
        if self.actor.role is not Role.STAFF or self.actor.provider_id is None:
            return False
        owner = recorded.provider_id if recorded.provider_id is not None else self.view.owner_provider_id
        return owner == self.actor.provider_id

    def may_edit(self, element: Any) -> bool:
        return self._own(element.recorded) and self.open

    def may_set_status(self, activity: Activity) -> bool:
        responsible_unit = activity.responsible.unit_id
        return self.open and (self._own(activity.recorded) or (
            responsible_unit is not None and responsible_unit == self.actor.unit_id))

    @property
    def open(self) -> bool:
        """Whether the plan can be changed: an ended Patientkontrakt or a closed SIP cannot."""
        return self.view.status != "avslutad"

    @property
    def may_add(self) -> bool:
        return self.actor.role is Role.STAFF and self.open

    @property
    def is_owner(self) -> bool:
        return self.actor.provider_id == self.view.owner_provider_id

    # -- for the person (Min plan) --

    def mine(self, element: Any) -> bool:
        """What the person added themselves."""
        return bool(element.recorded.by_person)


def plan_page(session: Session, actor: Actor, clock: Clock, view: PlanView) -> PlanPage:
    """The page's view of a plan the service has just let ``actor`` read."""
    return PlanPage(view=view, actor=actor, person_name=person_name(session, view.person_id),
                    synthetic=person_is_synthetic(session, view.person_id), today=local_today(clock))


# --- readable values and differences ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """One change between two versions, as a sentence and its field changes with names instead of ids."""

    headline: str
    fields: tuple[tuple[str, str, str], ...]  # (label, before, after)


_ID_FIELDS = {"unit_id": "unit", "staff_id": "staff", "principal_provider_id": "provider",
              "overall_principal_provider_id": "provider"}
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass
class Names:
    units: dict[int, str] = field(default_factory=dict)
    staff: dict[int, str] = field(default_factory=dict)
    providers: dict[int, str] = field(default_factory=dict)

    def of(self, kind: str, value: Any) -> str:
        if not isinstance(value, int):
            return ""
        table = {"unit": self.units, "staff": self.staff, "provider": self.providers}[kind]
        return table.get(value, t("plans.diff.unit", id=value) if kind == "unit" else str(value))


def names_for(session: Session, changes: Sequence[ChangeOut]) -> Names:
    """Names of the units, staff and care providers the changes refer to (directory data)."""
    wanted: dict[str, set[int]] = {"unit": set(), "staff": set(), "provider": set()}

    def collect(key: str, value: Any) -> None:
        if key in _ID_FIELDS and isinstance(value, int):
            wanted[_ID_FIELDS[key]].add(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                collect(k, v)

    for change in changes:
        for item in change.fields:
            collect(item["field"], item["before"])
            collect(item["field"], item["after"])
    units = {i: r[0] for i, r in store.names(session, UnitRow, wanted["unit"], UnitRow.name).items()}
    staff = {i: f"{r[0]} {r[1]}" for i, r in store.names(session, StaffRow, wanted["staff"], StaffRow.given_name,
                                                          StaffRow.family_name).items()}
    providers = {i: r[0] for i, r in store.names(session, CareProviderRow, wanted["provider"],
                                                 CareProviderRow.name).items()}
    return Names(units, staff, providers)


def readable(changes: Sequence[ChangeOut], names: Names) -> list[Change]:
    """The service's differences with units, staff and principals named, values in Swedish."""
    out: list[Change] = []
    for change in changes:
        key = f"plans.diff.{change.change}.{change.section}"
        what = t(f"plans.section.{change.section}")
        headline = t(key if key in SV else f"plans.diff.{change.change}", what=what, title=change.title)
        fields = tuple((field_label(f["field"]), value_text(f["field"], f["before"], names),
                        value_text(f["field"], f["after"], names)) for f in change.fields)
        out.append(Change(headline, fields))
    return out


def field_label(name: str) -> str:
    key = f"plans.field.{name}"
    return t(key) if key in SV else name


def value_text(name: str, value: Any, names: Names | None = None) -> str:
    """One stored value as a person reads it."""
    names = names or Names()
    if value is None or value == () or value == [] or value == "":
        return t("plans.diff.empty")
    if name in _ID_FIELDS:
        return names.of(_ID_FIELDS[name], value)
    if isinstance(value, bool):
        return t("plans.diff.yes") if value else t("plans.diff.no")
    if isinstance(value, list):
        return t("planpage.diff.count", count=len(value))
    if isinstance(value, dict):
        if "kind" in value and ("unit_id" in value or "name" in value):  # a Responsible
            who = value.get("name") or (names.of("unit", value["unit_id"]) if value.get("unit_id") else "")
            label = value_text("kind", value["kind"])
            return f"{label} ({who})" if who else label
        if set(value) == {"provider_id", "unit_id", "by_person", "at"}:  # a Recorded stamp
            return t("plans.diff.yes")
        parts = [f"{field_label(k)}: {value_text(k, v, names)}" for k, v in value.items()
                 if k not in ("recorded", "id", "at", "answered")]
        return ", ".join(parts) or t("plans.diff.yes")
    if isinstance(value, str):
        if f"plans.value.{value}" in SV:
            return t(f"plans.value.{value}")
        if _ISO_TIME.match(value):
            try:
                return stamp_text(datetime.fromisoformat(value))
            except ValueError:
                return value
    return str(value)


def element_values(element: Any, page: PlanPage) -> list[tuple[str, str]]:
    """An element's fields as (label, value) — the version now saved, shown beside unsaved input."""
    if element is None:
        return []
    rows: list[tuple[str, str]] = []
    data = element.model_dump(mode="json")
    for name, value in data.items():
        if name in ("id", "recorded", "status_recorded", "request", "moved_from", "done", "acknowledged",
                    "answered"):
            continue
        if name == "responsible":
            rows.append((field_label(name), page.responsible(element.responsible)))
        elif name == "staff_id":
            rows.append((field_label(name), page.staff_name(value) or t("plans.diff.empty")))
        elif name == "unit_id":
            rows.append((field_label(name), page.unit_name(value) or t("plans.diff.empty")))
        elif name == "start":
            rows.append((field_label(name), time_text(element.start)))
        elif name == "due":
            rows.append((field_label(name), day_text(element.due) or t("plans.diff.empty")))
        else:
            rows.append((field_label(name), value_text(name, value)))
    return rows


def initial_changes(doc: PlanDocument) -> list[Change]:
    """What the first version held, as changes from an empty plan."""
    entries = model.diff_documents(model.new_document(doc.kind), doc)
    return [Change(model.describe(e).split(" – ")[0], ()) for e in entries]
