"""Swedish person identifiers: personnummer, samordningsnummer and reservnummer (DOMAIN.md §9).

Pure rules, no I/O. Every rejection raises :class:`IdentifierError` with a Swedish message from the
message catalogue, so the API can answer 422 and a page can show the text as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from nara.core.errors import NaraError


class IdentifierKind(StrEnum):
    PERSONNUMMER = "personnummer"
    SAMORDNINGSNUMMER = "samordningsnummer"
    RESERVNUMMER = "reservnummer"


# FHIR identifier systems (DOMAIN.md §9). The first of each list is what we emit; all are accepted on input.
FHIR_SYSTEMS: dict[IdentifierKind, tuple[str, ...]] = {
    IdentifierKind.PERSONNUMMER: (
        "http://electronichealth.se/identifier/personnummer",
        "urn:oid:1.2.752.129.2.1.3.1",
    ),
    IdentifierKind.SAMORDNINGSNUMMER: (
        "http://electronichealth.se/identifier/samordningsnummer",
        "urn:oid:1.2.752.129.2.1.3.3",
    ),
    IdentifierKind.RESERVNUMMER: ("http://electronichealth.se/identifier/nationelltReservnummer",),
}

SAMORDNING_DAY_OFFSET = 60  # DOMAIN.md §9: samordningsnummer = personnummer with 60 added to the day

_PERSONAL_RE = re.compile(r"^(?P<century>\d{2})?(?P<yymmdd>\d{6})(?P<sep>[-+]?)(?P<serial>\d{3})(?P<check>\d)$")
# Reservnummer formats differ between regions (DOMAIN.md §9: e.g. 98240301AA06, 20210325K069). We accept
# 12 characters of digits and capital letters with at least one letter, so a reservnummer can never be
# mistaken for a personnummer. (verify) against the national specification when a region connects.
_RESERV_RE = re.compile(r"^(?=.*[A-Z])[0-9A-Z]{12}$")


class IdentifierError(NaraError):
    """Ogiltigt identitetsnummer."""

    status = 422
    code = "invalid-identifier"


@dataclass(frozen=True, slots=True)
class PersonIdentifier:
    """A validated identifier, normalised to 12 characters (YYYYMMDDNNNC for personal numbers)."""

    kind: IdentifierKind
    value: str

    @property
    def birth_date(self) -> date | None:
        if self.kind is IdentifierKind.RESERVNUMMER:
            return None
        day = int(self.value[6:8])
        if self.kind is IdentifierKind.SAMORDNINGSNUMMER:
            day -= SAMORDNING_DAY_OFFSET
        return date(int(self.value[0:4]), int(self.value[4:6]), day)

    @property
    def sex(self) -> str | None:
        """'M' or 'F' from the 9th digit (odd for men, even for women); None for a reservnummer."""
        if self.kind is IdentifierKind.RESERVNUMMER:
            return None
        return "M" if int(self.value[10]) % 2 else "F"

    @property
    def fhir_system(self) -> str:
        return FHIR_SYSTEMS[self.kind][0]

    def display(self) -> str:
        """Human form: YYYYMMDD-NNNC. The 12-digit form always uses '-'."""
        if self.kind is IdentifierKind.RESERVNUMMER:
            return self.value
        return f"{self.value[:8]}-{self.value[8:]}"

    def display_short(self, today: date) -> str:
        """The 10-digit form YYMMDD-NNNC, with '+' from the year the person turns 100 (DOMAIN.md §9)."""
        if self.kind is IdentifierKind.RESERVNUMMER:
            return self.value
        born = self.birth_date
        assert born is not None
        sep = "+" if today.year - born.year >= 100 else "-"
        return f"{self.value[2:8]}{sep}{self.value[8:]}"

    def __str__(self) -> str:
        return self.value


def luhn_check_digit(digits: str) -> int:
    """The Luhn (mod 10) check digit over ``digits`` with weights 2, 1, 2, … from the left (DOMAIN.md §9)."""
    total = 0
    for i, ch in enumerate(digits):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


def parse_identifier(raw: str, today: date, kind: IdentifierKind | None = None) -> PersonIdentifier:
    """Validate and normalise an identifier typed by a person or sent by a system.

    ``today`` decides the century of a 10-digit number: with '-' the person is under 100, with '+' 100 or
    older (DOMAIN.md §9). ``kind`` may force reservnummer; otherwise it is inferred.
    """
    if not isinstance(raw, str):
        raise IdentifierError("identifier.malformed")
    text = raw.strip().replace(" ", "").upper()
    if not text:
        raise IdentifierError("identifier.empty")
    if kind is IdentifierKind.RESERVNUMMER or (kind is None and _RESERV_RE.match(text)):
        if not _RESERV_RE.match(text):
            raise IdentifierError("identifier.reserv_malformed")
        return PersonIdentifier(IdentifierKind.RESERVNUMMER, text)

    m = _PERSONAL_RE.match(text)
    if not m:
        raise IdentifierError("identifier.malformed")
    yymmdd, sep, serial, check = m["yymmdd"], m["sep"], m["serial"], m["check"]
    if m["century"] and sep == "+":
        raise IdentifierError("identifier.plus_with_century")

    month, day = int(yymmdd[2:4]), int(yymmdd[4:6])
    samordning = day > SAMORDNING_DAY_OFFSET
    real_day = day - SAMORDNING_DAY_OFFSET if samordning else day

    if m["century"]:
        year = int(m["century"] + yymmdd[:2])
    else:
        year = _century_year(int(yymmdd[:2]), month, real_day, plus=(sep == "+"), today=today)
    try:
        born = date(year, month, real_day)
    except ValueError:
        raise IdentifierError("identifier.bad_date") from None
    if born > today:
        raise IdentifierError("identifier.future_date")

    if luhn_check_digit(yymmdd + serial) != int(check):
        raise IdentifierError("identifier.bad_check_digit")

    found = IdentifierKind.SAMORDNINGSNUMMER if samordning else IdentifierKind.PERSONNUMMER
    if kind is not None and kind is not found:
        raise IdentifierError(f"identifier.not_{kind.value}")
    return PersonIdentifier(found, f"{year:04d}{yymmdd[2:]}{serial}{check}")


def _century_year(yy: int, month: int, day: int, *, plus: bool, today: date) -> int:
    """Pick the century for a 10-digit number: the latest such birthday on or before today; one century
    earlier for '+' (100 or older). Compared as tuples so an impossible date is reported by the caller."""
    year = (today.year // 100) * 100 + yy
    if (year, month, day) > (today.year, today.month, today.day):
        year -= 100
    if plus:
        year -= 100
    return year


def personal_number(birth: date, serial: int, *, samordning: bool = False) -> str:
    """Build a valid 12-digit personnummer (or samordningsnummer) from a birth date and a 3-digit serial.

    Used by the synthetic generator; the 9th digit (last of the serial) decides sex: odd men, even women.
    """
    day = birth.day + (SAMORDNING_DAY_OFFSET if samordning else 0)
    nine = f"{birth.year % 100:02d}{birth.month:02d}{day:02d}{serial:03d}"
    return f"{birth.year:04d}{birth.month:02d}{day:02d}{serial:03d}{luhn_check_digit(nine)}"
