"""The one If-Match parser (RFC 9110 §13.1.1): lists, ``*``, strong comparison, malformed values."""

import pytest

from nara.core.conditional import IfMatch, MalformedIfMatch, parse_if_match
from nara.core.errors import PreconditionRequired


@pytest.mark.parametrize(("header", "expected"), [
    ('"3-4"', IfMatch(tags=('"3-4"',))),
    ('"3-4", "3-5"', IfMatch(tags=('"3-4"', '"3-5"'))),
    ('"3-4","3-5"', IfMatch(tags=('"3-4"', '"3-5"'))),
    ('  "3-4" ,\t"3-5"  ', IfMatch(tags=('"3-4"', '"3-5"'))),
    ('"3-4", , "3-5",', IfMatch(tags=('"3-4"', '"3-5"'))),  # empty list elements are ignored (§5.6.1)
    ('"3-4", "3-4"', IfMatch(tags=('"3-4"',))),
    ("*", IfMatch(any=True)),
    (" * ", IfMatch(any=True)),
    ('W/"3-4"', IfMatch(weak_tags=('"3-4"',))),
    ('W/"3-4", "3-5"', IfMatch(tags=('"3-5"',), weak_tags=('"3-4"',))),
    ('""', IfMatch(tags=('""',))),  # an empty opaque tag is valid (it matches nothing we send)
    ('"a,b", "c"', IfMatch(tags=('"a,b"', '"c"'))),  # a comma inside the quotes is part of the tag
    ('"xyzzy\x80"', IfMatch(tags=('"xyzzy\x80"',))),  # obs-text
])
def test_parses_the_rfc_grammar(header, expected):
    assert parse_if_match(header) == expected


def test_several_header_lines_are_one_list():
    assert parse_if_match(['"3-4"', '"3-5"']) == IfMatch(tags=('"3-4"', '"3-5"'))


@pytest.mark.parametrize("header", [None, "", "   ", ",", " , ,", []])
def test_no_entity_tag_is_428_with_the_callers_message(header):
    with pytest.raises(PreconditionRequired) as missing:
        parse_if_match(header, missing="plans.precondition_required")
    assert missing.value.status == 428 and missing.value.key == "plans.precondition_required"


@pytest.mark.parametrize("header", [
    "3-4",  # not quoted
    '"3-4',  # not closed
    '3-4"',
    '"3-4" "3-5"',  # no comma
    'w/"3-4"',  # the weak marker is case-sensitive
    'W/ "3-4"',
    '"3 4"',  # a space is not an etagc
    '"3-"4"',
    "*, \"3-4\"",  # "*" stands alone
    "*, *",
    '"3-4";q=1',
    '"' + "1" * 3000 + '"',  # beyond any real use
])
def test_malformed_is_400_in_swedish(header):
    with pytest.raises(MalformedIfMatch) as malformed:
        parse_if_match(header)
    assert malformed.value.status == 400
    assert malformed.value.message.startswith("If-Match kunde inte läsas.")


def test_a_list_matches_when_any_tag_does_and_only_strongly():
    condition = parse_if_match('"3-4", W/"3-6", "3-5"')
    assert condition.matches('"3-5"') and condition.matches('"3-4"')
    assert not condition.matches('"3-6"')  # weak: never for If-Match
    assert not condition.matches('"3-7"')
    assert not condition.matches('W/"3-4"')  # the current tag is strong; a weak one is never equal


def test_star_matches_any_current_representation_but_not_none():
    condition = parse_if_match("*")
    assert condition.matches('"3-99"') and condition.matches('"x"')
    assert not condition.matches(None)
    assert not parse_if_match('"3-4"').matches(None)
