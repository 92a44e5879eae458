"""Load a demo-sized slice of a synthetic region into the platform database (SYNTETISKA DATA).

The same generator that writes the Parquet files yields the slice, so the live demo and the indicator
files describe the same kind of region. Every person loaded is marked synthetic.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from nara.core.clock import Clock, local_today
from nara.core.db import Database
from nara.directory import service as directory
from nara.directory.model import IdentifierKind, ProviderKind, RelationKind, UnitKind, load_region
from nara.synth.generator import generate

# Invented street names for synthetic addresses; numbers and names never describe a real home.
_STREETS = ("Storgatan", "Kyrkvägen", "Skolgatan", "Björkvägen", "Ängsvägen", "Järnvägsgatan", "Tallstigen",
            "Södra vägen", "Norra Allén", "Parkgatan", "Sjövägen", "Linvägen")
_PROTECTED_EVERY = 997  # about 0.1 % of synthetic persons carry a protected identity (skyddad folkbokföring)
LISTED_SINCE = date(2020, 1, 1)


def load_demo(
    db: Database, *, region: str, persons: int, seed: int, clock: Clock,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Load about ``persons`` synthetic persons with their units, staff, listings and SäBo residences.

    Returns the number of persons loaded, or 0 when the database already holds persons (idempotent).
    """
    facts = load_region(region)
    scale = persons / facts.population
    today = local_today(clock)
    with db.transaction() as s:
        if directory.person_count(s) > 0:
            return 0
        directory.seed_region(s, facts)
        unit_ids: dict[int, int] = {}
        staff_ids: dict[int, int] = {}
        loaded = 0
        names = {m.kommun_code: m.name for m in facts.municipalities}
        for chunk in generate(region, scale, seed):
            for u in chunk["units"].to_pylist() if "units" in chunk else ():
                unit_ids[u["unit_id"]] = directory.add_unit(
                    s, hsa_id=u["hsa_id"], name=u["name"], kind=UnitKind(u["kind"]), kommun_code=u["kommun_code"],
                    principal=ProviderKind(u["principal"]), provider_name=u.get("provider_name"),
                    parent_name=u.get("parent"),
                ).id
            for m in chunk["staff"].to_pylist() if "staff" in chunk else ():
                staff_ids[m["staff_id"]] = directory.add_staff(
                    s, hsa_id=m["hsa_id"], given_name=m["given_name"], family_name=m["family_name"],
                    profession=m["profession"], unit_id=unit_ids[m["unit_id"]], valid_from=LISTED_SINCE,
                ).id
            if "persons" not in chunk:
                continue
            rows = chunk["persons"].to_pylist()
            person_ids = _insert_persons(s, rows, names)
            listings, sabo = [], []
            for p, pid in zip(rows, person_ids, strict=True):
                if p["listed_unit_id"] is not None:
                    listings.append({
                        "person_id": pid, "unit_id": unit_ids[p["listed_unit_id"]],
                        "fast_lakare_id": staff_ids.get(p["fast_lakare_id"]) if p["fast_lakare_id"] else None,
                        "valid_from": LISTED_SINCE, "valid_to": p["death_date"],
                    })
                if p["sabo"] and p.get("sabo_unit_id") is not None:
                    sabo.append({"person_id": pid, "unit_id": unit_ids[p["sabo_unit_id"]],
                                 "valid_from": min(date(today.year - 1, 1, 1), LISTED_SINCE),
                                 "valid_to": p["death_date"]})
            directory.add_listings_in_bulk(s, listings)
            directory.add_sabo_residences_in_bulk(s, sabo)
            relatives = [_relative(p, pid, today) for p, pid in zip(rows, person_ids, strict=True)]
            directory.add_relatives_in_bulk(s, [r for r in relatives if r is not None])
            loaded += len(rows)
            if on_progress:
                on_progress(loaded, max(loaded, persons))
        return loaded


def _insert_persons(session: Session, rows: list[dict[str, Any]], kommun_names: dict[str, str]) -> list[int]:
    """Insert persons in bulk and return their new ids in order."""
    return directory.add_persons_in_bulk(session, [
        dict(
            identifier=p["personnummer"], identifier_kind=IdentifierKind.PERSONNUMMER.value,
            given_name=p["given_name"], family_name=p["family_name"], sex=p["sex"],
            birth_date=p["birth_date"], death_date=p["death_date"], kommun_code=p["kommun_code"],
            address=_address(p["person_id"], kommun_names.get(p["kommun_code"], "")),
            protected_identity=p["person_id"] % _PROTECTED_EVERY == 0, synthetic=True,
        )
        for p in rows
    ])


_CHILD_NAMES = ("Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Anders", "Sara", "Per")


def _relative(p: dict, person_id: int, today: date) -> dict | None:  # type: ignore[type-arg]
    """Older synthetic persons get a närstående (a grown child) outside the directory, with a phone number
    from the range PTS reserves for fiction (070-174 06 05 … 070-174 06 99), so no real person can be reached."""
    born = p["birth_date"]
    if born is None or p["death_date"] is not None or today.year - born.year < 75 or p["person_id"] % 3 == 0:
        return None
    name = f"{_CHILD_NAMES[p['person_id'] % len(_CHILD_NAMES)]} {p['family_name']}"
    return {"person_id": person_id, "related_person_id": None, "name": name, "kind": RelationKind.BARN.value,
            "phone": f"070-174 06 {5 + p['person_id'] % 95:02d}", "note": None}


def _address(person_id: int, town: str) -> str:
    street = _STREETS[person_id % len(_STREETS)]
    return f"{street} {person_id % 47 + 1}, {town}"
