"""One SIP per person (DOMAIN §3: one coordinated plan with both principals and the person): a person's open SIPs
made side by side (e.g. by a discharge kallelse, DOMAIN §4) are merged into the oldest, keeping all history — the
merged plan's versions stay as they were, it is closed (avslutad) with a last version naming the SIP it went into,
and the SIP that takes it in gets a new version with its elements (new element ids), its meetings as earlier
meetings, and what it lacked (consent, overall responsibility). Approvals are cleared: the merged plan has not been
approved together. Every open SIP then holds the key ``sip:<person id>`` that keeps it one.

Revision ID: 0012_one_sip_per_person
Revises: 0011_review_cases
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "0012_one_sip_per_person"
down_revision: str | None = "0011_review_cases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TIME = sa.DateTime(timezone=True)
_plan = sa.table("plan", sa.column("id", _ID), sa.column("person_id", _ID), sa.column("kind", sa.String),
                 sa.column("version", sa.Integer), sa.column("document", sa.Text), sa.column("status", sa.String),
                 sa.column("open_requests", sa.Integer), sa.column("follow_ups", sa.Integer),
                 sa.column("single_key", sa.String), sa.column("updated_at", _TIME),
                 sa.column("updated_by", _ID), sa.column("owner_unit_id", _ID))
_version = sa.table("plan_version", sa.column("plan_id", _ID), sa.column("version", sa.Integer),
                    sa.column("document", sa.Text), sa.column("author_account_id", _ID),
                    sa.column("author_name", sa.String), sa.column("by_person", sa.Boolean),
                    sa.column("created_at", _TIME), sa.column("summary", sa.Text))
_unit = sa.table("plan_unit", sa.column("plan_id", _ID), sa.column("unit_id", _ID), sa.column("roles", sa.String))
_agenda = sa.table("plan_agenda", sa.column("plan_id", _ID), sa.column("kind", sa.String),
                   sa.column("element_id", sa.String), sa.column("unit_id", _ID), sa.column("due_on", sa.Date),
                   sa.column("starts_at", _TIME))
_process = sa.table("discharge_process", sa.column("sip_plan_id", _ID))

# Sections and the prefix of their element ids (nara.plans.model at this revision).
_SECTIONS = {"goals": "g", "activities": "a", "self_care": "e", "team": "t", "times": "o", "notes": "n"}
_SIP_SECTIONS = {"invitations": "i", "interventions": "s", "other_measures": "m", "follow_ups": "f"}
_SINGLE = ("consent", "overall_principal_provider_id", "overall_recorded", "no_other_measures",
           "relatives_participate", "relatives_note")
_STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _merge(into: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """``other``'s content added to ``into`` (both plan documents as JSON), with new element ids."""
    doc = json.loads(json.dumps(into))
    sip, theirs = doc.setdefault("sip", {}), other.get("sip") or {}
    seq = int(doc.get("seq", 0))
    invited = {i["unit_id"] for i in sip.get("invitations", []) if i.get("status") != "avbojd"}
    for holder, source, sections in ((doc, other, _SECTIONS), (sip, theirs, _SIP_SECTIONS)):
        for section, prefix in sections.items():
            for element in source.get(section, []):
                if section == "invitations" and element["unit_id"] in invited:
                    continue
                seq += 1
                holder.setdefault(section, []).append({**element, "id": f"{prefix}{seq}"})
    doc["seq"] = seq
    meetings = [*sip.get("earlier_meetings", []), *([sip["meeting"]] if sip.get("meeting") else []),
                *theirs.get("earlier_meetings", []), *([theirs["meeting"]] if theirs.get("meeting") else [])]
    meetings.sort(key=lambda m: datetime.fromisoformat(m["start"]))
    sip["meeting"] = meetings[-1] if meetings else None
    sip["earlier_meetings"] = meetings[:-1]
    for name in _SINGLE:
        if sip.get(name) is None and theirs.get(name) is not None:
            sip[name] = theirs[name]
    sip["approvals"] = []
    return doc


def _open_requests(doc: dict[str, Any]) -> int:
    pending = sum(1 for b in doc.get("times", []) if b.get("request") and b["request"].get("handled_at") is None
                  and b.get("status", "bokad") == "bokad")
    return pending + sum(1 for n in doc.get("notes", []) if n.get("acknowledged") is None)


