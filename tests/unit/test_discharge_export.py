"""The payment report as CSV and XLSX (nara.discharge.model.payment_export): written, read back, equal to the report.
Uses the synthetic months of test_discharge_payment (SYNTETISKA DATA)."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest

from nara.discharge.model import (
    COLUMNS,
    TABLES,
    DischargeCase,
    csv_text,
    payment_report,
    read_csv,
    read_xlsx,
    table_rows,
    write_xlsx,
)
from tests.unit.test_discharge_payment import (
    AS_OF,
    AVERAGE_CASES,
    EXAMPLE,
    NOVEMBER,
    NOVEMBER_CASES,
    VISAM,
)


@pytest.fixture(scope="module")
def reports():
    return {
        "per_patient": payment_report(NOVEMBER_CASES, VISAM, NOVEMBER, AS_OF),
        "monthly_average": payment_report(AVERAGE_CASES, EXAMPLE, NOVEMBER, AS_OF),
    }


@pytest.mark.parametrize("model", ["per_patient", "monthly_average"])
@pytest.mark.parametrize("table", TABLES)
def test_csv_round_trips(reports, model, table):
    report = reports[model]
    assert read_csv(csv_text(report, table), table) == table_rows(report, table)


def test_the_csv_is_swedish_semicolon_separated_and_readable(reports):
    text = csv_text(reports["per_patient"], "summary")
    lines = text.split("\r\n")
    assert lines[0] == ("Kommun;Månad;Överenskommelse;Modell;Månaden avslutad;Patienter;Vårdtillfällen i medelvärdet;"
                        "Utskrivningsklara dagar;Medelvärde dagar;Gräns dagar;Betalningsdagar;Belopp per dag kr;"
                        "Beloppets källa;Belopp kr")
    # Kumla (by hand, test_discharge_payment): 5 patients; free + payable days of the 4 paying episodes
    # P01 3 + 5, P02 3 + 0, P04 3 + 3, P12 2 + 0 = 19 → average 19 / 4 = 4,75; 8 payable days, 74 400 kr
    assert lines[3] == ("1881;2026-11;ViSam — Region Örebro län och länets kommuner;Per patient;ja;5;4;19;4,75;3;8;"
                        "9300;Testbelopp för 2026 (påhittat för testet);74400")
    patients = csv_text(reports["per_patient"], "patients").split("\r\n")
    p01 = next(line for line in patients if ";P01;" in line)
    assert p01 == ("1881;2026-11;P01;SYNT-P01;Somatisk vård;ja;;2026-11-02 08:00+01:00;2026-11-02 14:00+01:00;"
                   "2026-11-09 10:00+01:00;;2026-11-18 11:00+01:00;3;8;5;46500")
    p03 = next(line for line in patients if ";P03;" in line)
    assert ";nej;Kommunen fick inget inskrivningsmeddelande;" in p03
    days = csv_text(reports["per_patient"], "days").split("\r\n")
    assert "1881;2026-11;P01;SYNT-P01;2026-11-13;Betalningsdag;9300" in days
    assert "1881;2026-11;P01;SYNT-P01;2026-11-10;Fri dag;" in days
    average = csv_text(reports["monthly_average"], "summary").split("\r\n")
    assert average[1].startswith("9901;2026-11;EXEMPEL: medelvärdesmodell")
    assert average[1].endswith(";Månadsmedelvärde;ja;4;3;11;3,67;3;2;9300;"
                               "Testbelopp för 2026 (påhittat för testet);18600")


def test_the_summary_rows_hold_the_hand_computed_totals(reports):
    rows = {r["municipality"]: r for r in table_rows(reports["per_patient"], "summary")}
    assert {k: (r["payable_days"], r["kronor"]) for k, r in rows.items()} == {
        "1881": (8, 74_400), "1880": (9, 83_700), "1861": (4, 37_200), "1882": (10, 93_000)}
    average = {r["municipality"]: r["average"] for r in table_rows(reports["monthly_average"], "summary")}
    assert average == {"9901": Decimal("3.67"), "9902": Decimal("3.00"), "9903": Decimal("3.50")}


def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_neutralised(reports):
    evil = [DischargeCase("=cmd|' /C calc'!A0", "+SUM(A1:A9)", NOVEMBER_CASES[0].events)]
    report = payment_report(evil, VISAM, NOVEMBER, AS_OF)
    text = csv_text(report, "patients")
    assert ";'=cmd|' /C calc'!A0;'+SUM(A1:A9);" in text
    rows = read_csv(text, "patients")
    assert (rows[0]["process"], rows[0]["patient"]) == ("=cmd|' /C calc'!A0", "+SUM(A1:A9)")


def test_a_file_with_another_header_is_refused(reports):
    with pytest.raises(ValueError):
        read_csv(csv_text(reports["per_patient"], "summary"), "patients")


def test_xlsx_round_trips(reports):
    pytest.importorskip("openpyxl", reason="openpyxl is in requirements/base.txt but not yet installed in .venv")
    for report in reports.values():
        buffer = io.BytesIO()
        write_xlsx(report, buffer)
        buffer.seek(0)
        tables = read_xlsx(buffer)
        assert tables == {table: table_rows(report, table) for table in TABLES}


def test_xlsx_cells_are_typed_and_formulas_are_text(reports):
    openpyxl = pytest.importorskip("openpyxl", reason="openpyxl is in requirements/base.txt but not yet installed")
    evil = [DischargeCase("=1+1", "SYNT-X", NOVEMBER_CASES[0].events)]
    buffer = io.BytesIO()
    write_xlsx(payment_report(evil, VISAM, NOVEMBER, AS_OF), buffer)
    buffer.seek(0)
    workbook = openpyxl.load_workbook(buffer)
    assert workbook.sheetnames == ["Sammanställning", "Patienter", "Dagar"]
    days = workbook["Dagar"]
    assert [c.value for c in days[1]] == [c.header for c in COLUMNS["days"]]
    first_payable = next(row for row in days.iter_rows(min_row=2) if row[5].value == "Betalningsdag")
    assert first_payable[4].value.date() == date(2026, 11, 13) and first_payable[6].value == 9300
    process_cell = workbook["Patienter"]["C2"]
    assert process_cell.value == "'=1+1" and process_cell.data_type == "s"
    assert workbook["Patienter"]["H2"].value == datetime(2026, 11, 2, 8, 0)  # a date-time cell, Swedish time
