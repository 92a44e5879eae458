"""Regional agreements are data (DOMAIN §4): the shipped files, versioning by validity date, the law's default as
fallback, strict parsing, and a changed agreement changing deadlines and payment without a code change."""

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from nara.core.clock import STOCKHOLM, Period
from nara.discharge.model import (
    AdmissionNoticeSent,
    Admitted,
    AgreementError,
    AgreementLibrary,
    AmountSetBy,
    AmountUnknown,
    Anchor,
    CareType,
    DischargeCase,
    Discharged,
    DueKind,
    MessageKind,
    PaymentModel,
    ReadyForDischarge,
    Receiver,
    ReceiverRole,
    Step,
    agreement_in_force,
    default_library,
    load_agreement,
    load_amount_table,
    packaged_agreements_folder,
    payment_report,
    status,
)

LAW_FILE = Path(str(packaged_agreements_folder() / "lag-2017-612.toml"))
AMOUNTS_FILE = Path(str(packaged_agreements_folder() / "belopp-per-dag.toml"))


def test_the_agreements_and_the_table_of_amounts_are_shipped_as_package_data():
    names = sorted(p.name for p in packaged_agreements_folder().iterdir() if p.name.endswith(".toml"))
    assert names == ["belopp-per-dag.toml", "exempel-medelvarde.toml", "lag-2017-612.toml", "orebro-visam.toml",
                     "stockholm.toml"]
    assert default_library().regions() == ["*", "01", "18", "exempel"]
    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text()
    assert '"**/*.toml"' in pyproject  # shipped in the wheel too


def test_the_law_default_holds_the_values_of_domain_section_4():
    law = default_library().get("lag-2017-612")
    assert law.is_law_default and not law.example and law.valid_from == date(2018, 1, 1)
    notice = law.rule(Step.ADMISSION_NOTICE)
    assert (notice.kind, notice.anchor, notice.amount) == (DueKind.HOURS, Anchor.ADMISSION, 24)
    sip = law.rule(Step.SIP_INVITATION)
    assert (sip.kind, sip.anchor, sip.amount, sip.counting.day_zero_counts, sip.counting.cutoff) == (
        DueKind.CALENDAR_DAYS, Anchor.READY_NOTICE, 3, False, None)
    assert law.rule(Step.INFORMATION_TRANSFER).kind is DueKind.DISCHARGE_DAY
    assert law.rule(Step.CARE_CONTACT).kind is DueKind.DISCHARGE
    assert law.rule(Step.PLANNING_DOCUMENTATION) is None
    payment = law.payment
    assert (payment.model, payment.days, payment.requires) == (
        PaymentModel.PER_PATIENT, 3, (MessageKind.ADMISSION_NOTICE, MessageKind.READY_NOTICE))
    assert payment.days_for(CareType.PSYCHIATRIC) == 3  # the law's default makes no difference


def test_the_amounts_per_day_are_exactly_the_years_domain_states_each_with_its_source():
    """DOMAIN §4: 7 800 kr (2019), 8 200 kr (2020), 9 300 kr (2022), 10 500 kr (2023); every other year unknown."""
    table = load_amount_table(AMOUNTS_FILE)
    assert {y: a.kronor for y, a in table.amounts.items()} == {2019: 7800, 2020: 8200, 2022: 9300, 2023: 10500}
    for year, amount in table.amounts.items():
        assert amount.set_by is AmountSetBy.NATIONAL
        assert amount.source == f"Socialstyrelsens fastställda belopp per dag för {year}"
        assert "förordning (2017:617)" in amount.citation
    for agreement in (default_library().get(k) for k in ("lag-2017-612", "orebro-visam-2018", "stockholm-2018")):
        assert agreement.payment.amounts == table.amounts  # no agreement sets its own figure
        for year in (2018, 2021, 2024, 2025, 2026):  # unknown: nothing carried forward
            with pytest.raises(AmountUnknown) as raised:
                agreement.payment.amount_for(year)
            assert raised.value.year == year


def test_the_orebro_file_uses_the_law_default_everywhere_and_says_so_to_developers():
    visam = default_library().get("orebro-visam-2018")
    law = default_library().get("lag-2017-612")
    assert visam.region == "18"
    assert dict(visam.steps).keys() == dict(law.steps).keys()
    for step, rule in visam.steps.items():
        assert (rule.kind, rule.anchor, rule.amount, rule.counting) == (
            law.steps[step].kind, law.steps[step].anchor, law.steps[step].amount, law.steps[step].counting)
    assert (visam.payment.model, visam.payment.days, visam.payment.requires, visam.payment.psychiatric_days) == (
        law.payment.model, law.payment.days, law.payment.requires, None)
    text = Path(str(packaged_agreements_folder() / "orebro-visam.toml")).read_text()
    value_lines = [line for line in text.splitlines() if "=" in line and not line.startswith(("#", "["))
                   and line.split("=")[0].strip() not in ("schema", "key", "region", "name", "source")]
    assert value_lines and all("law default" in line or "project default" in line or "(verify)" in line
                               for line in value_lines)


