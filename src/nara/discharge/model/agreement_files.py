"""Reading regional agreements from their TOML files and choosing the version in force (DOMAIN §4).

The file format and the rule that picks a version are described in :mod:`nara.discharge.model.agreement`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from itertools import pairwise
from pathlib import Path
from typing import Any

from nara.core.clock import STOCKHOLM
from nara.discharge.model.agreement import (
    DEFAULT_ACK_ESCALATION,
    DEFAULT_SOON_DUE,
    LAW_DEFAULT_REGION,
    REQUIRABLE,
    Agreement,
    AgreementError,
    AmountSetBy,
    AmountTable,
    Anchor,
    Counting,
    DailyAmount,
    DueKind,
    MessageKind,
    PaymentModel,
    PaymentRules,
    Step,
    StepRule,
)

# --- parsing -------------------------------------------------------------------------------------------------

_TOP_KEYS = {"schema", "agreement", "counting", "worklist", "steps", "payment"}
_AGREEMENT_KEYS = {"key", "region", "name", "valid_from", "valid_to", "example", "source"}
_COUNTING_KEYS = {"day_zero_counts", "cutoff"}
_WORKLIST_KEYS = {"soon_due_hours", "escalate_unacknowledged_after_hours"}
_STEP_KEYS = {"from", "hours", "calendar_days", "by", "soon_due_hours", "basis"} | _COUNTING_KEYS
_PAYMENT_KEYS = {"model", "free_days", "max_average_days", "psychiatric_free_days", "requires",
                 "discharge_day_counts", "amount_per_day", "basis"} | _COUNTING_KEYS
_AMOUNT_KEYS = {"kronor", "source", "citation"}
_AMOUNT_TABLE_TOP = {"schema", "amount_table", "years"}
_AMOUNT_TABLE_KEYS = {"name", "citation"}
# Words meant for developers that must never reach a page, a message or an export (text people read).
_DEVELOPER_WORDS = re.compile(r"\(verify\)|verify|DOMAIN|\.toml\b|\.md\b|\.py\b", re.IGNORECASE)
_CUTOFF_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


def _fail(origin: str, message: str) -> AgreementError:
    return AgreementError(f"{origin}: {message}")


def _check_keys(table: Mapping[str, Any], allowed: set[str], where: str, origin: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise _fail(origin, f"unknown key(s) in {where}: {', '.join(unknown)}")


def _table(doc: Mapping[str, Any], name: str, origin: str) -> Mapping[str, Any]:
    value = doc.get(name, {})
    if not isinstance(value, Mapping):
        raise _fail(origin, f"[{name}] must be a table")
    return value


def _bool(table: Mapping[str, Any], key: str, default: bool, origin: str) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise _fail(origin, f"{key} must be true or false")
    return value


def _count(value: Any, what: str, origin: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _fail(origin, f"{what} must be a whole number ≥ {minimum}")
    return value


def _people_text(value: Any, where: str, origin: str, *, required: bool = False) -> str:
    """Text people read (module docstring): a string without developer words."""
    if value is None:
        if required:
            raise _fail(origin, f"{where} is required")
        return ""
    if not isinstance(value, str):
        raise _fail(origin, f"{where} must be text")
    if required and not value.strip():
        raise _fail(origin, f"{where} is required")
    if _DEVELOPER_WORDS.search(value):
        raise _fail(origin, f"{where} is shown to people: keep notes such as (verify), DOMAIN or file names in "
                            f"TOML comments")
    return value


def _hours(table: Mapping[str, Any], key: str, default: timedelta, origin: str) -> timedelta:
    if key not in table:
        return default
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise _fail(origin, f"{key} must be a number of hours ≥ 0")
    return timedelta(hours=value)


def _date(value: Any, what: str, origin: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise _fail(origin, f"{what} must be a date (YYYY-MM-DD, no time)")
    return value


def _counting(table: Mapping[str, Any], base: Counting, origin: str) -> Counting:
    cutoff = base.cutoff
    if "cutoff" in table:
        text = table["cutoff"]
        match = _CUTOFF_RE.match(text) if isinstance(text, str) else None
        if not match:
            raise _fail(origin, 'cutoff must be a local time "HH:MM"')
        cutoff = time(int(match.group(1)), int(match.group(2)))
    return Counting(day_zero_counts=_bool(table, "day_zero_counts", base.day_zero_counts, origin), cutoff=cutoff)


def _step_rule(step: Step, table: Mapping[str, Any], counting: Counting, soon_due: timedelta,
               origin: str) -> StepRule:
    where = f"[steps.{step}]"
    _check_keys(table, _STEP_KEYS, where, origin)
    basis = _people_text(table.get("basis"), f"{where} basis", origin)
    soon = _hours(table, "soon_due_hours", soon_due, origin)
    if "by" in table:
        if {"from", "hours", "calendar_days"} & set(table):
            raise _fail(origin, f"{where}: 'by' cannot be combined with 'from', 'hours' or 'calendar_days'")
        by = table["by"]
        if by not in (DueKind.DISCHARGE, DueKind.DISCHARGE_DAY):
            raise _fail(origin, f'{where}: by must be "discharge" or "discharge_day"')
        return StepRule(step, DueKind(by), soon_due=soon, basis=basis)
    try:
        anchor = Anchor(table["from"])
    except (KeyError, ValueError):
        raise _fail(origin, f"{where}: from must be one of {', '.join(a.value for a in Anchor)}") from None
    if ("hours" in table) == ("calendar_days" in table):
        raise _fail(origin, f"{where}: give exactly one of hours, calendar_days or by")
    if "hours" in table:
        if set(table) & _COUNTING_KEYS:
            raise _fail(origin, f"{where}: day_zero_counts and cutoff apply to calendar_days only")
        return StepRule(step, DueKind.HOURS, anchor, _count(table["hours"], f"{where} hours", origin, minimum=1),
                        soon_due=soon, basis=basis)
    days = _count(table["calendar_days"], f"{where} calendar_days", origin, minimum=1)
    return StepRule(step, DueKind.CALENDAR_DAYS, anchor, days, _counting(table, counting, origin), soon, basis)


def _amount(year: int, entry: Any, where: str, origin: str, set_by: AmountSetBy) -> DailyAmount:
    if not isinstance(entry, Mapping):
        raise _fail(origin, f"{where}: a table with kronor, source and citation")
    _check_keys(entry, _AMOUNT_KEYS, where, origin)
    if "kronor" not in entry:
        raise _fail(origin, f"{where}: kronor is required (leave an unknown year out: it is never carried forward)")
    return DailyAmount(year, _count(entry["kronor"], f"{where} kronor", origin, minimum=1),
                       source=_people_text(entry.get("source"), f"{where} source", origin, required=True),
                       citation=_people_text(entry.get("citation"), f"{where} citation", origin), set_by=set_by)


def _year(key: Any, where: str, origin: str) -> int:
    if not (isinstance(key, str) and key.isdigit() and len(key) == 4):
        raise _fail(origin, f"{where} {key!r}: a year YYYY")
    return int(key)


def _amounts(table: Mapping[str, Any], origin: str) -> dict[int, DailyAmount]:
    out = {}
    for key, entry in table.items():
        year = _year(key, "[payment.amount_per_day]", origin)
        out[year] = _amount(year, entry, f"[payment.amount_per_day] {year}", origin, AmountSetBy.AGREEMENT)
    return dict(sorted(out.items()))


def parse_amount_table(doc: Mapping[str, Any], *, origin: str = "<amounts>") -> AmountTable:
    """Build the :class:`AmountTable` from a parsed ``belopp-per-dag.toml``."""
    _check_keys(doc, _AMOUNT_TABLE_TOP, "the file", origin)
    if doc.get("schema", 1) != 1:
        raise _fail(origin, "schema must be 1")
    head = _table(doc, "amount_table", origin)
    _check_keys(head, _AMOUNT_TABLE_KEYS, "[amount_table]", origin)
    name = _people_text(head.get("name"), "[amount_table] name", origin, required=True)
    default_citation = _people_text(head.get("citation"), "[amount_table] citation", origin)
    amounts: dict[int, DailyAmount] = {}
    for key, entry in _table(doc, "years", origin).items():
        year = _year(key, "[years]", origin)
        amount = _amount(year, entry, f"[years.{year}]", origin, AmountSetBy.NATIONAL)
        if not amount.citation:
            amount = DailyAmount(year, amount.kronor, amount.source, default_citation, AmountSetBy.NATIONAL)
        amounts[year] = amount
    return AmountTable(name=name, amounts=dict(sorted(amounts.items())))


def _payment(table: Mapping[str, Any], counting: Counting, origin: str) -> PaymentRules:
    _check_keys(table, _PAYMENT_KEYS, "[payment]", origin)
    try:
        model = PaymentModel(table.get("model"))
    except ValueError:
        raise _fail(origin, f"[payment] model must be one of {', '.join(m.value for m in PaymentModel)}") from None
    days_key = "free_days" if model is PaymentModel.PER_PATIENT else "max_average_days"
    wrong_key = "max_average_days" if model is PaymentModel.PER_PATIENT else "free_days"
    if days_key not in table or wrong_key in table:
        raise _fail(origin, f"[payment] model {model} needs {days_key} (and not {wrong_key})")
    requires_raw = table.get("requires", [])
    try:
        requires = tuple(MessageKind(r) for r in requires_raw)
    except (TypeError, ValueError):
        requires = ()
    if not isinstance(requires_raw, list) or len(requires) != len(requires_raw) or not set(requires) <= REQUIRABLE:
        raise _fail(origin, f"[payment] requires lists message kinds among {', '.join(sorted(REQUIRABLE))}")
    amounts = table.get("amount_per_day", {})
    if not isinstance(amounts, Mapping):
        raise _fail(origin, "[payment.amount_per_day] must be a table of years")
    psychiatric = None
    if "psychiatric_free_days" in table:
        if model is not PaymentModel.PER_PATIENT:
            raise _fail(origin, "[payment] psychiatric_free_days needs model per_patient (an average model would "
                                "need an average of its own per kind of care)")
        psychiatric = _count(table["psychiatric_free_days"], "[payment] psychiatric_free_days", origin)
    return PaymentRules(
        model=model,
        days=_count(table[days_key], f"[payment] {days_key}", origin),
        requires=requires,
        counting=_counting(table, counting, origin),
        discharge_day_counts=_bool(table, "discharge_day_counts", False, origin),
        amounts=_amounts(amounts, origin),
        basis=_people_text(table.get("basis"), "[payment] basis", origin),
        psychiatric_days=psychiatric,
    )


def parse_agreement(doc: Mapping[str, Any], *, origin: str = "<agreement>") -> Agreement:
    """Build an :class:`Agreement` from a parsed TOML document. Raises :class:`AgreementError` naming the problem."""
    _check_keys(doc, _TOP_KEYS, "the file", origin)
    if doc.get("schema", 1) != 1:
        raise _fail(origin, "schema must be 1")
    head = _table(doc, "agreement", origin)
    _check_keys(head, _AGREEMENT_KEYS, "[agreement]", origin)
    for required in ("key", "region", "name", "valid_from"):
        if required not in head:
            raise _fail(origin, f"[agreement] {required} is required")
    key = head["key"]
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise _fail(origin, "[agreement] key must be lower-case letters, digits, '.', '_' or '-'")
    region = str(head["region"])
    example = _bool(head, "example", False, origin)
    if example and (region == LAW_DEFAULT_REGION or region.isdigit()):
        raise _fail(origin, "an example agreement must not name a real region or '*' (use e.g. region = \"exempel\")")
    valid_from = _date(head["valid_from"], "valid_from", origin)
    valid_to = _date(head["valid_to"], "valid_to", origin) if "valid_to" in head else None
    if valid_to is not None and valid_to < valid_from:
        raise _fail(origin, "valid_to is before valid_from")
    counting_table = _table(doc, "counting", origin)
    _check_keys(counting_table, _COUNTING_KEYS, "[counting]", origin)
    counting = _counting(counting_table, Counting(), origin)
    worklist = _table(doc, "worklist", origin)
    _check_keys(worklist, _WORKLIST_KEYS, "[worklist]", origin)
    soon_due = _hours(worklist, "soon_due_hours", DEFAULT_SOON_DUE, origin)
    steps_table = _table(doc, "steps", origin)
    steps: dict[Step, StepRule] = {}
    for name, table in steps_table.items():
        try:
            step = Step(name)
        except ValueError:
            raise _fail(origin, f"unknown step [steps.{name}]; steps are {', '.join(s.value for s in Step)}") from None
        if not isinstance(table, Mapping):
            raise _fail(origin, f"[steps.{name}] must be a table")
        steps[step] = _step_rule(step, table, counting, soon_due, origin)
    if "payment" not in doc:
        raise _fail(origin, "[payment] is required")
    return Agreement(
        key=key,
        region=region,
        name=_people_text(head["name"], "[agreement] name", origin, required=True),
        valid_from=valid_from,
        valid_to=valid_to,
        steps={s: steps[s] for s in Step if s in steps},
        payment=_payment(_table(doc, "payment", origin), counting, origin),
        ack_escalation=_hours(worklist, "escalate_unacknowledged_after_hours", DEFAULT_ACK_ESCALATION, origin),
        example=example,
        source=_people_text(head.get("source"), "[agreement] source", origin),
        origin=origin,
    )


AMOUNT_TABLE_FILE = "belopp-per-dag.toml"


def _read_toml(path: Path | Traversable) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise _fail(str(path), f"not valid TOML: {exc}") from None


def load_agreement(path: Path | Traversable) -> Agreement:
    """Read one agreement file."""
    return parse_agreement(_read_toml(path), origin=str(path))


def load_amount_table(path: Path | Traversable) -> AmountTable:
    """Read the table of amounts per day (``belopp-per-dag.toml``)."""
    return parse_amount_table(_read_toml(path), origin=str(path))


def with_amounts(agreement: Agreement, table: AmountTable) -> Agreement:
    """``agreement`` with the national amounts of ``table`` under its own (its own win for a year they share)."""
    merged = {**table.amounts, **{y: a for y, a in agreement.payment.amounts.items()
                                  if a.set_by is AmountSetBy.AGREEMENT}}
    return replace(agreement, payment=replace(agreement.payment, amounts=dict(sorted(merged.items()))))


# --- choosing the version in force ---------------------------------------------------------------------------


class AgreementLibrary:
    """All agreement versions known to the platform, per region, and the rule that picks the one in force."""

    def __init__(self, agreements: Iterable[Agreement]) -> None:
        by_region: dict[str, list[Agreement]] = {}
        keys: set[str] = set()
        for agreement in agreements:
            if agreement.key in keys:
                raise AgreementError(f"two agreement files have the key {agreement.key!r}")
            keys.add(agreement.key)
            by_region.setdefault(agreement.region, []).append(agreement)
        for region, versions in by_region.items():
            versions.sort(key=lambda a: a.valid_from)
            for earlier, later in pairwise(versions):
                if earlier.valid_to is None or earlier.valid_to >= later.valid_from:
                    raise AgreementError(
                        f"agreements {earlier.key!r} and {later.key!r} of region {region!r} overlap: give the "
                        f"earlier one a valid_to before {later.valid_from}"
                    )
        self._by_region = by_region

    @classmethod
    def from_directory(cls, folder: Path | Traversable) -> AgreementLibrary:
        """Every ``*.toml`` file in ``folder`` and its sub-folders (e.g. one sub-folder per region), with the
        amounts of ``belopp-per-dag.toml`` (in ``folder`` itself; without it no national amount is known)."""
        files = sorted(_toml_files(folder), key=str)
        table_file = [p for p in files if p.name == AMOUNT_TABLE_FILE]
        table = load_amount_table(table_file[0]) if table_file else AmountTable(name="", amounts={})
        return cls(with_amounts(load_agreement(p), table) for p in files if p.name != AMOUNT_TABLE_FILE)

    def regions(self) -> list[str]:
        return sorted(self._by_region)

    def versions(self, region: str) -> list[Agreement]:
        """The region's own versions, oldest first (not the law's default)."""
        return list(self._by_region.get(region, ()))

    def get(self, key: str) -> Agreement:
        for versions in self._by_region.values():
            for agreement in versions:
                if agreement.key == key:
                    return agreement
        raise KeyError(key)

    def in_force(self, region: str, at: datetime | date) -> Agreement:
        """The version for ``region`` in force on the Swedish calendar day of ``at``; the law's default where the
        region has none. An aware datetime is converted to Stockholm time first."""
        day = _swedish_day(at)
        for candidates in (self._by_region.get(region, ()), self._by_region.get(LAW_DEFAULT_REGION, ())):
            for agreement in candidates:
                if agreement.in_force_on(day):
                    return agreement
        raise AgreementError(f"no agreement for region {region!r} and no law default in force on {day}")


def _swedish_day(at: datetime | date) -> date:
    if isinstance(at, datetime):
        if at.tzinfo is None:
            raise ValueError("a naive datetime has no Swedish calendar day: pass an aware datetime")
        return at.astimezone(STOCKHOLM).date()
    return at


def _toml_files(folder: Path | Traversable) -> Iterable[Path | Traversable]:
    for entry in folder.iterdir():
        if entry.is_dir():
            yield from _toml_files(entry)
        elif entry.name.endswith(".toml"):
            yield entry


def packaged_agreements_folder() -> Traversable:
    return resources.files("nara.discharge") / "agreements"


@lru_cache(maxsize=1)
def default_library() -> AgreementLibrary:
    """The agreements shipped with the platform (package data), read once."""
    return AgreementLibrary.from_directory(packaged_agreements_folder())


def agreement_in_force(region: str, at: datetime | date, library: AgreementLibrary | None = None) -> Agreement:
    """The agreement for ``region`` (SCB county code, e.g. "18") in force at ``at``; see the module docstring."""
    return (library or default_library()).in_force(region, at)
