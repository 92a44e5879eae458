"""The rules of measurements: UCUM units, plausibility ranges, target ranges and the target check (no database)."""

import pytest

from nara.measurements.messages import MESSAGES
from nara.measurements.model import (
    BY_SLUG,
    SPECS,
    UCUM_CODES,
    Band,
    Kind,
    Target,
    ValueProblem,
    check,
    check_target,
    format_number,
    parse_number,
)


def test_every_kind_writes_its_unit_as_a_ucum_code_and_has_swedish_words_for_it():
    assert {c.ucum for c in SPECS[Kind.BLOOD_PRESSURE].components} == {"mm[Hg]"}
    assert SPECS[Kind.PULSE].components[0].ucum == "/min"
    assert SPECS[Kind.WEIGHT].components[0].ucum == "kg"
    assert SPECS[Kind.BLOOD_GLUCOSE].components[0].ucum == "mmol/L"
    assert SPECS[Kind.OXYGEN_SATURATION].components[0].ucum == "%"
    assert SPECS[Kind.SYMPTOM_SCORE].components[0].ucum == "{score}"
    for code in UCUM_CODES:
        assert MESSAGES[f"measurements.unit.{code}"]
    assert MESSAGES["measurements.unit.mm[Hg]"] == "mm Hg"
    assert set(BY_SLUG.values()) == set(Kind)


def test_a_plausible_blood_pressure_passes_and_is_rounded_to_whole_numbers():
    assert check(Kind.BLOOD_PRESSURE, {"systolic": 135.4, "diastolic": 85}) == {"systolic": 135, "diastolic": 85}


def test_systolic_400_is_refused_naming_the_allowed_range():
    with pytest.raises(ValueProblem) as refused:
        check(Kind.BLOOD_PRESSURE, {"systolic": 400, "diastolic": 90})
    assert refused.value.component == "systolic"
    assert refused.value.key == "measurements.value.implausible"
    assert refused.value.params == {"low": "50", "high": "300", "unit": "mm[Hg]"}


def test_the_diastolic_must_be_below_the_systolic():
    with pytest.raises(ValueProblem) as refused:
        check(Kind.BLOOD_PRESSURE, {"systolic": 120, "diastolic": 130})
    assert (refused.value.component, refused.value.key) == ("diastolic", "measurements.value.diastolic_below")


@pytest.mark.parametrize(("kind", "values", "field"), [
    (Kind.PULSE, {"value": 10}, "value"),
    (Kind.WEIGHT, {"value": 7000}, "value"),
    (Kind.BLOOD_GLUCOSE, {"value": 0.1}, "value"),
    (Kind.OXYGEN_SATURATION, {"value": 101}, "value"),
    (Kind.SYMPTOM_SCORE, {"value": 11}, "value"),
    (Kind.BLOOD_PRESSURE, {"systolic": 130}, "diastolic"),
    (Kind.PULSE, {"value": float("nan")}, "value"),
])
def test_impossible_or_missing_values_are_refused(kind, values, field):
    with pytest.raises(ValueProblem) as refused:
        check(kind, values)
    assert refused.value.component == field


def test_a_symptom_score_is_a_whole_number_and_glucose_keeps_one_decimal():
    with pytest.raises(ValueProblem):
        check(Kind.SYMPTOM_SCORE, {"value": 7.5})
    assert check(Kind.SYMPTOM_SCORE, {"value": 7}) == {"value": 7}
    assert check(Kind.BLOOD_GLUCOSE, {"value": 5.44}) == {"value": 5.4}


def test_numbers_are_read_as_swedes_type_them_and_written_with_a_decimal_comma():
    assert parse_number("5,4") == 5.4
    assert parse_number(" 135 ") == 135
    assert parse_number("12a") is None
    assert parse_number("") is None
    assert parse_number("1e9") is None
    assert format_number(5.4, 1) == "5,4"
    assert format_number(135, 0) == "135"


def test_a_value_outside_any_band_of_the_target_is_outside():
    target = Target(Kind.BLOOD_PRESSURE, {"systolic": Band(100, 140), "diastolic": Band(60, 90)})
    assert not target.outside({"systolic": 140, "diastolic": 90})
    assert target.outside({"systolic": 141, "diastolic": 80})
    assert target.outside({"systolic": 120, "diastolic": 59})


def test_a_target_needs_both_edges_in_order_and_within_the_plausible_range():
    target = check_target(Kind.BLOOD_PRESSURE, {"systolic": (100, 140), "diastolic": (60, 90)})
    assert target.bands == {"systolic": Band(100, 140), "diastolic": Band(60, 90)}
    with pytest.raises(ValueProblem) as missing:
        check_target(Kind.PULSE, {"value": (50, None)})
    assert missing.value.component == "value_high"
    with pytest.raises(ValueProblem) as order:
        check_target(Kind.PULSE, {"value": (90, 50)})
    assert order.value.key == "measurements.target.order"
    with pytest.raises(ValueProblem) as wild:
        check_target(Kind.WEIGHT, {"value": (0, 80)})
    assert wild.value.component == "value_low"


def test_every_text_a_rule_names_is_in_the_catalogue():
    keys = {"measurements.value.required", "measurements.value.implausible", "measurements.value.whole",
            "measurements.value.diastolic_below", "measurements.target.required", "measurements.target.order"}
    assert keys <= MESSAGES.keys()
    for kind in Kind:
        assert f"measurements.kind.{kind.value}" in MESSAGES
        for c in SPECS[kind].components:
            assert f"measurements.component.{kind.value}.{c.code}" in MESSAGES
