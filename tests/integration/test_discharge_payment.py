"""Betalningsansvar (lag 2017:612, DOMAIN §4) from processes run through the service, on SQLite and PostgreSQL:
a synthetic November 2023 of 13 processes whose report equals the hand computation below, who may see it, one
audit entry per patient row, and the CSV and XLSX downloads.

SYNTETISKA DATA: invented persons (valid check digits, marked synthetic) and test units. The month is the pure
test's month (tests/unit/test_discharge_payment.py) registered step by step through nara.discharge.service by the
ward at USÖ, with the clock at each event's time; only P08 differs, because the service sends every message to
all receivers: there the ward sent the inskrivningsmeddelande and the utskrivningsklar notice to the vårdcentral
alone, so the municipality never received the inskrivningsmeddelande (the pure test's P08 lacked only the notice).

Hand computation (orebro-visam.toml = the law's values: per patient, day 0 = the date of the utskrivningsklar
notice, not counted; 3 free days; then each day the patient is still in hospital at 24:00 is payable — the day of
discharge is not; 10 500 kr per day in 2023, Socialstyrelsen's figure from the table of amounts):

    P01 Kumla     notice 9 Nov → free 10-12, payable 13-17, discharged 18                 5 d  52 500
    P02 Kumla     notice 5 Nov 15:00 → free 6-8, discharged 9                              0 d
    P03 Kumla     no inskrivningsmeddelande → the municipality does not pay                         0 d
    P04 Kumla     notice 24 Nov → free 25-27, payable 28, 29, 30 (Dec 1-2 are December's)    3 d  31 500
    P12 Kumla     notice 27 Nov 22:00 → free 28, 29, discharged 30                         0 d
                                                                                     Kumla:  8 d  84 000
    P05 Örebro    notice 2 → free 3-5, payable 6, 7, ill again 8 09:30;
                  notice 12 → free 13-15, payable 16-19, discharged 20                     6 d  63 000
    P06 Örebro    notice 11 → free 12-14, payable 15, 16, 17, died 18 04:00               3 d  31 500
    P07 Örebro    cancelled (makulerad) → does not pay                                             0 d
    P13 Örebro    discharged without a utskrivningsklar notice → not in the report
                                                                                    Örebro:  9 d  94 500
    P08 Hallsberg every message to the vårdcentral only → no inskrivningsmeddelande received       0 d
    P09 Hallsberg notice 17, inskrivningsmeddelande only 19 16:00 → counts from 19:
                  free 20-22, payable 23-26, discharged 27                                     4 d  42 000
                                                                                 Hallsberg:  4 d  42 000
    P10 Askersund notice 26 Oct → free 27-29 Oct, payable 30, 31 Oct (October's), 1-8 Nov,
                  discharged 9 Nov                                                             8 d  84 000
    P11 Askersund notice 25 → free 26-28, payable 29, 30; still in hospital on 5 Dec      2 d  21 000
                                                                                 Askersund: 10 d  105 000
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from nara.audit.store import AuditEntryRow
from nara.core.clock import STOCKHOLM
from nara.core.errors import Forbidden
from nara.directory.model import ProviderKind, UnitKind, personal_number
from nara.directory.service import add_person, add_unit
from nara.discharge import service
from nara.discharge.model import InterruptionReason, NoPayReason, payment_export

from .discharge_fixtures import build_world

KUMLA, OREBRO, HALLSBERG, ASKERSUND = "1881", "1880", "1861", "1882"
AS_OF = datetime(2023, 12, 5, 12, 0, tzinfo=STOCKHOLM)  # Tue 5 December: November has ended

EXPECTED = {KUMLA: (8, 84_000), OREBRO: (9, 94_500), HALLSBERG: (4, 42_000), ASKERSUND: (10, 105_000)}
EXPECTED_PATIENTS = {  # case: (pays, reason, free days in November, payable days in November, kronor)
    "P01": (True, None, 3, 5, 52_500),
    "P02": (True, None, 3, 0, 0),
    "P03": (False, NoPayReason.NO_ADMISSION_NOTICE, 0, 0, 0),
    "P04": (True, None, 3, 3, 31_500),
    "P12": (True, None, 2, 0, 0),
    "P05": (True, None, 6, 6, 63_000),
    "P06": (True, None, 3, 3, 31_500),
    "P07": (False, NoPayReason.CANCELLED, 0, 0, 0),
    "P08": (False, NoPayReason.NO_ADMISSION_NOTICE, 0, 0, 0),
    "P09": (True, None, 3, 4, 42_000),
    "P10": (True, None, 0, 8, 84_000),
    "P11": (True, None, 3, 2, 21_000),
}


def at(month, day, hour=0, minute=0):
    return datetime(2023, month, day, hour, minute, tzinfo=STOCKHOLM)


# (case, municipality, admitted, inskrivningsmeddelande, utskrivningsklar, not ready, end, how it ended)
CASES = [
    ("P01", KUMLA, at(11, 2, 8), at(11, 2, 14), [at(11, 9, 10)], [], at(11, 18, 11), "discharged"),
    ("P02", KUMLA, at(11, 3, 9), at(11, 3, 12), [at(11, 5, 15)], [], at(11, 9, 10), "discharged"),
    ("P03", KUMLA, at(11, 9, 9), None, [at(11, 10, 10)], [], at(11, 20, 10), "discharged"),
    ("P04", KUMLA, at(11, 20, 9), at(11, 20, 12), [at(11, 24, 9)], [], at(12, 3, 10), "discharged"),
    ("P12", KUMLA, at(11, 25, 9), at(11, 25, 12), [at(11, 27, 22)], [], at(11, 30, 10), "discharged"),
    ("P05", OREBRO, at(11, 1, 20), at(11, 2, 8), [at(11, 2, 13), at(11, 12, 10)], [at(11, 8, 9, 30)],
     at(11, 20, 14), "discharged"),
    ("P06", OREBRO, at(11, 10, 9), at(11, 10, 12), [at(11, 11, 10)], [], at(11, 18, 4), "died"),
    ("P07", OREBRO, at(11, 4, 9), at(11, 4, 12), [at(11, 5, 10)], [], at(11, 12, 9), "cancelled"),
    ("P13", OREBRO, at(11, 2, 9), at(11, 2, 12), [], [], at(11, 6, 10), "discharged"),
    ("P08", HALLSBERG, at(11, 16, 9), at(11, 16, 12), [at(11, 17, 10)], [], at(11, 25, 10), "vc_only"),
    ("P09", HALLSBERG, at(11, 16, 10), at(11, 19, 16), [at(11, 17, 10)], [], at(11, 27, 9), "discharged"),
    ("P10", ASKERSUND, at(10, 20, 10), at(10, 20, 14), [at(10, 26, 10)], [], at(11, 9, 10), "discharged"),
    ("P11", ASKERSUND, at(11, 23, 9), at(11, 23, 12), [at(11, 25, 10)], [], None, "discharged"),
]


@pytest.fixture
def month(database, clock, tmp_data_dir):
    """The world and the 13 processes of November registered through the service; returns (world, case → id). The
    world is built on 1 October 2023, so the demo staff's assignments hold from then."""
    clock.at = datetime(2023, 10, 1, 9, 0, tzinfo=UTC)
    world = build_world(database, clock, tmp_data_dir)
    ward = world.actor("avdelning")
    with database.transaction() as s:
        units = {KUMLA: (world.vc, world.hsv), OREBRO: (world.other_vc, world.orebro_hsv)}
        for code, name in ((HALLSBERG, "Hallsberg"), (ASKERSUND, "Askersund")):
            vc = add_unit(s, hsa_id=f"SE0000091800-TESTVC{code}", name=f"Vårdcentralen {name} (test)",
                          kind=UnitKind.VARDCENTRAL, kommun_code=code, principal=ProviderKind.REGION)
            hsv = add_unit(s, hsa_id=f"SE00000918{code[2:]}-TESTHSV{code}", name=f"Hemsjukvården {name} (test)",
                           kind=UnitKind.HEMSJUKVARD, kommun_code=code, principal=ProviderKind.KOMMUN)
            units[code] = (vc.id, hsv.id)
        persons = {}
        for i, (case, code, *_rest) in enumerate(CASES):
            persons[case] = add_person(
                s, identifier=personal_number(date(1938, 3, 1) + timedelta(days=i), 100 + i), given_name="Syntet",
                family_name=f"Patient {case}", today=date(2023, 11, 1), kommun_code=code, synthetic=True).id
    ids: dict[str, int] = {}

    def when(moment: datetime) -> None:
        world.clock.at = moment.astimezone(UTC)

    for case, code, admitted, notice, ready, not_ready, end, how in CASES:
        vc, hsv = units[code]
        to = [vc] if how == "vc_only" else [vc, hsv]
        timeline: list[tuple[datetime, object]] = []
        if notice is not None:
            timeline.append((notice, lambda s, pid, to=to, day=admitted.date(): service.send_admission_notice(
                s, ward, world.clock, pid, estimated_discharge=day + timedelta(days=7), receiver_unit_ids=to)))
        if notice is None or (ready and ready[0] < notice):
            # the receivers are added at admission; the messages reach them before any inskrivningsmeddelande
            timeline.append((admitted + timedelta(minutes=1), lambda s, pid, to=to: service.add_receivers(
                s, ward, world.clock, pid, unit_ids=to)))
        timeline += [(moment, lambda s, pid: service.mark_ready(s, ward, world.clock, pid)) for moment in ready]
        timeline += [(moment, lambda s, pid: service.mark_not_ready(s, ward, world.clock, pid))
                     for moment in not_ready]
        if end is not None:
            action = {"died": lambda s, pid: service.interrupt(s, ward, world.clock, pid,
                                                               reason=InterruptionReason.DIED),
                      "cancelled": lambda s, pid: service.cancel(s, ward, world.clock, pid)}.get(
                how, lambda s, pid: service.discharge(s, ward, world.clock, pid))
            timeline.append((end, action))
        when(admitted)
        with database.transaction() as s:
            ids[case] = service.open_process(s, ward, world.clock, person_id=persons[case]).id
        for moment, step in sorted(timeline, key=lambda pair: pair[0]):
            when(moment)
            with database.transaction() as s:
                step(s, ids[case])  # type: ignore[operator]
    when(AS_OF)
    yield world, ids
    world.client.close()


