"""A plan's history (DOMAIN §2): its versions and the difference between two, as the reader may see them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from nara.core.actor import Actor, purpose_of
from nara.core.clock import Clock
from nara.core.errors import NotFound
from nara.core.i18n import t
from nara.plans import model, store
from nara.plans.model import DiffEntry, Key, Piece, PlanContext, PlanDocument
from nara.plans.service import pieces
from nara.plans.service.reading import parse_document, plan_row
from nara.plans.service.results import ChangeOut, DiffView, VersionInfo, VersionView, WithheldOut
from nara.plans.store import PlanRow, PlanVersionRow


def history(session: Session, actor: Actor, clock: Clock, plan_id: int) -> list[VersionInfo]:
    """Every version of the plan, newest first, with author, time and summary — as the actor may see them: a
    change to a withheld piece is named as withheld in the summary, and the author of a version is not named when
    their provider's or unit's information is withheld (nara.plans.service.pieces). One READ entry per distinct
    decision."""
    plan = plan_row(session, plan_id)
    rows = store.versions_of(session, plan.id, documents=True)
    docs = {row.version: parse_document(row.document) for row in rows}
    seen = _versions_seen(session, actor, clock, plan, docs, rows)
    return [seen.info(row) for row in rows]


class _VersionsSeen:
    """Versions of a plan decided for one reader: each piece of each version and each version's author."""

    def __init__(self, docs: dict[int, PlanDocument], maps: dict[int, dict[Key, Piece]], ctx: PlanContext,
                 frame: Piece, withholding: pieces.Withholding) -> None:
        self.docs, self.maps, self.ctx, self.frame, self.withholding = docs, maps, ctx, frame, withholding

    def changes(self, old: int, new: int) -> tuple[list[DiffEntry], list[str]]:
        notice_of = pieces.notice_lookup(self.withholding, self.maps[old], self.maps[new])
        return pieces.visible_changes(model.diff_documents(self.docs[old], self.docs[new]), notice_of)

    def info(self, row: PlanVersionRow) -> VersionInfo:
        info = _info(row)
        previous = row.version - 1
        if previous in self.docs and (self.withholding.keys(self.maps[previous])
                                      or self.withholding.keys(self.maps[row.version])):
            entries, notices = self.changes(previous, row.version)
            info.summary = pieces.summary(entries, notices)
        if not self.withholding.author(row.author_provider_id, row.author_unit_id, row.by_person, self.ctx,
                                       self.frame):
            info.author_name, info.author_hsa_id = t("plans.withheld.author"), None
            info.author_unit_id = info.author_provider_id = None
        return info

    def document(self, version: int) -> PlanDocument:
        return model.redact(self.docs[version], self.withholding.keys(self.maps[version]))


def _versions_seen(session: Session, actor: Actor, clock: Clock, plan: PlanRow, docs: dict[int, PlanDocument],
                   rows: Sequence[PlanVersionRow]) -> _VersionsSeen:
    """Decide the pieces of ``docs`` and the authors of ``rows`` for ``actor``: the facts once, one entry per
    distinct decision; the frame is the plan's newest version's among them."""
    names = pieces.directory(session, plan.owner_provider_id, plan.owner_unit_id, docs.values(),
                             authors=[(r.author_provider_id, r.author_unit_id) for r in rows])
    ctx = pieces.context(plan.owner_provider_id, plan.owner_unit_id, names)
    maps = {version: model.plan_pieces(doc, ctx) for version, doc in docs.items()}
    newest = max(docs) if docs else None
    frame = (model.frame_piece(docs[newest], ctx, maps[newest]) if newest is not None
             else model.frame_piece(parse_document(plan.document), ctx))
    authors = [model.author_piece(r.author_provider_id, r.author_unit_id, r.by_person, ctx, frame) for r in rows]
    every = [piece for found in maps.values() for piece in found.values()]
    decisions = pieces.decide(session, actor, clock, plan.person_id, plan.id, frame, [*every, *authors],
                              purpose_of(actor))
    return _VersionsSeen(docs, maps, ctx, frame, pieces.Withholding(decisions, names))


def _info(row: PlanVersionRow) -> VersionInfo:
    return VersionInfo(version=row.version, created_at=row.created_at, author_name=row.author_name,
                       author_hsa_id=row.author_hsa_id, author_unit_id=row.author_unit_id,
                       author_provider_id=row.author_provider_id, by_person=row.by_person, summary=row.summary)


def _load_versions(session: Session, plan: PlanRow, *versions: int) -> tuple[dict[int, PlanDocument],
                                                                              list[PlanVersionRow]]:
    rows = [row for row in (store.version_of(session, plan.id, v) for v in sorted(set(versions)) if v >= 1)
            if row is not None]
    return {row.version: parse_document(row.document) for row in rows}, rows


def read_version(session: Session, actor: Actor, clock: Clock, plan_id: int, version: int) -> VersionView:
    """One earlier (or the current) version of the plan as it was, as the actor may see it (withheld pieces left
    out and listed). One READ entry per distinct decision. Raises NotFound."""
    plan = plan_row(session, plan_id)
    docs, rows = _load_versions(session, plan, version - 1, version)
    seen = _versions_seen(session, actor, clock, plan, docs, [r for r in rows if r.version == version])
    row = next((r for r in rows if r.version == version), None)
    if row is None:
        raise NotFound("plans.version_not_found")
    withheld = [WithheldOut(**w) for w in seen.withholding.listed(seen.maps[version])]
    changes: list[ChangeOut] = []
    if version - 1 in docs:
        entries, notices = seen.changes(version - 1, version)
        changes = _changes_out(entries)
        withheld += [WithheldOut(section="plan", count=1, text=n) for n in notices
                     if n not in {w.text for w in withheld}]
    return VersionView(**seen.info(row).model_dump(), document=seen.document(version), withheld=withheld,
                       changes=changes)


def _changes_out(entries: Sequence[DiffEntry]) -> list[ChangeOut]:
    return [ChangeOut(section=e.section, element_id=e.element_id, change=e.change, title=e.title,
                      fields=[{"field": f.field, "before": f.before, "after": f.after} for f in e.fields],
                      text=model.describe(e)) for e in entries]


def diff(session: Session, actor: Actor, clock: Clock, plan_id: int, from_version: int,
         to_version: int) -> DiffView:
    """What changed between two versions, each change also as a Swedish sentence; a change to a piece the actor
    may not see is not shown, only that something withheld changed and why. One READ entry per distinct
    decision."""
    plan = plan_row(session, plan_id)
    docs, _rows = _load_versions(session, plan, from_version, to_version)
    seen = _versions_seen(session, actor, clock, plan, docs, [])
    if from_version not in docs or to_version not in docs:
        raise NotFound("plans.version_not_found")
    entries, notices = seen.changes(from_version, to_version)
    return DiffView(plan_id=plan.id, from_version=from_version, to_version=to_version,
                    changes=_changes_out(entries),
                    withheld=[WithheldOut(section="plan", count=1, text=n) for n in notices])
