"""Who is acting: accounts, roles and the actor a request runs as. Plain Python, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What an account is for. Access to person data is decided per request by the access policy
    (issue: access); the role only decides which parts of the product an account sees."""

    RESIDENT = "resident"  # invånare, sees own data
    STAFF = "staff"  # medarbetare in region or municipal care
    LEADER = "leader"  # follows up the transformation; aggregated data only
    REVIEWER = "reviewer"  # logguppföljning
    ADMIN = "admin"


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

    @property
    def is_staff(self) -> bool:
        return self.role is Role.STAFF and self.staff_id is not None