def test_stockholm_has_two_free_days_in_somatic_care_five_in_psychiatric_and_counts_the_notice_day():
    stockholm = default_library().get("stockholm-2018")
    assert stockholm.region == "01" and not stockholm.example
    payment = stockholm.payment
    assert (payment.model, payment.days_for(CareType.SOMATIC), payment.days_for(CareType.PSYCHIATRIC)) == (
        PaymentModel.PER_PATIENT, 2, 5)
    assert payment.counting.day_zero_counts and payment.counting.cutoff is None
    assert not stockholm.rule(Step.SIP_INVITATION).counting.day_zero_counts  # deadlines: the law's counting
    at = datetime(2023, 11, 20, 12, 0, tzinfo=STOCKHOLM)
    assert agreement_in_force("01", at).key == "stockholm-2018"


def test_no_text_people_read_carries_developer_words():
    """Names, sources, bases and amount sources reach pages, the API and exports: Swedish, no (verify), no DOMAIN,
    no file names (the parser refuses them; this checks the shipped files as read)."""
    library = default_library()
    texts = []
    for region in library.regions():
        for agreement in library.versions(region):
            texts += [agreement.name, agreement.source, agreement.payment.basis]
            texts += [rule.basis for rule in agreement.steps.values()]
            texts += [a.source for a in agreement.payment.amounts.values()]
            texts += [a.citation for a in agreement.payment.amounts.values()]
    assert len(texts) > 40
    for text in texts:
        for word in ("verify", "DOMAIN", ".toml", ".md", "§4"):
            assert word not in text, text


def test_the_example_agreement_is_marked_and_never_chosen_for_a_real_region():
    example = default_library().get("exempel-medelvarde")
    assert example.example and example.payment.model is PaymentModel.MONTHLY_AVERAGE
    assert example.payment.days == 3 and example.payment.counting.day_zero_counts
    assert example.rule(Step.SIP_INVITATION).counting.cutoff == time(14, 0)
    assert "EXEMPEL" in example.name
    at = datetime(2026, 11, 20, 12, 0, tzinfo=STOCKHOLM)
    assert agreement_in_force("03", at).key == "lag-2017-612"  # Uppsala: no agreement shipped, the law
    assert agreement_in_force("18", at).key == "orebro-visam-2018"
    assert agreement_in_force("exempel", at).key == "exempel-medelvarde"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _law_text(**replace: str) -> str:
    text = LAW_FILE.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return text


def _region_file(key: str, valid_from: str, valid_to: str | None = None, sip_days: int = 3) -> str:
    return _law_text(**{
        'key = "lag-2017-612"': f'key = "{key}"',
        'region = "*"': 'region = "99"',
        "valid_from = 2018-01-01": f"valid_from = {valid_from}" + (f"\nvalid_to = {valid_to}" if valid_to else ""),
        "calendar_days = 3": f"calendar_days = {sip_days}",
    })


def _sip_due(agreement):
    vc, hsv = Receiver("vc", ReceiverRole.VARDCENTRAL), Receiver("hsv", ReceiverRole.HEMSJUKVARD)
    events = [
        Admitted(at=datetime(2026, 11, 20, 9, 0, tzinfo=STOCKHOLM), home_municipality="9901", hospital_unit="h"),
        AdmissionNoticeSent(at=datetime(2026, 11, 20, 12, 0, tzinfo=STOCKHOLM), message_id="i",
                            receivers=(vc, hsv), estimated_discharge=date(2026, 11, 30)),
        ReadyForDischarge(at=datetime(2026, 11, 23, 10, 0, tzinfo=STOCKHOLM), message_id="k", to=("vc", "hsv")),
    ]
    return status(events, agreement, datetime(2026, 11, 23, 11, 0, tzinfo=STOCKHOLM)).step(Step.SIP_INVITATION)


def test_an_agreement_written_to_a_folder_changes_the_deadline_without_code(tmp_path):
    """A region agrees 5 calendar days for the kallelse instead of 3: notice Mon 2026-11-23 10:00 → Tue 24 … Sat 28
    → due by 24:00 Sat 2026-11-28 (= Sun 2026-11-29 00:00), where the law gives 24:00 Thu 2026-11-26."""
    _write(tmp_path, "region-99.toml", _region_file("region-99", "2026-01-01", sip_days=5))
    library = AgreementLibrary.from_directory(tmp_path)
    agreement = library.in_force("99", date(2026, 11, 23))
    assert _sip_due(agreement).due_at == datetime(2026, 11, 29, 0, 0, tzinfo=STOCKHOLM)
    assert _sip_due(default_library().get("lag-2017-612")).due_at == datetime(2026, 11, 27, 0, 0, tzinfo=STOCKHOLM)


