"""What the plan use cases return (DOMAIN §2–3): views of a plan, its versions and the worklist, as the API sends
them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from nara.plans.model import PlanDocument, PlanKind


class UnitRef(BaseModel):
    id: int
    name: str
    kind: str
    phone: str | None
    provider_id: int
    provider_name: str


class StaffRef(BaseModel):
    id: int
    name: str
    profession: str


class ProviderRef(BaseModel):
    id: int
    name: str
    kind: str


class NextStepOut(BaseModel):
    kind: str
    element_id: str | None
    text: str
    on: date | None
    at: datetime | None


class MissingOut(BaseModel):
    part: str
    element_ids: list[str]
    detail: str


class WithheldOut(BaseModel):
    """Something in the plan the reader may not see: which part of the plan, how many pieces, and why — who set
    the spärr, or that consent for the provider that documented it is missing — never its content (DOMAIN §5)."""

    section: str
    count: int
    text: str


class ApprovalOut(BaseModel):
    """One party of a SIP and its approval of the plan as it reads now (DOMAIN §3: decided together): a principal
    (``principal_provider_id``) or the person (``person``); ``approved`` false says whose approval is missing."""

    principal_provider_id: int | None
    person: bool
    party: str
    approved: bool
    name: str | None = None
    role: str | None = None
    representative: str | None = None
    at: datetime | None = None


class PlanView(BaseModel):
    """A plan as its reader sees it: the document and what is computed from it today. ``units``, ``staff`` and
    ``providers`` name the ids the document holds. Pieces documented by a provider or unit whose information the
    reader may not see are left out of ``document`` and named in ``withheld``."""

    id: int
    person_id: int
    kind: PlanKind
    status: str
    version: int
    etag: str
    owner_provider_id: int
    owner_unit_id: int
    created_at: datetime
    updated_at: datetime
    document: PlanDocument
    next_step: NextStepOut | None
    overdue_activity_ids: list[str]
    open_requests: int
    missing_for_finalising: list[MissingOut]
    approvals: list[ApprovalOut] = []
    blocked: list[str]
    withheld: list[WithheldOut] = []
    via_emergency: bool
    units: list[UnitRef]
    staff: list[StaffRef]
    providers: list[ProviderRef]


class PlanSummary(BaseModel):
    id: int
    kind: PlanKind
    status: str
    version: int
    etag: str
    owner_provider_id: int
    owner_unit_id: int
    updated_at: datetime
    next_step: NextStepOut | None
    overdue: int
    open_requests: int


class Written(BaseModel):
    """What a write returns when the writer may not read the plan (e.g. answering a SIP invitation)."""

    id: int
    version: int
    etag: str


class VersionInfo(BaseModel):
    version: int
    created_at: datetime
    author_name: str
    author_hsa_id: str | None
    author_unit_id: int | None
    author_provider_id: int | None
    by_person: bool
    summary: str


class ChangeOut(BaseModel):
    section: str
    element_id: str | None
    change: str
    title: str
    fields: list[dict[str, Any]]
    text: str


class VersionView(VersionInfo):
    """A version as the reader may see it, with what changed from the version before (empty for the first)."""

    document: PlanDocument
    withheld: list[WithheldOut] = []
    changes: list[ChangeOut] = []


class DiffView(BaseModel):
    plan_id: int
    from_version: int
    to_version: int
    changes: list[ChangeOut]
    withheld: list[WithheldOut] = []


class WorkItem(BaseModel):
    """One row of the staff worklist. ``access`` is None when the plan could be shown; otherwise the reason code
    of the denial (logged), or "invited" for a SIP the unit is invited to and has not answered — then only the
    plan's id, kind and version are given (answer with :func:`answer_invitation`)."""

    plan_id: int
    kind: PlanKind
    status: str
    version: int
    etag: str
    roles: list[str]
    access: str | None
    person_id: int | None = None
    person_name: str | None = None
    updated_at: datetime | None = None
    overdue: int = 0
    overdue_mine: int = 0
    open_requests: int = 0
    next_on: date | None = None


def etag(plan_id: int, version: int) -> str:
    """The entity tag of a plan version: strong, ``"<plan_id>-<version>"``. It names the stored version of the
    document, which is what If-Match compares."""
    return f'"{plan_id}-{version}"'
