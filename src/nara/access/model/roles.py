"""Behörighetsprofiler: what each role needs to read and write about a person in its care (HSLF-FS 2016:40
4 kap. 2 §, DOMAIN §5). The table is data (``data/roles.toml``); this module reads it and answers one question:
at which level may a user of this profession, acting for this kind of unit, reach this kind of information?

Plain Python: no database, no web. ``docs/access.md`` and the reviewers' page are generated from the same table
(:func:`markdown`, :func:`rows`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources


class Level(StrEnum):
    """How far a role reaches into one kind of information."""

    NONE = "none"
    READ = "read"
    WRITE = "write"
    SOCIAL = "social"  # only what concerns, or is addressed to, social services (the SIP, its social parts)


# The kinds of information the table governs, by their InformationCategory value (nara.access.model). The other
# categories (grunduppgifter, adress, atkomst, logg) follow the care relationship alone.
KINDS = ("anteckningar", "social_dokumentation", "plan", "utskrivning", "lakemedel", "matvarden", "vardkontakter")

LEVEL_TEXT = {
    Level.NONE: "Ingen åtkomst",
    Level.READ: "Läsa",
    Level.WRITE: "Läsa och dokumentera",
    Level.SOCIAL: "Det som rör socialtjänsten",
}


@dataclass(frozen=True, slots=True)
class RoleProfile:
    key: str
    name: str
    professions: tuple[str, ...]
    unit_kinds: tuple[str, ...]  # empty: any kind of unit
    emergency_access: bool
    levels: dict[str, Level]

    def matches(self, profession: str | None, unit_kind: str | None) -> bool:
        return profession in self.professions and (not self.unit_kinds or unit_kind in self.unit_kinds)


@dataclass(frozen=True, slots=True)
class RoleTable:
    version: str
    title: str
    kinds: dict[str, str]  # kind -> its Swedish name
    profiles: tuple[RoleProfile, ...]

    def profile(self, profession: str | None, unit_kind: str | None) -> RoleProfile | None:
        """The first profile that matches; None: the role has no access to person data (deny by default)."""
        return next((p for p in self.profiles if p.matches(profession, unit_kind)), None)

    def level(self, profession: str | None, unit_kind: str | None, kind: str) -> Level:
        profile = self.profile(profession, unit_kind)
        return Level.NONE if profile is None else profile.levels.get(kind, Level.NONE)


def parse(text: str) -> RoleTable:
    """A role table from TOML text; refuses unknown kinds and levels, so a typo cannot open anything."""
    data = tomllib.loads(text)
    kinds = dict(data["kinds"])
    if set(kinds) != set(KINDS):
        raise ValueError(f"the role table must name exactly the kinds {KINDS}")
    profiles = []
    for row in data["role"]:
        unknown = set(row) - {"key", "name", "professions", "unit_kinds", "nodatkomst", *KINDS}
        if unknown:
            raise ValueError(f"role {row.get('key')}: unknown keys {sorted(unknown)}")
        levels = {kind: Level(row[kind]) for kind in KINDS}
        profiles.append(RoleProfile(key=row["key"], name=row["name"], professions=tuple(row["professions"]),
                                    unit_kinds=tuple(row.get("unit_kinds", ())),
                                    emergency_access=bool(row["nodatkomst"]), levels=levels))
    return RoleTable(version=str(data["version"]), title=str(data["title"]), kinds=kinds, profiles=tuple(profiles))


@lru_cache(maxsize=1)
def default_table() -> RoleTable:
    return parse(resources.files("nara.access.model").joinpath("data/roles.toml").read_text(encoding="utf-8"))


def rows(table: RoleTable | None = None) -> list[dict[str, object]]:
    """The table in Swedish, one row per role, for the reviewers' page and the docs."""
    table = table or default_table()
    return [{
        "role": p.name,
        "levels": [(table.kinds[kind], LEVEL_TEXT[p.levels[kind]]) for kind in KINDS],
        "emergency": "Ja" if p.emergency_access else "Nej",
    } for p in table.profiles]


def markdown(table: RoleTable | None = None) -> str:
    """``docs/access.md``'s table, generated from the data (a test keeps the file equal to this)."""
    table = table or default_table()
    head = ["Roll", *(table.kinds[k] for k in KINDS), "Nödåtkomst"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows(table):
        lines.append("| " + " | ".join([str(row["role"]), *(v for _, v in row["levels"]), str(row["emergency"])])
                     + " |")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m nara.access.model.roles: the table for docs/access.md
    print(markdown())