def _patients(view):
    return {p.process_id: p for m in view.municipalities for p in m.patients}


def test_the_november_report_equals_the_hand_computation(month):
    world, ids = month
    ward = world.actor("avdelning")  # the region's staff: a party of every municipality's settlement
    case_of = {pid: case for case, pid in ids.items()}
    seen: dict[str, tuple] = {}
    for code, expected in EXPECTED.items():
        with world.db.transaction() as s:
            view = service.payment_report(s, ward, world.clock, municipality=code, month="2023-11").view
        assert view.complete and view.model == "per_patient" and view.agreement_key == "orebro-visam-2018"
        [municipality] = view.municipalities
        assert (municipality.municipality, municipality.payable_days, municipality.kronor) == (code, *expected)
        assert (view.amount_per_day, view.amount_source) == (
            10_500, "Socialstyrelsens fastställda belopp per dag för 2023 (förordning (2017:617) och lag (2017:612) "
                    "om samverkan vid utskrivning från sluten hälso- och sjukvård)")
        for pid, patient in _patients(view).items():
            reason = NoPayReason(patient.reason) if patient.reason else None
            seen[case_of[pid]] = (patient.pays, reason, patient.free_days, patient.payable_days, patient.kronor)
            assert patient.identified and patient.patient.endswith(f"Syntet Patient {case_of[pid]}")
    assert seen == EXPECTED_PATIENTS  # P13, never utskrivningsklar, is in no report
    assert sum(k for _, k in EXPECTED.values()) == 325_500

    # the trail of P05: its two periods as utskrivningsklar
    with world.db.transaction() as s:
        view = service.payment_report(s, ward, world.clock, municipality=OREBRO, month="2023-11").view
    p05 = _patients(view)[ids["P05"]]
    assert [(d.day.day, d.kind) for d in p05.days if d.kind == "payable"] == [
        (6, "payable"), (7, "payable"), (16, "payable"), (17, "payable"), (18, "payable"), (19, "payable")]
    assert p05.not_ready_at == [at(11, 8, 9, 30)] and p05.ready_notices == [at(11, 2, 13), at(11, 12, 10)]


