"""Use cases of measurements (mätvärden, category MATVARDEN, DOMAIN §5). Each takes the caller's session, the
actor and the injected clock; every read and write of a person's values asks the access policy first and leaves
one audit entry per decision (nara.access.service ``evaluate``/``conclude``).

Whose record a value is in (the policy decides every read by the care provider and unit that documented the
information, DOMAIN §5):

- a value **staff record** is in the record of the unit they act for, like anything else they document;
- a value **the person reports** is in the record of the unit that follows it up: the unit that set the person's
  target range for that kind, or — when no target is set — the vårdcentral where the person is listed (the fast
  vårdkontakt's unit). Another provider's staff thus read it only with a care relationship and the person's
  consent, like any other provider-recorded information; without a target and a listing there is nobody to
  receive it, and the report is refused with a Swedish message;
- a **target range** is in the record of the unit that set it; so is marking a value outside it as handled (only
  that provider's staff may: a provider writes only in its own information).

A value outside the current target makes a task for the unit that set the target: a notification to that unit
(through the plans part's Notifier, in the same transaction) and an item on its Idag (:func:`measurements_today`)
until a staff member marks it handled. The notification names the kind, never the value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from nara.access.model import InformationCategory
from nara.access.service import AccessDenied, authorize, conclude, evaluate
from nara.audit.model import AuditAction
from nara.core.actor import Actor, Role, purpose_of
from nara.core.clock import Clock, local_today
from nara.core.errors import Forbidden, NotFound, ValidationFailed
from nara.core.i18n import t
from nara.directory import service as directory
from nara.measurements import store
from nara.measurements.model import SPECS, Band, Kind, Target, ValueProblem, check, check_target
from nara.measurements.store import MeasurementRow, TargetRow
from nara.plans.service import DEFAULT_NOTIFIER, Notification, Notifier

CATEGORY = InformationCategory.MATVARDEN
NOTIFICATION_KIND = "measurement_outside_target"
SERIES_LIMIT = 500


class ImplausibleValue(ValidationFailed):
    """422: a value the rules refuse (not a number, outside the plausibility range); ``field`` names it."""

    code = "implausible-value"

    def __init__(self, problem: ValueProblem) -> None:
        params = dict(problem.params)
        if "unit" in params:
            params["unit"] = t(f"measurements.unit.{params['unit']}")
        super().__init__(problem.key, extra={"field": problem.component}, **params)
        self.field = problem.component


Owner = tuple[int, int]  # (care provider, unit) whose record it is


@dataclass(frozen=True, slots=True)
class Reported:
    id: int
    kind: Kind
    values: dict[str, float]
    outside_target: bool


@dataclass(frozen=True, slots=True)
class MeasurementOut:
    id: int
    kind: Kind
    measured_at: datetime
    values: dict[str, float]
    by_person: bool
    reported_by: str
    outside_target: bool
    checked: bool  # a target was set when it was reported, and it was checked against it
    handled_at: datetime | None
    owner_unit_id: int


@dataclass(frozen=True, slots=True)
class TargetOut:
    kind: Kind
    bands: dict[str, Band]
    set_by: str
    unit_name: str
    set_at: datetime
    owner_unit_id: int


@dataclass(frozen=True, slots=True)
class Series:
    """One kind of the person's values, newest first, with the current target; ``withheld``: some values (or the
    target) are in a record the reader may not see now."""

    person_id: int
    person_name: str
    kind: Kind
    values: tuple[MeasurementOut, ...]
    target: TargetOut | None
    withheld: bool


@dataclass(frozen=True, slots=True)
class MeasurementTask:
    """On Idag: the person's values of one kind outside the target the unit set, not yet handled."""

    person_id: int
    person_name: str
    kind: Kind
    count: int
    since: datetime


def parse_kind(value: str) -> Kind:
    try:
        return Kind(value)
    except ValueError:
        raise NotFound("measurements.kind.unknown") from None


