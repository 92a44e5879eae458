"""A world for the medicines tests (SYNTETISKA DATA): the discharge world (Örebro directory, demo personas, units
that take no part) with a doctor on the demo ward, Tolvan admitted there with the inskrivningsmeddelande sent to
her vårdcentral and Kumla's hemsjukvård, hemtjänst and biståndshandläggning, and one medicine the demo GP put on
her list. Every HSA-id here is invented (organisation numbers starting 00000 are never issued)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from nara.audit.store import AuditEntryRow
from nara.directory.model import Profession
from nara.discharge import service as discharge
from nara.medicines import service as medicines
from nara.plans.service import InAppNotifier

from .discharge_fixtures import _staff_account, build_world


def medicines_world(database, clock, tmp_data_dir):
    w = build_world(database, clock, tmp_data_dir)
    with w.db.transaction() as s:
        _staff_account(s, w.clock, "avdelningslakare", w.ward, "SE0000091800-TESTP0103", "Vera", "Avdelningsläkare",
                       Profession.LAKARE)
    ward, gp = w.actor("avdelning"), w.actor("lakare")
    with w.db.transaction() as s:
        process = discharge.open_process(s, ward, w.clock, person_id=w.tolvan, estimated_discharge=date(2026, 11, 27),
                                         outlets=discharge.Outlets(notifier=InAppNotifier()))
        enalapril = medicines.add_medicine(s, gp, w.clock, w.tolvan, substance="Enalapril", atc="C09AA02",
                                           strength="5 mg", dose="1 tablett morgon", reason="Högt blodtryck",
                                           synthetic=True)
    w.process_id, w.enalapril = process.id, enalapril.id
    return w


def last_seq(db) -> int:
    with db.transaction() as s:
        return s.scalar(select(func.coalesce(func.max(AuditEntryRow.seq), 0)))


def entries_since(db, seq: int) -> list[AuditEntryRow]:
    with db.transaction() as s:
        return list(s.scalars(select(AuditEntryRow).where(AuditEntryRow.seq > seq).order_by(AuditEntryRow.seq)))


def medicine_entries(db, seq: int) -> list[tuple]:
    """(account username-free facts) of the LAKEMEDEL entries written since ``seq``."""
    return [(e.person_id, e.action, e.outcome, e.denial_reason, e.purpose) for e in entries_since(db, seq)
            if e.information_category == "lakemedel"]
