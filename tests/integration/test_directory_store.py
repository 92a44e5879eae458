"""Directory storage on SQLite and PostgreSQL: the region's directory, units, staff, persons and listing."""

from datetime import date

import pytest
from sqlalchemy import func, select

from nara.core.errors import NotFound
from nara.directory.model import IdentifierError, ProviderKind, UnitKind, load_region
from nara.directory.service import (
    add_listing,
    add_person,
    add_staff,
    add_unit,
    find_units,
    person_by_identifier,
    seed_region,
)
from nara.directory.store import (
    CareProviderRow,
    ListingRow,
    MunicipalityRow,
    active_assignments,
    current_listing,
)

TODAY = date(2026, 11, 22)


def test_seeding_a_region_creates_each_municipality_as_its_own_care_provider(database):
    facts = load_region("orebro")
    with database.transaction() as s:
        seed_region(s, facts)
        seed_region(s, facts)  # idempotent
    with database.transaction() as s:
        assert s.scalar(select(func.count()).select_from(MunicipalityRow)) == 12
        kinds = dict(s.execute(select(CareProviderRow.kind, func.count()).group_by(CareProviderRow.kind)).all())
        assert kinds == {"region": 1, "kommun": 12}
        kumla = s.scalar(select(MunicipalityRow).where(MunicipalityRow.kommun_code == "1881"))
        assert (kumla.name, kumla.population, kumla.lansdel) == ("Kumla", 22681, "Söder")


def _kumla_vardcentral(s):
    return add_unit(s, hsa_id="SE2321000164-SYN0001", name="Vårdcentralen Kumla", kind=UnitKind.VARDCENTRAL,
                    kommun_code="1881", principal=ProviderKind.REGION)


def test_units_belong_to_the_right_principal(database):
    with database.transaction() as s:
        seed_region(s, load_region("orebro"))
        vc = _kumla_vardcentral(s)
        hsjv = add_unit(s, hsa_id="SE2120001234-SYN0002", name="Hemsjukvården Kumla", kind=UnitKind.HEMSJUKVARD,
                        kommun_code="1881", principal=ProviderKind.KOMMUN)
        private = add_unit(s, hsa_id="SE5560001111-SYN0003", name="Läkarhuset Kvarnen", kind=UnitKind.VARDCENTRAL,
                           kommun_code="1880", principal=ProviderKind.PRIVAT, provider_name="Kvarnen Vård AB")
    with database.transaction() as s:
        assert vc.provider_id != hsjv.provider_id != private.provider_id
        assert s.get(CareProviderRow, hsjv.provider_id).name == "Kumla kommun"
        assert s.get(CareProviderRow, private.provider_id).kind == "privat"
        assert [u.name for u in find_units(s, UnitKind.VARDCENTRAL, "1881")] == ["Vårdcentralen Kumla"]


def test_a_person_is_listed_at_one_vardcentral_at_a_time_with_a_named_doctor(database):
    with database.transaction() as s:
        seed_region(s, load_region("orebro"))
        vc = _kumla_vardcentral(s)
        other = add_unit(s, hsa_id="SE2321000164-SYN0009", name="Vårdcentralen Kumla Ängen",
                         kind=UnitKind.VARDCENTRAL, kommun_code="1881", principal=ProviderKind.REGION)
        gp = add_staff(s, hsa_id="SE2321000164-SYNP001", given_name="Greta", family_name="Läkarsson",
                       profession="lakare", unit_id=vc.id, valid_from=date(2020, 1, 1))
        tolvan = add_person(s, identifier="19121212-1212", given_name="Tolvan", family_name="Tolvansson",
                            today=TODAY, kommun_code="1881")
        add_listing(s, person_id=tolvan.id, unit_id=vc.id, fast_lakare_id=gp.id, valid_from=date(2021, 1, 1))
        add_listing(s, person_id=tolvan.id, unit_id=other.id, fast_lakare_id=None, valid_from=date(2026, 3, 1))
    with database.transaction() as s:
        assert current_listing(s, tolvan.id, date(2025, 6, 1)).fast_lakare.full_name == "Greta Läkarsson"
        assert current_listing(s, tolvan.id, TODAY).unit_id == other.id
        assert s.scalar(select(func.count()).select_from(ListingRow).where(ListingRow.valid_to.is_(None))) == 1
        assert [a.unit_id for a in active_assignments(s, gp.id, TODAY)] == [vc.id]


def test_persons_are_stored_normalised_and_found_by_any_accepted_form(database):
    with database.transaction() as s:
        seed_region(s, load_region("orebro"))
        p = add_person(s, identifier="121212+1212", given_name="Tolvan", family_name="Tolvansson", today=TODAY)
        assert (p.identifier, p.sex, p.birth_date, p.synthetic) == ("191212121212", "M", date(1912, 12, 12), True)
    with database.transaction() as s:
        assert person_by_identifier(s, "19121212-1212", TODAY).id == p.id
        with pytest.raises(NotFound):
            person_by_identifier(s, "195009072553", TODAY)
        with pytest.raises(IdentifierError):
            person_by_identifier(s, "19121212-1213", TODAY)
