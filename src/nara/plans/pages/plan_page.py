"""A plan as a page shows it (DOMAIN §2): sections in the person's order, who may change what, what is due."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from nara.audit.model import AuditAction
from nara.core.actor import Actor, Role
from nara.core.clock import Clock, day_text, local_date, local_today, time_text
from nara.core.i18n import SV, t
from nara.plans import model, service
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
from nara.plans.pages.choices import person_is_synthetic, person_name
from nara.plans.service import PlanView

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
        return any(local_date(at) == self.today for at in item.done)

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


def read_page(session: Session, actor: Actor, clock: Clock, plan_id: int, *,
              action: AuditAction = AuditAction.READ) -> PlanPage:
    """Read the plan through the service (its access decisions logged as ``action``) and make its page."""
    return plan_page(session, actor, clock, service.read_plan(session, actor, clock, plan_id, action=action))