def _values(kind: Kind, row: MeasurementRow) -> dict[str, float]:
    codes = [c.code for c in SPECS[kind].components]
    numbers = [row.value, row.second_value]
    return {code: number for code, number in zip(codes, numbers, strict=False) if number is not None}


def _target(row: TargetRow) -> Target:
    kind = Kind(row.kind)
    codes = [c.code for c in SPECS[kind].components]
    edges = [(row.low, row.high), (row.second_low, row.second_high)]
    return Target(kind, {code: Band(lo, hi) for code, (lo, hi) in zip(codes, edges, strict=False)
                         if lo is not None and hi is not None})


def _ask(s: Session, actor: Actor, clock: Clock, person_id: int, action: AuditAction, owner: Owner,
         kind: Kind | None) -> None:
    """One decision, logged; raises AccessDenied when refused."""
    decision, attempt = evaluate(s, actor, person_id, CATEGORY, action, purpose_of(actor), clock,
                                 owner_provider_id=owner[0], owner_unit_id=owner[1],
                                 resource=("measurements", kind.value if kind else person_id))
    conclude(s, attempt, decision)


def _receiver(s: Session, person_id: int, kind: Kind, clock: Clock) -> tuple[Owner | None, TargetRow | None]:
    """Whose record a value the person reports is in (module docstring), and the current target."""
    target = store.current_target(s, person_id, kind.value)
    if target is not None:
        return (target.owner_provider_id, target.owner_unit_id), target
    listing = directory.current_listing(s, person_id, local_today(clock))
    if listing is not None:
        return (listing.unit.provider_id, listing.unit.id), None
    return None, None


# --- writing ------------------------------------------------------------------------------------------------------


def report(s: Session, actor: Actor, clock: Clock, person_id: int, kind: Kind, values: dict[str, float], *,
           notifier: Notifier = DEFAULT_NOTIFIER, measured_at: datetime | None = None) -> Reported:
    """Store one value the person reports (a resident, for themself) or a staff member records. An implausible
    value raises :class:`ImplausibleValue` and nothing is stored (not even asked: nothing is read or written)."""
    try:
        checked = check(kind, values)
    except ValueProblem as problem:
        raise ImplausibleValue(problem) from None
    if actor.role is Role.RESIDENT:
        owner, target = _receiver(s, person_id, kind, clock)
        if owner is None:
            # Nobody receives it: still asked and logged (someone else's person is refused as such).
            authorize(s, actor, person_id, InformationCategory.GRUNDUPPGIFTER, AuditAction.READ, purpose_of(actor),
                      clock)
            raise ValidationFailed("measurements.no_receiver")
    elif actor.is_staff and actor.provider_id is not None and actor.unit_id is not None:
        owner, target = (actor.provider_id, actor.unit_id), store.current_target(s, person_id, kind.value)
    else:
        raise Forbidden("access.denied.role_without_person_access")
    _ask(s, actor, clock, person_id, AuditAction.CREATE, owner, kind)
    outside = target is not None and _target(target).outside(checked)
    numbers = [checked[c.code] for c in SPECS[kind].components] + [None]
    now = clock.now()
    row = MeasurementRow(person_id=person_id, kind=kind.value, value=numbers[0], second_value=numbers[1],
                         measured_at=measured_at or now, by_person=actor.role is Role.RESIDENT,
                         reported_by_account_id=actor.account_id, reported_by_name=actor.display_name[:200],
                         owner_provider_id=owner[0], owner_unit_id=owner[1],
                         target_id=target.id if target else None, outside_target=outside)
    s.add(row)
    s.flush()
    if outside and target is not None:
        notifier.deliver(s, Notification(
            person_id=person_id, kind=NOTIFICATION_KIND, created_at=now, recipient_unit_id=target.owner_unit_id,
            text=t("measurements.notify.outside", kind=t(f"measurements.kind.{kind.value}").lower())))
    return Reported(id=row.id, kind=kind, values=checked, outside_target=outside)


