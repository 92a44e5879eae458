"""Who is acting and why: the role of an account, the actor a request runs as, and the purpose (ändamål) of a
read. Every part and the web kit share these; the log-in part (nara.auth) makes actors, the access policy
(nara.access) decides what they may read (DOMAIN.md §5)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What an account is for. Access to person data is decided per request by the access policy; the role only
    decides which parts of the product an account sees."""

    RESIDENT = "resident"  # invånare, sees own data
    STAFF = "staff"  # medarbetare in region or municipal care
    LEADER = "leader"  # follows up the transformation; aggregated data only
    REVIEWER = "reviewer"  # logguppföljning
    ADMIN = "admin"


class SessionKind(StrEnum):
    WEB = "web"  # a browser session, cookie + CSRF token
    API = "api"  # a bearer token for /api


class Purpose(StrEnum):
    """Ändamål: why the information is processed. Staff open a person's data for care only; follow-up and log
    review are other paths with their own rules (DOMAIN.md §5, §7)."""

    VARD = "vard"  # vård och behandling (incl. documentation and care coordination)
    EGEN_INSYN = "egen_insyn"  # the resident's own view of their data
    UPPFOLJNING = "uppfoljning"  # aggregated follow-up: not through this path
    LOGGUPPFOLJNING = "logguppfoljning"  # log review: not through this path
    NARSTAENDE = "narstaende"  # a närstående, ombud or vårdnadshavare acting for the person


@dataclass(frozen=True, slots=True)
class Actor:
    """The authenticated account a request acts for, and the unit it acts for ("du arbetar nu för")."""

    account_id: int
    username: str
    display_name: str
    role: Role
    staff_id: int | None = None
    staff_hsa_id: str | None = None
    person_id: int | None = None
    unit_id: int | None = None
    unit_name: str | None = None
    provider_id: int | None = None
    session_id: int | None = None
    unit_kind: str | None = None  # UnitKind of the active unit
    profession: str | None = None  # Profession of the staff member
    is_demo: bool = False
    # A resident acting for another person (närstående, ombud, vårdnadshavare): that person's id, as chosen in
    # the session. Only the choice: what they may see the access policy decides per request from the grants
    # (nara.access.model.proxies).
    acting_for: int | None = None

    @property
    def is_staff(self) -> bool:
        return self.role is Role.STAFF and self.staff_id is not None


def purpose_of(actor: Actor) -> Purpose:
    """The resident sees their own data (egen insyn), or acts for the person they chose (närstående); everyone
    else asks for vård och behandling."""
    if actor.role is not Role.RESIDENT:
        return Purpose.VARD
    return Purpose.NARSTAENDE if actor.acting_for is not None else Purpose.EGEN_INSYN


def subject_of(actor: Actor) -> int | None:
    """Whose data a resident's own pages show: the person they act for, else themself."""
    return actor.acting_for if actor.acting_for is not None else actor.person_id
