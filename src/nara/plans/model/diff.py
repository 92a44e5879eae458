"""The difference between two versions of a plan, as entries and as Swedish sentences (DOMAIN §2)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from nara.core.clock import local_minute
from nara.core.i18n import SV, t
from nara.plans.model.document import Invitation, PlanDocument, Recorded, TeamMember
from nara.plans.model.operations import SIP_SECTIONS, Section
from nara.plans.model.writing import SECTIONS


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class DiffEntry:
    """One change between two versions: an element added, removed or changed (with its fields)."""

    section: str  # a Section value, "plan" or "sip"
    element_id: str | None
    change: Literal["added", "removed", "changed"]
    title: str
    fields: tuple[FieldChange, ...] = field(default=())


_META = frozenset({"id", "recorded", "status_recorded", "answered", "overall_recorded", "held"})
_STAMP = frozenset({"provider_id", "unit_id", "by_person", "at"})  # a Recorded, as JSON
_TITLE_FIELDS = ("text", "purpose", "name", "by_whom", "outcome")


def _title(element: Any) -> str:
    for name in _TITLE_FIELDS:
        value = getattr(element, name, None)
        if value:
            return str(value)
    if isinstance(element, TeamMember):
        return t(f"plans.value.{element.role.value}")
    if isinstance(element, Invitation):
        return t("plans.diff.unit", id=element.unit_id)
    return element.id


def _fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(k, before.get(k), after.get(k)) for k in sorted(set(before) | set(after))
                 if k not in _META and before.get(k) != after.get(k))


def diff_documents(old: PlanDocument, new: PlanDocument) -> list[DiffEntry]:
    """What changed from ``old`` to ``new``, element by element (matched by id), then plan-wide facts."""
    entries: list[DiffEntry] = []
    before_plan = old.model_dump(include={"status"})
    after_plan = new.model_dump(include={"status"})
    if before_plan != after_plan:
        entries.append(DiffEntry("plan", None, "changed", t("plans.diff.plan"), _fields(before_plan, after_plan)))
    for section in Section:
        olds = {e.id: e for e in SECTIONS[section](old)}
        news = {e.id: e for e in SECTIONS[section](new)}
        for eid, element in news.items():
            if eid not in olds:
                entries.append(DiffEntry(section.value, eid, "added", _title(element)))
            else:
                changes = _fields(olds[eid].model_dump(mode="json"), element.model_dump(mode="json"))
                if changes:
                    entries.append(DiffEntry(section.value, eid, "changed", _title(element), changes))
        entries += [DiffEntry(section.value, eid, "removed", _title(e)) for eid, e in olds.items() if eid not in news]
    if old.sip is not None or new.sip is not None:
        skip = {s.value for s in SIP_SECTIONS}
        before = old.sip.model_dump(mode="json", exclude=skip) if old.sip else {}
        after = new.sip.model_dump(mode="json", exclude=skip) if new.sip else {}
        flat_before = {k: _plain(v) for k, v in before.items()}
        flat_after = {k: _plain(v) for k, v in after.items()}
        changes = _fields(flat_before, flat_after)
        if changes:
            entries.append(DiffEntry("sip", None, "changed", t("plans.diff.sip"), changes))
    return entries + _approval_entries(old, new)


def _approval_entries(old: PlanDocument, new: PlanDocument) -> list[DiffEntry]:
    """Approvals of commitments (nara.plans.model.approvals) asked for, asked again or answered."""
    before = {r.id: r for r in old.commitment_approvals}
    entries = []
    for record in new.commitment_approvals:
        was = before.get(record.id)
        if was is None or was.state is not record.state or was.since_version != record.since_version:
            entries.append(DiffEntry("commitment_approvals", record.id, "changed", record.title, (
                FieldChange("approval", was.state.value if was else None, record.state.value),)))
    return entries


def _plain(value: Any) -> Any:
    """A plan-wide fact without its "recorded" stamp, so restating the same fact is no change."""
    if isinstance(value, dict):
        if set(value) == _STAMP:
            return True  # e.g. "fastställd", "no measures by others": whether, not by whom
        return {k: v for k, v in value.items() if k != "recorded"} or True
    return value


_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _value(value: Any) -> str:
    if value is None or value == () or value == []:
        return t("plans.diff.empty")
    if isinstance(value, bool):
        return t("plans.diff.yes") if value else t("plans.diff.no")
    if isinstance(value, list):
        return str(len(value))
    if isinstance(value, dict):
        if "kind" in value and ("unit_id" in value or "name" in value):  # a Responsible
            who = value.get("name") or (t("plans.diff.unit", id=value["unit_id"]) if value.get("unit_id") else "")
            label = _value(value["kind"])
            return f"{label} ({who})" if who else label
        return ", ".join(f"{_label(k)}: {_value(v)}" for k, v in value.items() if k not in _META)
    if isinstance(value, str):
        return text_value(value)
    return str(value)


def text_value(value: str) -> str:
    """A stored text value as a person reads it: a value label in Swedish, a time in Swedish time, else itself."""
    if f"plans.value.{value}" in SV:
        return t(f"plans.value.{value}")
    if _ISO_TIME.match(value):
        try:
            return local_minute(datetime.fromisoformat(value))
        except ValueError:
            return value
    return value


def _label(name: str) -> str:
    key = f"plans.field.{name}"
    return t(key) if key in SV else name


def describe(entry: DiffEntry) -> str:
    """One change in Swedish: "Aktivitet ändrad: Promenad 30 minuter – status: planerad → klar"."""
    what = t(f"plans.section.{entry.section}")
    key = f"plans.diff.{entry.change}.{entry.section}"  # where Swedish grammar needs its own form ("mål tillagt")
    text = t(key if key in SV else f"plans.diff.{entry.change}", what=what, title=entry.title)
    if entry.fields:
        text += " – " + "; ".join(f"{_label(c.field)}: {_value(c.before)} → {_value(c.after)}" for c in entry.fields)
    return text


def summary(entries: Sequence[DiffEntry], limit: int = 2000) -> str:
    """The change summary stored with a version."""
    text = " · ".join(describe(e) for e in entries) or t("plans.diff.nothing")
    return text if len(text) <= limit else text[: limit - 1] + "…"


_LATER_STAMPS = ("status_recorded", "acknowledged", "answered")  # recorded after the element, on some kinds


def recorders(doc: PlanDocument) -> tuple[set[int], set[int]]:
    """(unit ids, care provider ids) of everyone who recorded something in the document, for "recorded by"."""
    stamps: list[Recorded | None] = []
    for section in Section:
        for element in SECTIONS[section](doc):
            fields = type(element).model_fields  # not getattr(…, None): a miss is an exception inside pydantic
            stamps.append(element.recorded)
            stamps += [getattr(element, name) for name in _LATER_STAMPS if name in fields]
    if doc.sip is not None:
        sip = doc.sip
        stamps += [sip.established, sip.no_other_measures, sip.overall_recorded,
                   sip.consent.recorded if sip.consent else None, sip.meeting.recorded if sip.meeting else None,
                   sip.meeting.held if sip.meeting else None]
    stamps += [stamp for r in doc.commitment_approvals for stamp in (r.requested, r.answered)]
    units = {s.unit_id for s in stamps if s is not None and s.unit_id is not None}
    providers = {s.provider_id for s in stamps if s is not None and s.provider_id is not None}
    units |= {r.unit_id for r in doc.commitment_approvals if r.unit_id is not None}  # whose approval is asked
    providers |= {r.provider_id for r in doc.commitment_approvals}
    return units, providers