def test_who_sees_the_report_and_one_audit_entry_per_patient_row(month):
    world, ids = month
    ward, bistand = world.actor("avdelning"), world.actor("bistand")
    outsider, leader = world.actor("orebro_hsv"), world.actor("ledning")
    kumla = {ids[c] for c in ("P01", "P02", "P03", "P04", "P12")}
    with world.db.transaction() as s:
        last = s.scalar(select(AuditEntryRow.seq).order_by(AuditEntryRow.seq.desc()).limit(1))
        service.payment_report(s, ward, world.clock, municipality=KUMLA, month="2023-11")
    with world.db.transaction() as s:
        logged = s.scalars(select(AuditEntryRow).where(AuditEntryRow.seq > last)).all()
    assert sorted(int(e.resource_id) for e in logged) == sorted(kumla)
    assert {(e.action, e.outcome, e.resource_type, e.information_category) for e in logged} == {
        ("read", "allowed", "discharge", "utskrivning")}

    # Kumla kommun's biståndshandläggning took no part in these processes: the sums are the same, the patients
    # are shown by process number only, and each row's denial is logged.
    with world.db.transaction() as s:
        view = service.payment_report(s, bistand, world.clock, municipality=KUMLA, month="2023-11").view
    assert (view.payable_days, view.kronor) == EXPECTED[KUMLA]
    rows = _patients(view)
    assert set(rows) == kumla and not any(p.identified or p.person_id for p in rows.values())
    assert all(p.patient == f"Process {pid} (personuppgifter visas inte)" for pid, p in rows.items())
    with world.db.transaction() as s:
        denied = s.scalars(select(AuditEntryRow).where(AuditEntryRow.account_id == bistand.account_id,
                                                       AuditEntryRow.resource_type == "discharge")).all()
    assert sorted(int(e.resource_id) for e in denied) == sorted(kumla) and {e.outcome for e in denied} == {"denied"}

    # another municipality's staff and a leader do not see Kumla's settlement (no person data touched: no entry)
    for actor in (outsider, leader):
        with pytest.raises(Forbidden), world.db.transaction() as s:
            service.payment_report(s, actor, world.clock, municipality=KUMLA, month="2023-11")


