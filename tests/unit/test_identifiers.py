"""Personnummer, samordningsnummer and reservnummer (DOMAIN §9)."""

from datetime import date

import pytest

from nara.directory.model import (
    HsaIdError,
    IdentifierError,
    IdentifierKind,
    luhn_check_digit,
    parse_hsa_id,
    parse_identifier,
    personal_number,
)

TODAY = date(2026, 11, 22)

# The national test identities listed in DOMAIN §9.
TEST_PERSONNUMMER = [
    "195009072553", "196101182803", "189002029800", "200302022389",
    "199002222397", "200001252386", "189602029812", "191212121212",
]


@pytest.mark.parametrize("value", TEST_PERSONNUMMER)
def test_national_test_personnummer_are_accepted(value):
    ident = parse_identifier(value, TODAY)
    assert ident.kind is IdentifierKind.PERSONNUMMER
    assert ident.value == value


def test_samordningsnummer_has_sixty_added_to_the_day():
    ident = parse_identifier("196109732393", TODAY)
    assert ident.kind is IdentifierKind.SAMORDNINGSNUMMER
    assert ident.birth_date == date(1961, 9, 13)


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("19121212-1212", "191212121212"),
        ("121212+1212", "191212121212"),  # '+': 100 or older, so 1912 and not 2012
        ("121212-1212", "201212121212"),  # '-': under 100
        ("500907-2553", "195009072553"),
        (" 19500907 2553 ", "195009072553"),
        ("5009072553", "195009072553"),
    ],
)
def test_accepted_forms_are_normalised_to_twelve_digits(typed, normalised):
    assert parse_identifier(typed, TODAY).value == normalised


def test_sex_comes_from_the_ninth_digit():
    assert parse_identifier("191212121212", TODAY).sex == "M"  # 9th digit 1: odd
    assert parse_identifier("196101182803", TODAY).sex == "F"  # 9th digit 0: even


def test_the_twelve_digit_form_always_uses_a_dash():
    assert parse_identifier("191212121212", TODAY).display() == "19121212-1212"


def test_the_ten_digit_form_uses_plus_from_the_year_of_turning_one_hundred():
    assert parse_identifier("191212121212", TODAY).display_short(TODAY) == "121212+1212"
    assert parse_identifier("195009072553", TODAY).display_short(TODAY) == "500907-2553"
    # The round trip holds: the short form parses back to the same person.
    for value in ("191212121212", "195009072553"):
        ident = parse_identifier(value, TODAY)
        assert parse_identifier(ident.display_short(TODAY), TODAY) == ident


@pytest.mark.parametrize(
    ("typed", "message_part"),
    [
        ("191212121213", "Kontrollsiffran stämmer inte"),
        ("19230230-1234", "inte ett verkligt datum"),  # 30 February
        ("19231301-1234", "inte ett verkligt datum"),  # month 13
        ("19230292-1234", "inte ett verkligt datum"),  # samordningsnummer day 92 = 32
        ("abc", "fel format"),
        ("1212121212121", "fel format"),
        ("12-12-12-1212", "fel format"),
        ("", "Ange ett personnummer"),
        ("19121212+1212", "Plustecken"),
        ("20991212-1212", "framtiden"),
    ],
)
def test_bad_input_is_rejected_with_a_swedish_message(typed, message_part):
    with pytest.raises(IdentifierError) as caught:
        parse_identifier(typed, TODAY)
    assert message_part in caught.value.message
    assert caught.value.status == 422


def test_reservnummer_is_recognised_by_its_letters():
    for value in ("98240301AA06", "20210325K069"):
        ident = parse_identifier(value, TODAY)
        assert ident.kind is IdentifierKind.RESERVNUMMER
        assert ident.birth_date is None and ident.sex is None


def test_forcing_a_kind_rejects_the_other_kinds():
    with pytest.raises(IdentifierError, match="not_samordningsnummer"):
        parse_identifier("191212121212", TODAY, IdentifierKind.SAMORDNINGSNUMMER)
    with pytest.raises(IdentifierError):
        parse_identifier("191212121212", TODAY, IdentifierKind.RESERVNUMMER)


def test_luhn_check_digit_over_yymmddnnn():
    assert luhn_check_digit("121212121") == 2  # 19121212-1212
    assert luhn_check_digit("500907255") == 3  # 19500907-2553


def test_generated_personal_numbers_validate():
    for serial in range(0, 1000, 37):
        value = personal_number(date(1944, 2, 29), serial)
        assert parse_identifier(value, TODAY).value == value
    samordning = personal_number(date(1961, 9, 13), 239, samordning=True)
    assert parse_identifier(samordning, TODAY).kind is IdentifierKind.SAMORDNINGSNUMMER


def test_hsa_id_format():
    assert parse_hsa_id(" se2321000131-p000000123457 ") == "SE2321000131-P000000123457"
    for bad in ("2321000131-P1", "SE232100013-P1", "SE2321000131", "SE2321000131-P-1"):
        with pytest.raises(HsaIdError):
            parse_hsa_id(bad)
