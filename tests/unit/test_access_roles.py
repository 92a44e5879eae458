"""The role profiles (HSLF-FS 2016:40 4 kap. 2 §, DOMAIN §5) are data; the docs show exactly that data."""

from pathlib import Path

import pytest

from nara.access.model import Level, roles

DOCS = Path(__file__).resolve().parents[2] / "docs" / "access.md"


def test_docs_access_md_holds_the_table_generated_from_the_data():
    text = DOCS.read_text(encoding="utf-8")
    between = text.split("<!-- roles:start -->\n", 1)[1].split("\n<!-- roles:end -->", 1)[0]
    assert between == roles.markdown()


def test_a_bistandshandlaggare_reaches_the_sip_and_social_documentation_only():
    table = roles.default_table()
    assert table.level("bistandshandlaggare", "socialtjanst", "plan") is Level.SOCIAL
    assert table.level("bistandshandlaggare", "socialtjanst", "utskrivning") is Level.SOCIAL
    assert table.level("bistandshandlaggare", "socialtjanst", "social_dokumentation") is Level.WRITE
    assert table.level("bistandshandlaggare", "socialtjanst", "anteckningar") is Level.NONE
    assert not table.profile("bistandshandlaggare", "socialtjanst").emergency_access


def test_the_unit_kind_can_change_a_professions_profile():
    table = roles.default_table()
    assert table.level("underskoterska", "hemtjanst", "anteckningar") is Level.NONE
    assert table.level("underskoterska", "vardavdelning", "anteckningar") is Level.READ


def test_an_unknown_profession_reaches_nothing():
    assert roles.default_table().level("okand", "vardcentral", "plan") is Level.NONE


def test_a_typo_in_the_table_is_refused_rather_than_opening_anything():
    text = (Path(roles.__file__).parent / "data" / "roles.toml").read_text(encoding="utf-8")
    with pytest.raises(ValueError):
        roles.parse(text.replace('anteckningar = "none"', 'anteckningar = "nonee"', 1))
    with pytest.raises(ValueError):
        roles.parse(text.replace('lakemedel = "write"', 'lakemedl = "write"', 1))


def test_the_swedish_rows_carry_no_codes():
    for row in roles.rows():
        words = " ".join([str(row["role"]), *(f"{k} {v}" for k, v in row["levels"]), str(row["emergency"])])
        assert "_" not in words and "none" not in words and "write" not in words