def upgrade() -> None:
    merge_duplicates(op.get_bind(), datetime.now(UTC))


def merge_duplicates(bind: Any, now: datetime) -> None:
    """The merge (module docstring) on the connection ``bind``."""
    rows = bind.execute(sa.select(_plan.c.id, _plan.c.person_id, _plan.c.version, _plan.c.document,
                                  _plan.c.updated_by).where(_plan.c.kind == "sip", _plan.c.status != "avslutad")
                        .order_by(_plan.c.id)).all()
    by_person: dict[int, list[Any]] = {}
    for row in rows:
        by_person.setdefault(row.person_id, []).append(row)
    for person_id, plans in by_person.items():
        keep, merged = plans[0], plans[1:]
        doc = json.loads(keep.document)
        for dup in merged:
            doc = _merge(doc, json.loads(dup.document))
            closed = json.loads(dup.document)
            closed["sip"] = {**(closed.get("sip") or {}), "phase": "avslutad", "merged_into": keep.id}
            _new_version(bind, dup, closed, f"SIP:en fördes samman med personens SIP (plan {keep.id}): personen "
                                            "har en SIP med alla parter.", now)
            bind.execute(sa.update(_process).where(_process.c.sip_plan_id == dup.id).values(sip_plan_id=keep.id))
            for unit_id, roles in bind.execute(sa.select(_unit.c.unit_id, _unit.c.roles)
                                               .where(_unit.c.plan_id == dup.id)).all():
                mine = bind.execute(sa.select(_unit.c.roles).where(_unit.c.plan_id == keep.id,
                                                                  _unit.c.unit_id == unit_id)).scalar()
                wanted = set(roles.split(",")) - {"owner"}
                if mine is None and wanted:
                    bind.execute(sa.insert(_unit).values(plan_id=keep.id, unit_id=unit_id,
                                                         roles=",".join(sorted(wanted))))
                elif mine is not None:
                    bind.execute(sa.update(_unit).where(_unit.c.plan_id == keep.id, _unit.c.unit_id == unit_id)
                                 .values(roles=",".join(sorted(set(mine.split(",")) | wanted))))
            bind.execute(sa.delete(_agenda).where(_agenda.c.plan_id == dup.id, _agenda.c.kind == "sip_meeting"))
        if merged:
            sip = doc["sip"]
            bind.execute(sa.delete(_agenda).where(_agenda.c.plan_id == keep.id, _agenda.c.kind == "sip_meeting"))
            meetings = [*sip["earlier_meetings"], *([sip["meeting"]] if sip.get("meeting") else [])]
            for n, meeting in enumerate(meetings, start=1):
                start = datetime.fromisoformat(meeting["start"])
                bind.execute(sa.insert(_agenda).values(
                    plan_id=keep.id, kind="sip_meeting", element_id="meeting" if n == len(meetings) else f"meeting{n}",
                    unit_id=None, due_on=start.astimezone(_STOCKHOLM).date(), starts_at=start))
            ids = ", ".join(str(d.id) for d in merged)
            _new_version(bind, keep, doc, f"Personens andra öppna SIP (plan {ids}) fördes in i den här: personen har "
                                          "en SIP med alla parter och alla möten.", now)
        bind.execute(sa.update(_plan).where(_plan.c.id == keep.id).values(single_key=f"sip:{person_id}"))


def _new_version(bind: Any, row: Any, doc: dict[str, Any], summary: str, now: datetime) -> None:
    version = row.version + 1
    text = json.dumps(doc, ensure_ascii=False)
    sip = doc.get("sip") or {}
    bind.execute(sa.update(_plan).where(_plan.c.id == row.id).values(
        version=version, document=text, status=sip.get("phase", "kallelse"), open_requests=_open_requests(doc),
        follow_ups=len(sip.get("follow_ups", [])), updated_at=now))
    bind.execute(sa.insert(_version).values(plan_id=row.id, version=version, document=text,
                                            author_account_id=row.updated_by, author_name="Nära",
                                            by_person=False, created_at=now, summary=summary))


def downgrade() -> None:
    # The merge is not undone (the history it wrote is kept); only the key that keeps a SIP one goes.
    op.execute(sa.update(_plan).where(_plan.c.kind == "sip").values(single_key=None))
