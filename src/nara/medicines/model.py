"""The rules of the medication list: plain Python, no web, no database.

- An ATC code (WHO's Anatomical Therapeutic Chemical classification) at substance level is seven characters:
  letter, two digits, two letters, two digits (C09AA05). Shorter levels name groups, not substances, and are
  refused on a medication list.
- A change is one of three kinds (läkemedelsberättelse: insatt / ändrat / utsatt), always with a reason in words.
  A change or a stop applies only to a medicine still in use; a change must change the strength or the dose.
- The list, the changes and the reviews are health-care documentation recorded by a care provider: each entry
  belongs to the provider (and unit) of whoever recorded it (DOMAIN §5, sammanhållen vård- och
  omsorgsdokumentation), and the access policy decides per owner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

ATC_SUBSTANCE = re.compile(r"^[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}$")
MAX_SUBSTANCE = 200
MAX_STRENGTH = 100
MAX_DOSE = 200
MAX_REASON = 1000
MAX_FINDINGS = 4000


class MedicineError(ValueError):
    """A rule broken; ``key`` names the Swedish message (nara.medicines.messages)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class ChangeKind(StrEnum):
    """What a discharge changed (läkemedelsberättelse)."""

    ADDED = "insatt"
    CHANGED = "andrat"
    STOPPED = "utsatt"


def atc_code(text: str) -> str:
    """The ATC code normalised (upper case, no spaces); raises MedicineError when it is not a substance code."""
    code = re.sub(r"\s+", "", text or "").upper()
    if not code:
        raise MedicineError("medicines.atc.required")
    if not ATC_SUBSTANCE.match(code):
        raise MedicineError("medicines.atc.format")
    return code


def required_text(text: str | None, limit: int, key: str) -> str:
    """``text`` stripped; raises MedicineError(``key`` + ".required" or ".too_long")."""
    value = " ".join((text or "").split())
    if not value:
        raise MedicineError(f"{key}.required")
    if len(value) > limit:
        raise MedicineError(f"{key}.too_long")
    return value


@dataclass(frozen=True, slots=True)
class NewMedicine:
    """A medicine put on the list (insatt)."""

    substance: str
    atc_code: str
    strength: str
    dose: str
    started_on: date

    @classmethod
    def checked(cls, substance: str, atc: str, strength: str, dose: str, started_on: date) -> NewMedicine:
        return cls(substance=required_text(substance, MAX_SUBSTANCE, "medicines.substance"),
                   atc_code=atc_code(atc), strength=required_text(strength, MAX_STRENGTH, "medicines.strength"),
                   dose=required_text(dose, MAX_DOSE, "medicines.dose"), started_on=started_on)


@dataclass(frozen=True, slots=True)
class Current:
    """A medicine as it stands on the list."""

    strength: str
    dose: str
    ended_on: date | None


def check_change(current: Current, strength: str | None, dose: str | None) -> tuple[str, str]:
    """The strength and dose after a change (ändrat): the medicine is in use and something changes."""
    if current.ended_on is not None:
        raise MedicineError("medicines.change.ended")
    new_strength = required_text(strength, MAX_STRENGTH, "medicines.strength") if strength else current.strength
    new_dose = required_text(dose, MAX_DOSE, "medicines.dose") if dose else current.dose
    if (new_strength, new_dose) == (current.strength, current.dose):
        raise MedicineError("medicines.change.nothing")
    return new_strength, new_dose


def check_stop(current: Current, stopped_on: date, started_on: date) -> None:
    """A stop (utsatt): the medicine is in use, and it does not end before it began."""
    if current.ended_on is not None:
        raise MedicineError("medicines.change.ended")
    if stopped_on < started_on:
        raise MedicineError("medicines.stop.before_start")


def reason(text: str | None) -> str:
    """Every change states why, in words (a läkemedelsberättelse explains each change)."""
    return required_text(text, MAX_REASON, "medicines.reason")


def findings(text: str | None) -> str:
    return required_text(text, MAX_FINDINGS, "medicines.findings")


# --- egenvård -------------------------------------------------------------------------------------------------------

# Egenvårdsbedömning (lag 2022:1250 om egenvård and Socialstyrelsen's föreskrifter under it, DOMAIN §7b): the
# licensed professional (legitimerad yrkesutövare) who treats the person decides whether a health measure can be
# done as egenvård, documents it, says who is responsible if it no longer works and plans a follow-up. These
# professions of the directory carry a legitimation; others (undersköterska, kurator here, social services) do not
# make the assessment.
LICENSED_PROFESSIONS = frozenset({"lakare", "sjukskoterska", "distriktsskoterska", "fysioterapeut",
                                  "arbetsterapeut", "dietist"})
MAX_SELF_CARE_TEXT = 2000


class Performer(StrEnum):
    """Who does the measure: the person, or someone helping them (DOMAIN §7b: "by the person (or with help)")."""

    PERSON = "personen"
    RELATIVE = "narstaende"
    MUNICIPALITY = "kommunen"
    SCHOOL = "skolan"
    OTHER = "annan"


@dataclass(frozen=True, slots=True)
class SelfCareAssessment:
    """An egenvårdsbedömning as recorded: the measure, what the person (or their helper) does, who does it, who is
    responsible if it no longer works, and when it is followed up."""

    measure: str
    what_is_done: str
    performer: Performer
    responsible_if_not_working: str
    follow_up_on: date

    @classmethod
    def checked(cls, measure: str, what_is_done: str, performer: str, responsible: str, follow_up_on: date | None,
                today: date) -> SelfCareAssessment:
        try:
            who = Performer(performer)
        except ValueError:
            raise MedicineError("selfcare.performer.required") from None
        if follow_up_on is None:
            raise MedicineError("selfcare.follow_up.required")
        if follow_up_on <= today:
            raise MedicineError("selfcare.follow_up.future")
        return cls(measure=required_text(measure, MAX_SUBSTANCE, "selfcare.measure"),
                   what_is_done=required_text(what_is_done, MAX_SELF_CARE_TEXT, "selfcare.what"), performer=who,
                   responsible_if_not_working=required_text(responsible, MAX_SELF_CARE_TEXT, "selfcare.responsible"),
                   follow_up_on=follow_up_on)


def may_assess_self_care(profession: str | None) -> bool:
    """Only a licensed professional makes an egenvårdsbedömning (lag 2022:1250, DOMAIN §7b)."""
    return profession in LICENSED_PROFESSIONS
