"""Readable values and differences for the plan pages: ids named, values in Swedish (DOMAIN §2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from nara.core.clock import day_text, time_text
from nara.core.i18n import SV, t
from nara.directory import service as directory
from nara.plans import model
from nara.plans.model import PlanDocument
from nara.plans.service import ChangeOut

if TYPE_CHECKING:
    from nara.plans.pages.plan_page import PlanPage


@dataclass(frozen=True, slots=True)
class Change:
    """One change between two versions, as a sentence and its field changes with names instead of ids."""

    headline: str
    fields: tuple[tuple[str, str, str], ...]  # (label, before, after)


_ID_FIELDS = {"unit_id": "unit", "staff_id": "staff", "principal_provider_id": "provider",
              "overall_principal_provider_id": "provider"}


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
    units = {i: row.name for i, row in directory.units(session, wanted["unit"]).items()}
    staff = {i: f"{row.given_name} {row.family_name}"
             for i, row in directory.staff_members(session, wanted["staff"]).items()}
    providers = {i: row.name for i, row in directory.providers(session, wanted["provider"]).items()}
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
        return model.text_value(value)
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