def set_target(s: Session, actor: Actor, clock: Clock, person_id: int, kind: Kind,
               bands: dict[str, tuple[float | None, float | None]]) -> TargetOut:
    """The team sets the person's target range for ``kind``, in the record of the unit the staff member acts for;
    it replaces the earlier one (which is kept)."""
    if not actor.is_staff or actor.provider_id is None or actor.unit_id is None:
        raise Forbidden("access.denied.role_without_person_access")
    try:
        target = check_target(kind, bands)
    except ValueProblem as problem:
        raise ImplausibleValue(problem) from None
    _ask(s, actor, clock, person_id, AuditAction.WRITE, (actor.provider_id, actor.unit_id), kind)
    edges = [(b.low, b.high) for b in target.bands.values()] + [(None, None)]
    row = TargetRow(person_id=person_id, kind=kind.value, low=edges[0][0], high=edges[0][1],
                    second_low=edges[1][0], second_high=edges[1][1], owner_provider_id=actor.provider_id,
                    owner_unit_id=actor.unit_id, set_by_account_id=actor.account_id,
                    set_by_name=actor.display_name[:200], set_at=clock.now())
    s.add(row)
    s.flush()
    return _target_out(s, row)


def mark_handled(s: Session, actor: Actor, clock: Clock, measurement_id: int) -> MeasurementOut:
    """A staff member of the unit that set the target marks a value outside it as handled: a write in that
    unit's record (another provider's staff are refused by the policy)."""
    row = s.get(MeasurementRow, measurement_id)
    if row is None:
        raise NotFound("measurements.not_found")
    target = s.get(TargetRow, row.target_id) if row.target_id is not None else None
    if not actor.is_staff:
        _ask(s, actor, clock, row.person_id, AuditAction.WRITE, (row.owner_provider_id, row.owner_unit_id),
             Kind(row.kind))
        raise Forbidden("access.denied.staff_only")
    owner = (target.owner_provider_id, target.owner_unit_id) if target else (row.owner_provider_id,
                                                                               row.owner_unit_id)
    _ask(s, actor, clock, row.person_id, AuditAction.WRITE, owner, Kind(row.kind))
    if target is None or not row.outside_target:
        raise ValidationFailed("measurements.no_target")
    if row.handled_at is None:
        row.handled_at, row.handled_by_account_id = clock.now(), actor.account_id
    return _out(row)


# --- reading ------------------------------------------------------------------------------------------------------


def _out(row: MeasurementRow) -> MeasurementOut:
    kind = Kind(row.kind)
    return MeasurementOut(id=row.id, kind=kind, measured_at=row.measured_at, values=_values(kind, row),
                          by_person=row.by_person, reported_by=row.reported_by_name,
                          outside_target=row.outside_target, checked=row.target_id is not None,
                          handled_at=row.handled_at,
                          owner_unit_id=row.owner_unit_id)


def _target_out(s: Session, row: TargetRow) -> TargetOut:
    unit = directory.unit(s, row.owner_unit_id)
    return TargetOut(kind=Kind(row.kind), bands=_target(row).bands, set_by=row.set_by_name,
                     unit_name=unit.name if unit else "", set_at=row.set_at, owner_unit_id=row.owner_unit_id)


def _readable(s: Session, actor: Actor, clock: Clock, person_id: int, kind: Kind | None,
              owners: Iterable[Owner]) -> tuple[set[Owner], bool]:
    """Ask the policy once per record the values are in (one entry each); which it allows, and whether any was
    refused. With no values at all, one question about the reader's own record (staff) or the receiving unit's
    (the person), so that opening the page is decided and logged too; all refused raises the first refusal."""
    wanted = sorted(set(owners))
    if not wanted:
        if actor.is_staff and actor.provider_id is not None and actor.unit_id is not None:
            wanted = [(actor.provider_id, actor.unit_id)]
        else:
            owner, _target_row = _receiver(s, person_id, kind or Kind.BLOOD_PRESSURE, clock)
            if owner is None:
                authorize(s, actor, person_id, InformationCategory.GRUNDUPPGIFTER, AuditAction.READ,
                          purpose_of(actor), clock)
                return set(), False
            wanted = [owner]
    allowed: set[Owner] = set()
    first: AccessDenied | None = None
    for owner in wanted:
        try:
            _ask(s, actor, clock, person_id, AuditAction.READ, owner, kind)
        except AccessDenied as denied:
            first = first or denied
            continue
        allowed.add(owner)
    if not allowed and first is not None:
        raise first
    return allowed, first is not None


