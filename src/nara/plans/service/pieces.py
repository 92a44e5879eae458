"""Each piece of a plan decided by the care provider and unit that documented it (DOMAIN §5: "decide per piece of
information by the provider and unit that documented it — a shared plan holds pieces from several").

A plan owned by provider A holds goals, activities, notes, times and SIP parts recorded by providers B, C, … For
every reader the plan's frame (A's) is decided first — denied, nothing is shown (403) — and then each distinct
documenting provider and unit once (:func:`nara.access.service.authorize_pieces`: one audit entry per distinct
decision). What the reader may not see is left out of the document, the history, a version and a difference, and
in its place the reader is told that something is withheld and why: who set the spärr (another provider's yttre
spärr anonymously, before the first step of a nödåtkomst), or that consent for that provider is missing — never
its content.

Used by nara.plans.service; the rules of who documented what are nara.plans.model's (:func:`plan_pieces`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from nara.access.model import Decision
from nara.access.service import Owner, PieceDecisions, authorize_pieces, blocked_notice
from nara.audit.model import AuditAction
from nara.core.actor import Actor, Purpose
from nara.core.clock import Clock
from nara.core.i18n import SV, t
from nara.directory.service import names_for_display
from nara.plans import model
from nara.plans.model import FRAME, DiffEntry, Key, Piece, PlanContext, PlanDocument


@dataclass(frozen=True, slots=True)
class Directory:
    """Names and kinds of the units, staff and care providers some plan documents hold (rows as
    :func:`_directory_names` gives them, by id)."""

    units: dict[int, tuple[Any, ...]]  # (id, name, kind, phone, provider id, provider name)
    staff: dict[int, tuple[Any, ...]]  # (id, name, profession)
    providers: dict[int, tuple[Any, ...]]  # (id, name, kind)


def directory(session: Session | Connection, owner_provider_id: int, owner_unit_id: int,
              docs: Iterable[PlanDocument], *, authors: Iterable[tuple[int | None, int | None]] = ()) -> Directory:
    """The directory rows for everything ``docs`` name or were recorded by (one cached lookup)."""
    units, staff, providers = {owner_unit_id}, set(), {owner_provider_id}
    for doc in docs:
        referenced_units, referenced_staff, referenced_providers = model.referenced_ids(doc)
        recorded_units, recorded_providers = model.recorders(doc)
        units |= referenced_units | recorded_units
        staff |= referenced_staff
        providers |= referenced_providers | recorded_providers
    for provider_id, unit_id in authors:
        units |= {unit_id} if unit_id is not None else set()
        providers |= {provider_id} if provider_id is not None else set()
    unit_rows, staff_rows, provider_rows = _directory_names(session, units, staff, providers)
    return Directory({r[0]: r for r in unit_rows}, {r[0]: r for r in staff_rows}, {r[0]: r for r in provider_rows})


NAME_CACHE_SECONDS = 60.0
"""How long a process keeps the names of units, staff and care providers it looked up for plan views. They change
rarely and are shown, never decided on; caching them saves the read path about a third of its CPU (bench)."""
_NAME_CACHE_MAX = 20_000
_name_cache: dict[tuple[int, str, int], tuple[float, tuple[Any, ...]]] = {}


def _directory_names(session: Session | Connection, unit_ids: Iterable[int], staff_ids: Iterable[int],
                    provider_ids: Iterable[int]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]],
                                                           list[tuple[Any, ...]]]:
    """Units (id, name, kind, phone, provider id, provider name), staff (id, name, profession) and care providers
    (id, name, kind) by id, sorted by id: from the process's cache (NAME_CACHE_SECONDS), the rest in one query."""
    bound = (session.get_bind() if isinstance(session, Session) else session).engine
    engine = hash((id(bound.pool), str(bound.url)))  # one database's names never answer for another's
    now = time.monotonic()
    wanted = {"u": set(unit_ids), "s": set(staff_ids), "p": set(provider_ids)}
    found: dict[str, dict[int, tuple[Any, ...]]] = {"u": {}, "s": {}, "p": {}}
    missing: dict[str, list[int]] = {"u": [], "s": [], "p": []}
    for kind, ids in wanted.items():
        for i in ids:
            hit = _name_cache.get((engine, kind, i))
            if hit is not None and hit[0] > now:
                found[kind][i] = hit[1]
            else:
                missing[kind].append(i)
    if any(missing.values()):
        if len(_name_cache) > _NAME_CACHE_MAX:
            _name_cache.clear()
        for kind, row in names_for_display(session, missing["u"], missing["s"], missing["p"]):
            found[kind][row[0]] = row
            _name_cache[(engine, kind, row[0])] = (now + NAME_CACHE_SECONDS, row)
    units = [found["u"][i] for i in sorted(found["u"])]
    staff = [found["s"][i][:3] for i in sorted(found["s"])]
    providers = [found["p"][i][:3] for i in sorted(found["p"])]
    return units, staff, providers


