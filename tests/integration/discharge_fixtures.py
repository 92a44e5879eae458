"""A world for the discharge tests (SYNTETISKA DATA): the Örebro directory with the demo personas, a hemtjänst
unit in Kumla, and two units that take no part in Tolvan's discharge — another vårdcentral of the region and
Örebro kommun's hemsjukvård — each with a staff account. Every HSA-id here is invented (organisation numbers
starting 00000 are never issued)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select

from nara.app import create_app
from nara.auth import service as auth_service
from nara.auth.demo import DEMO_PASSWORD, create_demo_personas
from nara.auth.service import log_in, resolve_session
from nara.core.actor import Role, SessionKind
from nara.core.settings import Settings
from nara.directory.model import Profession, ProviderKind, UnitKind, load_region
from nara.directory.service import add_staff, add_unit, seed_region
from nara.directory.store import PersonRow, StaffRow, UnitRow
from nara.live.service import Broker

USERS = ("avdelning", "distriktsskoterska", "lakare", "hemsjukvard", "bistand", "tolvan", "ledning", "annan_vc",
         "orebro_hsv")


@dataclass
class World:
    db: object
    clock: object
    settings: Settings
    client: TestClient
    broker: Broker
    tolvan: int
    ward: int
    vc: int
    hsv: int
    htj: int
    bist: int
    other_vc: int
    orebro_hsv: int
    maja: int  # the distriktssköterska at Vårdcentralen Kumla, the fast vårdkontakt
    providers: dict[int, int] = field(default_factory=dict)  # unit id → care provider id
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)

    def actor(self, username: str):
        issued = log_in(self.db, self.settings, self.clock, username, DEMO_PASSWORD, SessionKind.API)
        return resolve_session(self.db, self.settings, self.clock, issued.token, SessionKind.API).actor

    def headers(self, username: str) -> dict[str, str]:
        if username not in self.tokens:
            response = self.client.post("/api/auth/token", json={"username": username, "password": DEMO_PASSWORD})
            assert response.status_code == 200, response.text
            self.tokens[username] = {"Authorization": f"Bearer {response.json()['access_token']}"}
        return self.tokens[username]


def _staff_account(s, clock, username: str, unit_id: int, hsa: str, given: str, family: str,
                   profession: Profession) -> None:
    staff = add_staff(s, hsa_id=hsa, given_name=given, family_name=family, profession=profession.value,
                      unit_id=unit_id, valid_from=date(2024, 1, 1))
    auth_service.create_account(s, username=username, password=DEMO_PASSWORD, role=Role.STAFF,
                                display_name=f"{given} {family}", now=clock.now(), staff_id=staff.id, is_demo=True)


def build_world(database, clock, tmp_data_dir, **settings_overrides) -> World:
    with database.transaction() as s:
        seed_region(s, load_region("orebro"))
    create_demo_personas(database, clock)
    with database.transaction() as s:
        htj = add_unit(s, hsa_id="SE0000091881-TESTHTJ", name="Hemtjänsten Kumla (test)", kind=UnitKind.HEMTJANST,
                       kommun_code="1881", principal=ProviderKind.KOMMUN).id
        other_vc = add_unit(s, hsa_id="SE0000091800-TESTVC1880", name="Vårdcentralen Norrsken (test)",
                            kind=UnitKind.VARDCENTRAL, kommun_code="1880", principal=ProviderKind.REGION).id
        orebro_hsv = add_unit(s, hsa_id="SE0000091880-TESTHSV", name="Hemsjukvården Örebro (test)",
                              kind=UnitKind.HEMSJUKVARD, kommun_code="1880", principal=ProviderKind.KOMMUN).id
        _staff_account(s, clock, "annan_vc", other_vc, "SE0000091800-TESTP0101", "Anna", "Annanvårdcentral",
                       Profession.DISTRIKTSSKOTERSKA)
        _staff_account(s, clock, "orebro_hsv", orebro_hsv, "SE0000091880-TESTP0102", "Olle", "Örebrohemsjukvård",
                       Profession.SJUKSKOTERSKA)
    settings = Settings(data_dir=tmp_data_dir, **settings_overrides)
    app = create_app(settings, database=database, clock=clock)
    client = TestClient(app, follow_redirects=False)
    world = World(db=database, clock=clock, settings=settings, client=client, broker=app.state.live, tolvan=0,
                  ward=0, vc=0, hsv=0, htj=htj, bist=0, other_vc=other_vc, orebro_hsv=orebro_hsv, maja=0)
    units = {u: world.actor(u).unit_id for u in ("avdelning", "distriktsskoterska", "hemsjukvard", "bistand")}
    world.ward, world.vc, world.hsv, world.bist = (units["avdelning"], units["distriktsskoterska"],
                                                   units["hemsjukvard"], units["bistand"])
    with database.transaction() as s:
        world.tolvan = s.scalar(select(PersonRow.id).where(PersonRow.identifier == "191212121212"))
        world.maja = s.scalar(select(StaffRow.id).where(StaffRow.family_name == "Demoberg"))
        world.providers = {u.id: u.provider_id for u in s.scalars(select(UnitRow))}
    return world