def _payment_case():
    vc, hsv = Receiver("vc", ReceiverRole.VARDCENTRAL), Receiver("hsv", ReceiverRole.HEMSJUKVARD)
    return DischargeCase("p1", "SYNT-1", [
        Admitted(at=datetime(2023, 11, 1, 9, 0, tzinfo=STOCKHOLM), home_municipality="9901", hospital_unit="h"),
        AdmissionNoticeSent(at=datetime(2023, 11, 1, 12, 0, tzinfo=STOCKHOLM), message_id="i",
                            receivers=(vc, hsv), estimated_discharge=date(2023, 11, 10)),
        ReadyForDischarge(at=datetime(2023, 11, 2, 10, 0, tzinfo=STOCKHOLM), message_id="k", to=("vc", "hsv")),
        Discharged(at=datetime(2023, 11, 16, 10, 0, tzinfo=STOCKHOLM)),
    ])


def test_an_agreement_written_to_a_folder_changes_the_payment_without_code(tmp_path):
    """free_days 3 → 5: notice 2023-11-02 10:00, discharged 2023-11-16 10:00. Law: free Nov 3-5, payable Nov 6-15
    = 10 days. With 5 free days: free Nov 3-7, payable Nov 8-15 = 8 days (× 10 500 kr = 84 000 kr)."""
    _write(tmp_path, "a.toml", _law_text(**{'key = "lag-2017-612"': 'key = "region-99"', 'region = "*"':
                                            'region = "99"', "free_days = 3": "free_days = 5"}))
    _write(tmp_path, "belopp-per-dag.toml", AMOUNTS_FILE.read_text(encoding="utf-8"))
    agreement = AgreementLibrary.from_directory(tmp_path).in_force("99", date(2023, 11, 1))
    as_of = datetime(2023, 12, 1, 12, 0, tzinfo=UTC)
    law = payment_report([_payment_case()], default_library().get("lag-2017-612"), Period(2023, 11), as_of)
    changed = payment_report([_payment_case()], agreement, Period(2023, 11), as_of)
    assert (law.payable_days, changed.payable_days, changed.kronor) == (10, 8, 84_000)


def test_an_agreements_own_amount_for_a_year_wins_over_the_national_table(tmp_path):
    """A region agrees 11 000 kr for 2023 (invented for the test): the same 10 payable days cost 110 000 kr, and
    the report names the agreement's source; without the table of amounts no year is known at all."""
    own = '\n[payment.amount_per_day]\n2023 = { kronor = 11000, source = "Regionens eget belopp (test)" }\n'
    _write(tmp_path, "a.toml", _law_text(**{'key = "lag-2017-612"': 'key = "region-99"',
                                            'region = "*"': 'region = "99"'}) + own)
    without_table = AgreementLibrary.from_directory(tmp_path).in_force("99", date(2023, 11, 1))
    assert set(without_table.payment.amounts) == {2023}
    with pytest.raises(AmountUnknown):
        without_table.payment.amount_for(2022)
    _write(tmp_path, "belopp-per-dag.toml", AMOUNTS_FILE.read_text(encoding="utf-8"))
    agreement = AgreementLibrary.from_directory(tmp_path).in_force("99", date(2023, 11, 1))
    assert agreement.payment.amount_for(2022).kronor == 9300  # the national figure where it sets none
    report = payment_report([_payment_case()], agreement, Period(2023, 11), datetime(2023, 12, 1, tzinfo=UTC))
    assert (report.payable_days, report.kronor, report.amount.source, report.amount.set_by) == (
        10, 110_000, "Regionens eget belopp (test)", AmountSetBy.AGREEMENT)


def test_the_version_in_force_is_chosen_by_the_swedish_date_and_the_law_fills_the_gaps(tmp_path):
    _write(tmp_path, "law.toml", LAW_FILE.read_text(encoding="utf-8"))
    _write(tmp_path, "v1.toml", _region_file("region-99-v1", "2025-01-01", "2025-12-31", sip_days=4))
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "sub", "v2.toml", _region_file("region-99-v2", "2026-03-01", sip_days=5))
    library = AgreementLibrary.from_directory(tmp_path)
    assert [a.key for a in library.versions("99")] == ["region-99-v1", "region-99-v2"]
    assert library.in_force("99", date(2024, 12, 31)).key == "lag-2017-612"
    assert library.in_force("99", date(2025, 1, 1)).key == "region-99-v1"
    assert library.in_force("99", date(2025, 12, 31)).key == "region-99-v1"  # valid_to is inclusive
    assert library.in_force("99", date(2026, 2, 28)).key == "lag-2017-612"  # a gap: the law applies
    assert library.in_force("99", date(2026, 3, 1)).key == "region-99-v2"
    # 23:30 UTC on 28 February is already 1 March in Sweden
    assert library.in_force("99", datetime(2026, 2, 28, 23, 30, tzinfo=UTC)).key == "region-99-v2"
    with pytest.raises(ValueError):
        library.in_force("99", datetime(2026, 3, 1, 12, 0))  # naive