def _person_name(s: Session, person_id: int) -> str:
    person = directory.person(s, person_id)
    if person is None:
        raise NotFound("measurements.not_person")
    return person.full_name


def read_series(s: Session, actor: Actor, clock: Clock, person_id: int, kind: Kind) -> Series:
    """The person's values of ``kind`` and the current target, as far as the policy lets the reader see them."""
    name = _person_name(s, person_id)
    rows = store.series(s, person_id, kind.value, SERIES_LIMIT)
    target = store.current_target(s, person_id, kind.value)
    owners = [(r.owner_provider_id, r.owner_unit_id) for r in rows]
    if target is not None:
        owners.append((target.owner_provider_id, target.owner_unit_id))
    allowed, withheld = _readable(s, actor, clock, person_id, kind, owners)
    shown_target = (_target_out(s, target) if target is not None
                    and (target.owner_provider_id, target.owner_unit_id) in allowed else None)
    return Series(person_id=person_id, person_name=name, kind=kind,
                  values=tuple(_out(r) for r in rows if (r.owner_provider_id, r.owner_unit_id) in allowed),
                  target=shown_target, withheld=withheld)


def read_all(s: Session, actor: Actor, clock: Clock, person_id: int) -> list[Series]:
    """Every kind, for the overview: the same rule as :func:`read_series`, one decision per record in all."""
    name = _person_name(s, person_id)
    rows = store.series(s, person_id, None, SERIES_LIMIT * len(Kind))
    targets = store.current_targets(s, person_id)
    owners = [(r.owner_provider_id, r.owner_unit_id) for r in rows]
    owners += [(tr.owner_provider_id, tr.owner_unit_id) for tr in targets.values()]
    allowed, withheld = _readable(s, actor, clock, person_id, None, owners)
    out = []
    for kind in Kind:
        target = targets.get(kind.value)
        out.append(Series(
            person_id=person_id, person_name=name, kind=kind,
            values=tuple(_out(r) for r in rows
                         if r.kind == kind.value and (r.owner_provider_id, r.owner_unit_id) in allowed),
            target=(_target_out(s, target) if target is not None
                    and (target.owner_provider_id, target.owner_unit_id) in allowed else None),
            withheld=withheld))
    return out


# --- Idag ---------------------------------------------------------------------------------------------------------


def measurements_today(s: Session, actor: Actor, clock: Clock) -> tuple[MeasurementTask, ...]:
    """The unit's tasks: values outside a target it set, not yet handled, per person and kind, oldest first. The
    policy is asked once per person (a SEARCH in the unit's own record, logged); a person it refuses now is left
    out (the refusal is logged)."""
    if not actor.is_staff or actor.unit_id is None or actor.provider_id is None:
        return ()
    open_items = store.open_for_unit(s, actor.unit_id)
    visible: set[int] = set()
    for person_id in dict.fromkeys(p for p, _k, _c, _at in open_items):
        try:
            _ask(s, actor, clock, person_id, AuditAction.SEARCH, (actor.provider_id, actor.unit_id), None)
        except AccessDenied:
            continue
        visible.add(person_id)
    names = {p.id: p.full_name for p in directory.persons(s, sorted(visible)).values()}
    return tuple(MeasurementTask(person_id=p, person_name=names.get(p, ""), kind=Kind(k), count=c, since=at)
                 for p, k, c, at in open_items if p in visible)