def test_the_report_downloads_as_csv_and_xlsx_with_an_export_entry_per_patient(month):
    world, ids = month
    client, headers = world.client, world.headers("avdelning")
    query = "municipality=1881&month=2023-11"
    summary = client.get(f"/api/discharge/payment.csv?{query}&table=summary", headers=headers)
    assert summary.status_code == 200, summary.text
    assert summary.headers["content-type"].startswith("text/csv")
    assert 'filename="betalningsansvar-1881-2023-11-sammanstallning.csv"' in summary.headers["content-disposition"]
    text = summary.content.decode("utf-8-sig")
    [row] = payment_export.read_csv(text, "summary")
    assert (row["municipality"], row["payable_days"], row["kronor"], row["amount_per_day_month"]) == (
        KUMLA, 8, 84_000, 10_500)
    patients = payment_export.read_csv(
        client.get(f"/api/discharge/payment.csv?{query}", headers=headers).content.decode("utf-8-sig"), "patients")
    assert {p["process"]: p["kronor"] for p in patients} == {
        str(ids["P01"]): 52_500, str(ids["P02"]): 0, str(ids["P03"]): 0, str(ids["P04"]): 31_500,
        str(ids["P12"]): 0}
    workbook = client.get(f"/api/discharge/payment.xlsx?{query}", headers=headers)
    assert workbook.status_code == 200 and workbook.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    sheets = payment_export.read_xlsx(io.BytesIO(workbook.content))
    assert sum(r["kronor"] for r in sheets["summary"]) == 84_000
    assert sum(1 for d in sheets["days"] if d["day_kind"].value == "payable") == 8
    with world.db.transaction() as s:
        exports = s.scalars(select(AuditEntryRow).where(AuditEntryRow.action == "export")).all()
    assert len(exports) == 3 * 5  # three downloads, five Kumla patients each
    assert client.get("/api/discharge/payment?municipality=1881&month=2023-13", headers=headers).status_code == 422
    assert client.get("/api/discharge/payment?municipality=9999&month=2023-11", headers=headers).status_code == 404
    json_view = client.get(f"/api/discharge/payment?{query}", headers=headers).json()
    assert (json_view["payable_days"], json_view["kronor"], json_view["month_label"]) == (8, 84_000, "november 2023")


def test_a_month_whose_amount_per_day_is_unknown_stops_everywhere_with_a_swedish_message(database, clock,
                                                                                         tmp_data_dir):
    """November 2026: no amount per day is known for 2026 (the table holds 2019, 2020, 2022, 2023). The service,
    the JSON API (problem+json) and both downloads stop naming the year and what is missing — no report is made
    with another year's amount, and no patient row is read or exported."""
    world = build_world(database, clock, tmp_data_dir)
    try:
        ward = world.actor("avdelning")
        world.clock.at = datetime(2026, 12, 5, 12, 0, tzinfo=STOCKHOLM).astimezone(UTC)
        with pytest.raises(service.PaymentAmountUnknown) as raised, world.db.transaction() as s:
            service.payment_report(s, ward, world.clock, municipality=KUMLA, month="2026-11")
        message = raised.value.message
        assert message.startswith("Betalningsansvaret för november 2026 kan inte beräknas: beloppet per dag för 2026 "
                                  "är inte känt.")
        assert "Socialstyrelsens belopp för 2026" in message and "ViSam" in message
        for word in ("verify", "DOMAIN", ".toml", "2023"):
            assert word not in message
        headers = world.headers("avdelning")
        query = "municipality=1881&month=2026-11"
        for path in ("/api/discharge/payment", "/api/discharge/payment.csv", "/api/discharge/payment.xlsx"):
            answer = world.client.get(f"{path}?{query}", headers=headers)
            assert answer.status_code == 409, path
            assert answer.headers["content-type"].startswith("application/problem+json")
            assert answer.json()["detail"] == message
        with world.db.transaction() as s:
            assert not s.scalars(select(AuditEntryRow).where(AuditEntryRow.resource_type == "discharge",
                                                             AuditEntryRow.action == "export")).all()
    finally:
        world.client.close()
