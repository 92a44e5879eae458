"""The directory's domain: kinds of principal, unit and profession, HSA-id, person identifiers
(:mod:`nara.directory.model.identifiers`) and region facts (DOMAIN.md §8–9).

Plain Python: no web framework and no database here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources

from nara.core.errors import NaraError, ValidationFailed
from nara.directory.model.identifiers import (
    FHIR_SYSTEMS,
    SAMORDNING_DAY_OFFSET,
    IdentifierError,
    IdentifierKind,
    PersonIdentifier,
    luhn_check_digit,
    parse_identifier,
    personal_number,
)

__all__ = [
    "FHIR_SYSTEMS",
    "LICENSED",
    "SAMORDNING_DAY_OFFSET",
    "HospitalFacts",
    "HsaIdError",
    "IdentifierError",
    "IdentifierKind",
    "MunicipalityFacts",
    "PersonIdentifier",
    "Profession",
    "ProviderKind",
    "RegionFacts",
    "RelationKind",
    "Sex",
    "UnitKind",
    "VardcentralFacts",
    "available_regions",
    "load_region",
    "luhn_check_digit",
    "parse_hsa_id",
    "parse_identifier",
    "personal_number",
]


class ProviderKind(StrEnum):
    """Vårdgivare's kind: the region, a municipality, or a private provider (e.g. a private vårdcentral)."""

    REGION = "region"
    KOMMUN = "kommun"
    PRIVAT = "privat"


class UnitKind(StrEnum):
    """Vårdenhet / verksamhet."""

    VARDCENTRAL = "vardcentral"
    VARDAVDELNING = "vardavdelning"  # hospital ward or clinic (sluten vård)
    AKUTMOTTAGNING = "akutmottagning"
    HEMSJUKVARD = "hemsjukvard"
    HEMTJANST = "hemtjanst"
    SABO = "sabo"
    SOCIALTJANST = "socialtjanst"  # socialtjänst / biståndshandläggning
    ELEVHALSA = "elevhalsa"
    CIVILSAMHALLE = "civilsamhalle"


class Profession(StrEnum):
    LAKARE = "lakare"
    SJUKSKOTERSKA = "sjukskoterska"
    DISTRIKTSSKOTERSKA = "distriktsskoterska"
    UNDERSKOTERSKA = "underskoterska"
    FYSIOTERAPEUT = "fysioterapeut"
    ARBETSTERAPEUT = "arbetsterapeut"
    DIETIST = "dietist"
    KURATOR = "kurator"
    BISTANDSHANDLAGGARE = "bistandshandlaggare"
    SOCIALSEKRETERARE = "socialsekreterare"


class Sex(StrEnum):
    F = "F"
    M = "M"


class RelationKind(StrEnum):
    """Närståenderelation."""

    MAKE_MAKA = "make_maka"
    SAMBO = "sambo"
    BARN = "barn"
    FORALDER = "foralder"
    SYSKON = "syskon"
    GOD_MAN = "god_man"
    ANNAN = "annan"


LICENSED = frozenset({Profession.LAKARE, Profession.SJUKSKOTERSKA, Profession.DISTRIKTSSKOTERSKA,
                      Profession.FYSIOTERAPEUT, Profession.ARBETSTERAPEUT, Profession.DIETIST,
                      Profession.KURATOR})
"""Legitimerad yrkesutövare — who may make the medical assessment of vårdgarantin (DOMAIN.md §7, T1)."""

_HSA_RE = re.compile(r"^SE[0-9]{10}-[0-9A-Z]{1,20}$")


class HsaIdError(NaraError):
    status = 422
    code = "invalid-hsa-id"


def parse_hsa_id(raw: str) -> str:
    """Validate an HSA-id such as SE2321000131-P000000123457 (DOMAIN.md §9): 'SE', the 10-digit
    organisation number, '-', and a local part of letters and digits."""
    text = raw.strip().upper()
    if not _HSA_RE.match(text):
        raise HsaIdError("hsa.malformed")
    return text


@dataclass(frozen=True, slots=True)
class VardcentralFacts:
    name: str
    private: bool


@dataclass(frozen=True, slots=True)
class MunicipalityFacts:
    kommun_code: str
    name: str
    population: int
    share_65_plus: float
    lansdel: str
    vardcentraler: tuple[VardcentralFacts, ...]


@dataclass(frozen=True, slots=True)
class HospitalFacts:
    name: str
    short_name: str
    kommun_code: str
    emergency_department: bool


@dataclass(frozen=True, slots=True)
class RegionFacts:
    """Facts about one region, read from a data file in nara/directory/data/regions/."""

    key: str
    code: str
    name: str
    county_name: str
    population_date: str
    municipalities: tuple[MunicipalityFacts, ...]
    hospitals: tuple[HospitalFacts, ...]

    @property
    def population(self) -> int:
        return sum(m.population for m in self.municipalities)

    def municipality(self, kommun_code: str) -> MunicipalityFacts:
        for m in self.municipalities:
            if m.kommun_code == kommun_code:
                return m
        raise KeyError(kommun_code)


def available_regions() -> list[str]:
    folder = resources.files("nara.directory") / "data" / "regions"
    return sorted(p.name.removesuffix(".json") for p in folder.iterdir() if p.name.endswith(".json"))


def load_region(key: str) -> RegionFacts:
    """Read a region's facts by key (the data file's name, e.g. 'orebro')."""
    path = resources.files("nara.directory") / "data" / "regions" / f"{key}.json"
    if not path.is_file():
        raise ValidationFailed("region.unknown", name=key)
    doc = json.loads(path.read_text(encoding="utf-8"))
    return RegionFacts(
        key=key,
        code=doc["code"],
        name=doc["name"],
        county_name=doc["county_name"],
        population_date=doc["population_date"],
        municipalities=tuple(
            MunicipalityFacts(
                kommun_code=m["kommun_code"], name=m["name"], population=m["population"],
                share_65_plus=m["share_65_plus"], lansdel=m["lansdel"],
                vardcentraler=tuple(VardcentralFacts(v["name"], v["private"]) for v in m["vardcentraler"]),
            )
            for m in doc["municipalities"]
        ),
        hospitals=tuple(HospitalFacts(**h) for h in doc["hospitals"]),
    )