def context(owner_provider_id: int, owner_unit_id: int, names: Directory) -> PlanContext:
    return PlanContext(owner_provider_id, owner_unit_id, {i: row[2] for i, row in names.units.items()},
                       frozenset(i for i, row in names.providers.items() if row[2] == "kommun"))


def owner(piece: Piece) -> Owner:
    return Owner(piece.category, piece.provider_id, piece.unit_id, piece.social_scope)


def decide(session: Session | Connection, actor: Actor, clock: Clock, person_id: int, plan_id: int, frame: Piece,
           pieces: Iterable[Piece], purpose: Purpose, *, action: AuditAction = AuditAction.READ,
           decided: Mapping[Owner, Decision] | None = None) -> PieceDecisions:
    """The frame, then every distinct documenting provider and unit among ``pieces``: one audit entry each
    (nara.access.service.authorize_pieces); raises AccessDenied when the frame is denied."""
    return authorize_pieces(session, actor, person_id, owner(frame), [owner(p) for p in pieces], action, purpose,
                            clock, resource=("plan", plan_id), decided=decided)


class Withholding:
    """What one reader may not see of a plan's pieces, and what is said instead."""

    def __init__(self, decisions: PieceDecisions, names: Directory) -> None:
        self.decisions = decisions
        self.names = names

    def notice(self, piece: Piece | None) -> str | None:
        """None when the reader may see ``piece``; else why not, in Swedish, without its content."""
        if piece is None:
            return None
        decision = self.decisions.of(owner(piece))
        if decision.allowed:
            return None
        if decision.blocking is not None:
            return blocked_notice(decision.blocking)
        unit = self.names.units.get(piece.unit_id or 0)
        provider = self.names.providers.get(piece.provider_id)
        if unit is not None:
            by = f"{unit[1]} ({unit[5]})"
        else:
            by = provider[1] if provider is not None else t("access.blocked_notice.some_provider")
        key = f"plans.withheld.{decision.reason.value}"
        return t(key if key in SV else "plans.withheld.other", by=by,
                 what=t(f"access.category.{piece.category.value}"))

    def keys(self, pieces: Mapping[Key, Piece]) -> set[Key]:
        return {key for key, piece in pieces.items() if self.notice(piece) is not None}

    def listed(self, pieces: Mapping[Key, Piece]) -> list[dict[str, Any]]:
        """The withheld pieces by part of the plan and reason: (section, count, text)."""
        counted: dict[tuple[str, str], int] = {}
        for (section, _element, _part), piece in pieces.items():
            text = self.notice(piece)
            if text is not None:
                counted[(section, text)] = counted.get((section, text), 0) + 1
        return [{"section": section, "count": count, "text": text} for (section, text), count in counted.items()]

    def author(self, provider_id: int | None, unit_id: int | None, by_person: bool, ctx: PlanContext,
               frame: Piece) -> bool:
        """Whether the author of a version may be named to the reader."""
        return self.notice(model.author_piece(provider_id, unit_id, by_person, ctx, frame)) is None


def visible_changes(entries: Sequence[DiffEntry], notice_of: Callable[[Key], str | None]
                    ) -> tuple[list[DiffEntry], list[str]]:
    """The changes between two versions the reader may see — a change to a withheld piece left out, a withheld
    field of a change (an activity's status note) dropped from it — and a notice for each withheld change."""
    shown: list[DiffEntry] = []
    notices: list[str] = []
    for entry in entries:
        if entry.section == "sip" or (entry.section == model.Section.ACTIVITIES.value and entry.fields):
            kept = []
            for change in entry.fields:
                text = notice_of(model.diff_key(entry, change.field))
                if text is None:
                    kept.append(change)
                else:
                    notices.append(text)
            if entry.section == model.Section.ACTIVITIES.value:
                text = notice_of(model.diff_key(entry))
                if text is not None:
                    notices.append(text)
                    continue
            if kept:
                shown.append(DiffEntry(entry.section, entry.element_id, entry.change, entry.title, tuple(kept)))
            continue
        text = notice_of(model.diff_key(entry))
        if text is None:
            shown.append(entry)
        else:
            notices.append(text)
    return shown, list(dict.fromkeys(notices))


def notice_lookup(withholding: Withholding, *piece_maps: Mapping[Key, Piece]) -> Callable[[Key], str | None]:
    """A key's notice when it is withheld in any of the documents compared (a piece rewritten by another unit
    between two versions is withheld when either author's information is)."""
    def notice_of(key: Key) -> str | None:
        if key == FRAME:
            return None
        for pieces in piece_maps:
            text = withholding.notice(pieces.get(key))
            if text is not None:
                return text
        return None
    return notice_of


def summary(entries: Sequence[DiffEntry], notices: Sequence[str]) -> str:
    """A version's summary as the reader may see it (nara.plans.model.summary with the withheld changes named)."""
    if not notices:
        return model.summary(entries)
    described = " · ".join([*(model.describe(e) for e in entries), *notices])
    return described if len(described) <= 2000 else described[:1999] + "…"