def test_overlapping_versions_of_one_region_are_refused(tmp_path):
    _write(tmp_path, "v1.toml", _region_file("region-99-v1", "2025-01-01"))
    _write(tmp_path, "v2.toml", _region_file("region-99-v2", "2026-01-01"))
    with pytest.raises(AgreementError, match="overlap"):
        AgreementLibrary.from_directory(tmp_path)


def test_without_a_law_default_a_region_without_an_agreement_fails_loudly(tmp_path):
    _write(tmp_path, "v1.toml", _region_file("region-99-v1", "2025-01-01"))
    with pytest.raises(AgreementError, match="no agreement"):
        AgreementLibrary.from_directory(tmp_path).in_force("01", date(2026, 1, 1))


@pytest.mark.parametrize(("old", "new", "message"), [
    ("hours = 24", "hours = 24\nhuors = 12", "unknown key"),
    ("[steps.care_contact]", "[steps.care_contakt]", "unknown step"),
    ("hours = 24", "calendar_days = 1\nhours = 24", "exactly one"),
    ('from = "admission"', 'from = "inskrivning"', "from must be one of"),
    ('by = "discharge"', 'by = "discharge"\nfrom = "admission"', "cannot be combined"),
    ("hours = 24", "hours = 0", "≥ 1"),
    ("day_zero_counts = false", 'day_zero_counts = false\ncutoff = "25:00"', "cutoff"),
    ('model = "per_patient"', 'model = "per_day"', "model must be one of"),
    ("free_days = 3", "max_average_days = 3", "needs free_days"),
    ('requires = ["admission_notice", "ready_notice"]', 'requires = ["cancellation"]', "requires lists"),
    ('name = "Lag (2017:612)', 'name = "(verify) Lag (2017:612)', "shown to people"),
    ('basis = "Lag (2017:612): senast samma dag', 'basis = "DOMAIN.md §4: senast samma dag', "shown to people"),
    ("free_days = 3", "free_days = 3\npsychiatric_free_days = -1", "≥ 0"),
    ('model = "per_patient"\nfree_days = 3', 'model = "monthly_average"\nmax_average_days = 3\n'
                                             'psychiatric_free_days = 5', "needs model per_patient"),
    ("discharge_day_counts = false", 'discharge_day_counts = false\namount_per_day = { 2026 = { source = "x" } }',
     "kronor is required"),
    ("discharge_day_counts = false", 'discharge_day_counts = false\n'
                                     'amount_per_day = { 2026 = { kronor = 1, carried_from = 2023, source = "x" } }',
     "unknown key"),
    ("valid_from = 2018-01-01", "valid_from = 2018-01-01T00:00:00", "must be a date"),
    ("valid_from = 2018-01-01", "valid_from = 2018-01-01\nvalid_to = 2017-12-31", "before valid_from"),
    ('region = "*"\nname', 'region = "*"\nexample = true\nname', "example agreement must not name a real region"),
    ("schema = 1", "schema = 2", "schema must be 1"),
    ("schema = 1", "schema = [", "not valid TOML"),
], ids=["typo-key", "typo-step", "hours-and-days", "bad-anchor", "by-and-from", "zero-hours", "bad-cutoff",
        "bad-model", "wrong-days-key", "bad-requires", "verify-in-name", "domain-in-basis", "negative-psychiatric",
        "psychiatric-average", "amount-without-kronor", "carried-forward", "datetime",
        "valid-to-before-from", "example-real-region", "schema", "toml"])
def test_a_malformed_agreement_is_refused_with_the_reason(tmp_path, old, new, message):
    path = _write(tmp_path, "bad.toml", _law_text(**{old: new}))
    with pytest.raises(AgreementError, match=message):
        load_agreement(path)


def test_two_files_with_the_same_key_are_refused(tmp_path):
    _write(tmp_path, "a.toml", LAW_FILE.read_text(encoding="utf-8"))
    _write(tmp_path, "b.toml", LAW_FILE.read_text(encoding="utf-8"))
    with pytest.raises(AgreementError, match="key"):
        AgreementLibrary.from_directory(tmp_path)
