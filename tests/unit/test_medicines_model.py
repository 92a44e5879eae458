"""The rules of the medication list (nara.medicines.model): the ATC format and the change rules."""

from __future__ import annotations

from datetime import date

import pytest

from nara.medicines import model
from nara.medicines.model import Current, MedicineError, NewMedicine


@pytest.mark.parametrize("text", ["C09AA05", "c09aa05", " C09 AA 05 ", "N02BE01", "A10BA02"])
def test_a_substance_level_atc_code_is_accepted_and_normalised(text):
    assert model.atc_code(text) == text.replace(" ", "").upper()


@pytest.mark.parametrize("text", ["C09AA5", "C09A", "C09", "09AA05C", "CC9AA05", "C09AA055", "C09A105", "Ä09AA05"])
def test_an_atc_code_that_is_not_seven_characters_of_the_substance_pattern_is_refused(text):
    with pytest.raises(MedicineError) as caught:
        model.atc_code(text)
    assert caught.value.key == "medicines.atc.format"


def test_a_missing_atc_code_asks_for_one():
    with pytest.raises(MedicineError) as caught:
        model.atc_code("  ")
    assert caught.value.key == "medicines.atc.required"


def test_a_new_medicine_needs_substance_strength_and_dose():
    new = NewMedicine.checked("  Enalapril ", "c09aa02", "5 mg", "1 tablett  morgon", date(2026, 1, 1))
    assert (new.substance, new.atc_code, new.dose) == ("Enalapril", "C09AA02", "1 tablett morgon")
    for missing, key in (("substance", "medicines.substance.required"), ("strength", "medicines.strength.required"),
                         ("dose", "medicines.dose.required")):
        fields = {"substance": "Enalapril", "strength": "5 mg", "dose": "1 tablett", missing: ""}
        with pytest.raises(MedicineError) as caught:
            NewMedicine.checked(fields["substance"], "C09AA02", fields["strength"], fields["dose"], date(2026, 1, 1))
        assert caught.value.key == key


def test_a_change_must_change_strength_or_dose():
    current = Current("5 mg", "1 tablett morgon", None)
    assert model.check_change(current, "10 mg", None) == ("10 mg", "1 tablett morgon")
    assert model.check_change(current, None, "1 tablett morgon och kväll") == ("5 mg", "1 tablett morgon och kväll")
    with pytest.raises(MedicineError) as caught:
        model.check_change(current, "5 mg", "1 tablett morgon")
    assert caught.value.key == "medicines.change.nothing"
    with pytest.raises(MedicineError):
        model.check_change(current, None, None)


def test_a_stopped_medicine_can_be_neither_changed_nor_stopped_again():
    stopped = Current("5 mg", "1 tablett", date(2026, 5, 1))
    with pytest.raises(MedicineError) as caught:
        model.check_change(stopped, "10 mg", None)
    assert caught.value.key == "medicines.change.ended"
    with pytest.raises(MedicineError) as caught:
        model.check_stop(stopped, date(2026, 6, 1), date(2026, 1, 1))
    assert caught.value.key == "medicines.change.ended"


def test_a_medicine_cannot_be_stopped_before_it_started():
    with pytest.raises(MedicineError) as caught:
        model.check_stop(Current("5 mg", "1 tablett", None), date(2025, 12, 31), date(2026, 1, 1))
    assert caught.value.key == "medicines.stop.before_start"
    model.check_stop(Current("5 mg", "1 tablett", None), date(2026, 1, 1), date(2026, 1, 1))


def test_every_change_states_its_reason_in_words():
    assert model.reason("  Yrsel  vid uppresning ") == "Yrsel vid uppresning"
    with pytest.raises(MedicineError) as caught:
        model.reason("   ")
    assert caught.value.key == "medicines.reason.required"
    with pytest.raises(MedicineError) as caught:
        model.reason("x" * (model.MAX_REASON + 1))
    assert caught.value.key == "medicines.reason.too_long"


def test_every_message_key_the_model_can_raise_has_a_swedish_text():
    from nara.medicines.messages import MESSAGES

    for key in ("medicines.atc.required", "medicines.atc.format", "medicines.change.ended",
                "medicines.change.nothing", "medicines.stop.before_start", "medicines.reason.required",
                "medicines.reason.too_long", "medicines.findings.required", "medicines.substance.too_long",
                "medicines.strength.too_long", "medicines.dose.too_long"):
        assert MESSAGES[key] and "_" not in MESSAGES[key]


# --- egenvårdsbedömning ------------------------------------------------------------------------------------------


def _assessment(**changes):
    fields = {"measure": "Insulininjektion", "what_is_done": "Tar insulin morgon och kväll", "performer": "personen",
              "responsible": "Distriktssköterskan på vårdcentralen", "follow_up_on": date(2027, 3, 1),
              "today": date(2026, 11, 22), **changes}
    return model.SelfCareAssessment.checked(fields["measure"], fields["what_is_done"], fields["performer"],
                                            fields["responsible"], fields["follow_up_on"], fields["today"])


def test_only_a_licensed_professional_makes_an_egenvardsbedomning():
    for profession in ("lakare", "sjukskoterska", "distriktsskoterska", "fysioterapeut"):
        assert model.may_assess_self_care(profession)
    for profession in ("underskoterska", "bistandshandlaggare", "socialsekreterare", None):
        assert not model.may_assess_self_care(profession)


def test_an_egenvardsbedomning_names_who_does_it_who_is_responsible_and_a_later_follow_up():
    assessment = _assessment()
    assert assessment.performer is model.Performer.PERSON
    for changes, key in (({"responsible": " "}, "selfcare.responsible.required"),
                         ({"what_is_done": ""}, "selfcare.what.required"),
                         ({"performer": "robot"}, "selfcare.performer.required"),
                         ({"follow_up_on": None}, "selfcare.follow_up.required"),
                         ({"follow_up_on": date(2026, 11, 22)}, "selfcare.follow_up.future")):
        with pytest.raises(MedicineError) as caught:
            _assessment(**changes)
        assert caught.value.key == key
