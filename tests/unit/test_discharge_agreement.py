"""Regional agreements are data (DOMAIN §4): the shipped files, versioning by validity date, the law's default as
fallback, strict parsing, and a changed agreement changing deadlines and payment without a code change."""

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from nara.access.review import Period
from nara.core.clock import STOCKHOLM
from nara.discharge.agreement import (
    AgreementError,
    AgreementLibrary,
    Anchor,
    DueKind,
    MessageKind,
    PaymentModel,
    Step,
    agreement_in_force,
    default_library,
    load_agreement,
    packaged_agreements_folder,
)
from nara.discharge.payment import DischargeCase, payment_report
from nara.discharge.process import (
    AdmissionNoticeSent,
    Admitted,
    Discharged,
    ReadyForDischarge,
    Receiver,
    ReceiverRole,
    status,
)

LAW_FILE = Path(str(packaged_agreements_folder() / "lag-2017-612.toml"))


def test_three_agreements_are_shipped_as_package_data():
    names = sorted(p.name for p in packaged_agreements_folder().iterdir() if p.name.endswith(".toml"))
    assert names == ["exempel-medelvarde.toml", "lag-2017-612.toml", "orebro-visam.toml"]
    assert default_library().regions() == ["*", "18", "exempel"]
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


def test_only_the_amounts_domain_states_are_verified_the_rest_are_carried_forward_and_say_so():
    """DOMAIN §4: 7 800 kr in 2019, 9 300 kr in 2022, "(verify) later years"."""
    amounts = default_library().get("lag-2017-612").payment.amounts
    assert {y: (a.kronor, a.verified) for y, a in amounts.items() if a.verified} == {2019: (7800, True),
                                                                                  2022: (9300, True)}
    assert (amounts[2021].kronor, amounts[2021].carried_from) == (7800, 2019)
    assert (amounts[2026].kronor, amounts[2026].carried_from, amounts[2026].verified) == (9300, 2022, False)
    assert all("(verify)" in a.source for a in amounts.values() if not a.verified)
    with pytest.raises(AgreementError, match="2018"):
        default_library().get("lag-2017-612").payment.amount_for(2018)


def test_the_orebro_file_uses_the_law_default_everywhere_and_says_so():
    visam = default_library().get("orebro-visam-2018")
    law = default_library().get("lag-2017-612")
    assert visam.region == "18"
    assert dict(visam.steps).keys() == dict(law.steps).keys()
    for step, rule in visam.steps.items():
        assert (rule.kind, rule.anchor, rule.amount, rule.counting) == (
            law.steps[step].kind, law.steps[step].anchor, law.steps[step].amount, law.steps[step].counting)
        assert "okänt (verify)" in rule.basis
    assert (visam.payment.model, visam.payment.days, visam.payment.requires) == (
        law.payment.model, law.payment.days, law.payment.requires)
    assert not any(a.verified for a in visam.payment.amounts.values())  # not even 2019/2022: ViSam may differ
    text = Path(str(packaged_agreements_folder() / "orebro-visam.toml")).read_text()
    value_lines = [line for line in text.splitlines() if "=" in line and not line.startswith(("#", "["))
                   and line.split("=")[0].strip() not in ("schema", "key", "region", "name", "source", "basis")
                   and not line.lstrip()[:4].isdigit()]
    assert value_lines and all("law default" in line or "project default" in line or "(verify)" in line
                               for line in value_lines)


def test_the_example_agreement_is_marked_and_never_chosen_for_a_real_region():
    example = default_library().get("exempel-medelvarde")
    assert example.example and example.payment.model is PaymentModel.MONTHLY_AVERAGE
    assert example.payment.days == 3 and example.payment.counting.day_zero_counts
    assert example.rule(Step.SIP_INVITATION).counting.cutoff == time(14, 0)
    assert "EXEMPEL" in example.name
    at = datetime(2026, 11, 20, 12, 0, tzinfo=STOCKHOLM)
    assert agreement_in_force("01", at).key == "lag-2017-612"  # Stockholm: the law, not the example
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


def test_an_agreement_written_to_a_folder_changes_the_payment_without_code(tmp_path):
    """free_days 3 → 5: notice Mon 2026-11-02 10:00, discharged Mon 2026-11-16 10:00. Law: free Nov 3-5, payable
    Nov 6-15 = 10 days. With 5 free days: free Nov 3-7, payable Nov 8-15 = 8 days (× 9 300 kr = 74 400 kr)."""
    _write(tmp_path, "a.toml", _law_text(**{'key = "lag-2017-612"': 'key = "region-99"', 'region = "*"':
                                            'region = "99"', "free_days = 3": "free_days = 5"}))
    agreement = AgreementLibrary.from_directory(tmp_path).in_force("99", date(2026, 11, 1))
    vc, hsv = Receiver("vc", ReceiverRole.VARDCENTRAL), Receiver("hsv", ReceiverRole.HEMSJUKVARD)
    events = [
        Admitted(at=datetime(2026, 11, 1, 9, 0, tzinfo=STOCKHOLM), home_municipality="9901", hospital_unit="h"),
        AdmissionNoticeSent(at=datetime(2026, 11, 1, 12, 0, tzinfo=STOCKHOLM), message_id="i",
                            receivers=(vc, hsv), estimated_discharge=date(2026, 11, 10)),
        ReadyForDischarge(at=datetime(2026, 11, 2, 10, 0, tzinfo=STOCKHOLM), message_id="k", to=("vc", "hsv")),
        Discharged(at=datetime(2026, 11, 16, 10, 0, tzinfo=STOCKHOLM)),
    ]
    case = DischargeCase("p1", "SYNT-1", events)
    as_of = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    law = payment_report([case], default_library().get("lag-2017-612"), Period(2026, 11), as_of)
    changed = payment_report([case], agreement, Period(2026, 11), as_of)
    assert (law.payable_days, changed.payable_days, changed.kronor) == (10, 8, 74_400)


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
    ("2020 = { carried_from = 2019,", "2020 = { carried_from = 2018,", "carries from 2018"),
    ("2019 = { kronor = 7800,", "2019 = { kronor = 7800, carried_from = 2018,", "exactly one of kronor"),
    ("valid_from = 2018-01-01", "valid_from = 2018-01-01T00:00:00", "must be a date"),
    ("valid_from = 2018-01-01", "valid_from = 2018-01-01\nvalid_to = 2017-12-31", "before valid_from"),
    ('region = "*"\nname', 'region = "*"\nexample = true\nname', "example agreement must not name a real region"),
    ("schema = 1", "schema = 2", "schema must be 1"),
    ("schema = 1", "schema = [", "not valid TOML"),
], ids=["typo-key", "typo-step", "hours-and-days", "bad-anchor", "by-and-from", "zero-hours", "bad-cutoff",
        "bad-model", "wrong-days-key", "bad-requires", "carry-unknown-year", "kronor-and-carry", "datetime",
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
