"""The payment report (nara.discharge.model.payment) as CSV and XLSX, for invoicing between region and municipality.

Three tables, the same in both formats: ``summary`` (one row per municipality: days and kronor owed), ``patients``
(one row per patient: the dates that decide the case, free and payable days, kronor) and ``days`` (one row per day
of the trail: which days were day 0, free, payable or counted, and the amount per day). Headers, day kinds, models
and reasons are the Swedish texts of the catalogue (nara.discharge.messages); values stay machine-readable:

- CSV: UTF-8, ``;``-separated (what Swedish spreadsheet programs expect), CRLF line ends; dates ISO 8601
  (2026-11-23); times in Swedish time with their offset (2026-11-23 10:15+01:00); decimals with a comma (3,25);
  yes/no as ``ja``/``nej``. Write it to a file opened with ``encoding="utf-8-sig", newline=""`` for Excel.
- XLSX: one sheet per table (Sammanställning, Patienter, Dagar); dates are date cells, numbers are numbers, a
  time is a date-time cell in Swedish time (a spreadsheet has no time zone; read back, an instant in the repeated
  hour of the autumn change is taken as the first of the two), several times in one cell are text as in the CSV.
  The CSV keeps the offset in its times on purpose: a CSV is text, and the offset keeps the repeated hour apart —
  who wants date-time cells in a spreadsheet opens the XLSX.

A text cell that a spreadsheet would run as a formula (starting with = + - @ or a tab or carriage return) gets a
leading apostrophe. :func:`read_csv` and :func:`read_xlsx` read a file back into the typed rows of
:func:`table_rows` — what the round-trip tests check. The report is person data: the service layer authorizes and
audits an export (nara.access.service) before calling these writers; they do no I/O beyond the stream they are given.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, Any

from nara.core.clock import STOCKHOLM
from nara.core.i18n import t
from nara.discharge.model.agreement import CareType, PaymentModel
from nara.discharge.model.payment import DayKind, NoPayReason, PaymentReport

TABLES = ("summary", "patients", "days")
FILE_NAMES = {"summary": "sammanstallning", "patients": "patienter", "days": "dagar"}
"""The Swedish word for each table in the name of its downloaded file (a name people see)."""
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
"""The media type of an XLSX workbook."""


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    kind: str  # text, int, date, datetime, datetimes, bool, decimal, model, day_kind, reason, care

    @property
    def header(self) -> str:
        return t(f"discharge.export.col.{self.key}")


COLUMNS: dict[str, tuple[Column, ...]] = {
    "summary": (
        Column("municipality", "text"), Column("month", "text"), Column("agreement", "text"),
        Column("model", "model"), Column("complete", "bool"), Column("patients", "int"),
        Column("episodes", "int"), Column("counted_days", "int"), Column("average", "decimal"),
        Column("limit", "int"), Column("payable_days", "int"), Column("amount_per_day_month", "int"),
        Column("amount_source", "text"), Column("kronor", "int"),
    ),
    "patients": (
        Column("municipality", "text"), Column("month", "text"), Column("process", "text"),
        Column("patient", "text"), Column("care", "care"), Column("pays", "bool"), Column("reason", "reason"),
        Column("admitted", "datetime"), Column("admission_notice", "datetime"), Column("ready", "datetimes"),
        Column("not_ready", "datetimes"), Column("ended", "datetime"), Column("free_days", "int"),
        Column("counted_days", "int"), Column("payable_days", "int"), Column("kronor", "int"),
    ),
    "days": (
        Column("municipality", "text"), Column("month", "text"), Column("process", "text"),
        Column("patient", "text"), Column("date", "date"), Column("day_kind", "day_kind"),
        Column("amount_per_day", "int"),
    ),
}


def _minute(at: datetime | None) -> datetime | None:
    return None if at is None else at.astimezone(STOCKHOLM).replace(second=0, microsecond=0)


def _average(value: Any) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def amount_source(report: PaymentReport) -> str:
    """Where the month's amount per day comes from, for people: "Socialstyrelsens … för 2023 (förordning …)"."""
    amount = report.amount
    return f"{amount.source} ({amount.citation})" if amount.citation else amount.source


def table_rows(report: PaymentReport, table: str) -> list[dict[str, Any]]:
    """The typed rows of ``table`` ("summary", "patients" or "days"), keyed by column key."""
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; tables are {', '.join(TABLES)}")
    month = str(report.month)
    rows: list[dict[str, Any]] = []
    for m in report.municipalities:
        if table == "summary":
            rows.append({
                "municipality": m.municipality, "month": month, "agreement": report.agreement_name,
                "model": report.model, "complete": report.complete, "patients": len(m.patients),
                "episodes": m.episodes, "counted_days": m.counted_days, "average": _average(m.average),
                "limit": report.limit_days, "payable_days": m.payable_days,
                "amount_per_day_month": report.amount.kronor, "amount_source": amount_source(report),
                "kronor": m.kronor,
            })
            continue
        for p in m.patients:
            if table == "patients":
                rows.append({
                    "municipality": m.municipality, "month": month, "process": p.process_id,
                    "patient": p.patient_ref, "care": p.care, "pays": p.pays, "reason": p.reason,
                    "admitted": _minute(p.admitted_at),
                    "admission_notice": _minute(p.admission_notice_received_at),
                    "ready": tuple(_minute(x) for x in p.ready_notices),
                    "not_ready": tuple(_minute(x) for x in p.not_ready_at), "ended": _minute(p.ended_at),
                    "free_days": p.free_days, "counted_days": p.counted_days, "payable_days": p.payable_days,
                    "kronor": p.kronor,
                })
            else:
                for d in p.days:
                    rows.append({
                        "municipality": m.municipality, "month": month, "process": p.process_id,
                        "patient": p.patient_ref, "date": d.day, "day_kind": d.kind,
                        "amount_per_day": d.kronor if d.kind is DayKind.PAYABLE else None,
                    })
    return rows


# --- cell text -----------------------------------------------------------------------------------------------


def _guard(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _unguard(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text


def _yes_no(value: bool) -> str:
    return t("discharge.pays.yes" if value else "discharge.pays.no")


def _label(kind: str, value: Any) -> str:
    prefix = {"model": "discharge.model", "day_kind": "discharge.day", "reason": "discharge.reason",
              "care": "discharge.care"}[kind]
    return t(f"{prefix}.{value}")


def _time_text(value: datetime) -> str:
    return value.isoformat(sep=" ", timespec="minutes")


def _to_text(column: Column, value: Any) -> str:
    if value is None:
        return ""
    kind = column.kind
    if kind == "bool":
        return _yes_no(value)
    if kind == "int":
        return str(value)
    if kind == "decimal":
        return str(value).replace(".", ",")
    if kind == "date":
        return value.isoformat()
    if kind == "datetime":
        return _time_text(value)
    if kind == "datetimes":
        return ", ".join(_time_text(v) for v in value)
    if kind in ("model", "day_kind", "reason", "care"):
        return _label(kind, value)
    return _guard(str(value))


_ENUMS: dict[str, Any] = {"model": PaymentModel, "day_kind": DayKind, "reason": NoPayReason, "care": CareType}


def _from_label(kind: str, text: str) -> Any:
    for member in _ENUMS[kind]:
        if _label(kind, member) == text:
            return member
    raise ValueError(f"unknown {kind} {text!r}")


def _from_text(column: Column, text: str) -> Any:
    kind = column.kind
    if text == "" and kind != "datetimes":
        return None if kind != "text" else ""
    if kind == "bool":
        if text not in (_yes_no(True), _yes_no(False)):
            raise ValueError(f"{column.header}: expected ja/nej, got {text!r}")
        return text == _yes_no(True)
    if kind == "int":
        return int(text)
    if kind == "decimal":
        return Decimal(text.replace(",", "."))
    if kind == "date":
        return date.fromisoformat(text)
    if kind == "datetime":
        return datetime.fromisoformat(text).astimezone(STOCKHOLM)
    if kind == "datetimes":
        return tuple(datetime.fromisoformat(v).astimezone(STOCKHOLM) for v in text.split(", ")) if text else ()
    if kind in _ENUMS:
        return _from_label(kind, text)
    return _unguard(text)


# --- CSV -----------------------------------------------------------------------------------------------------


def write_csv(report: PaymentReport, table: str, stream: IO[str]) -> None:
    """Write ``table`` of ``report`` as CSV to a text stream (module docstring for the format)."""
    columns = COLUMNS[table]
    writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    for row in table_rows(report, table):
        writer.writerow([_to_text(c, row[c.key]) for c in columns])


def csv_text(report: PaymentReport, table: str) -> str:
    buffer = io.StringIO()
    write_csv(report, table, buffer)
    return buffer.getvalue()


def read_csv(text: str, table: str) -> list[dict[str, Any]]:
    """Read a CSV written by :func:`write_csv` back into typed rows. The header must match."""
    columns = COLUMNS[table]
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";")
    header = next(reader)
    if header != [c.header for c in columns]:
        raise ValueError(f"not a {table} table: header {header!r}")
    return [{c.key: _from_text(c, cell) for c, cell in zip(columns, line, strict=True)} for line in reader if line]


# --- XLSX ----------------------------------------------------------------------------------------------------

_SHEETS = {"summary": "discharge.export.sheet.summary", "patients": "discharge.export.sheet.patients",
           "days": "discharge.export.sheet.days"}


def _xlsx_value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind in ("int", "date"):
        return value
    if column.kind == "decimal":
        return float(value)
    if column.kind == "datetime":
        return value.astimezone(STOCKHOLM).replace(tzinfo=None)  # Swedish wall-clock time in a date-time cell
    return _to_text(column, value)


def _from_xlsx(column: Column, value: Any) -> Any:
    if value is None or value == "":
        return () if column.kind == "datetimes" else ("" if column.kind == "text" else None)
    if column.kind == "int":
        return int(value)
    if column.kind == "date":
        return value.date() if isinstance(value, datetime) else value
    if column.kind == "decimal":
        return Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    if column.kind == "datetime" and isinstance(value, datetime):
        return value.replace(tzinfo=STOCKHOLM)
    return _from_text(column, str(value))


def write_xlsx(report: PaymentReport, stream: IO[bytes]) -> None:
    """Write the three tables as sheets of one XLSX workbook to a binary stream (needs openpyxl)."""
    from openpyxl import Workbook  # imported here: only exports need it

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in TABLES:
        sheet = workbook.create_sheet(t(_SHEETS[table]))
        columns = COLUMNS[table]
        sheet.append([c.header for c in columns])
        for row in table_rows(report, table):
            sheet.append([_xlsx_value(c, row[c.key]) for c in columns])
        for index, column in enumerate(columns, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = max(12, len(column.header) + 2)
            if column.kind in ("date", "datetime", "decimal"):
                number_format = {"date": "YYYY-MM-DD", "datetime": "YYYY-MM-DD hh:mm", "decimal": "0.00"}[column.kind]
                for cell in sheet[letter][1:]:
                    cell.number_format = number_format
            elif column.kind != "int":
                for cell in sheet[letter][1:]:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"  # text, never a formula
        sheet.freeze_panes = "A2"
    workbook.save(stream)


def read_xlsx(stream: IO[bytes]) -> dict[str, list[dict[str, Any]]]:
    """Read a workbook written by :func:`write_xlsx` back into typed rows per table."""
    from openpyxl import load_workbook

    workbook = load_workbook(stream, read_only=True)
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in TABLES:
        columns = COLUMNS[table]
        rows = list(workbook[t(_SHEETS[table])].iter_rows(values_only=True))
        if list(rows[0]) != [c.header for c in columns]:
            raise ValueError(f"not a {table} sheet: header {rows[0]!r}")
        tables[table] = [{c.key: _from_xlsx(c, v) for c, v in zip(columns, r, strict=True)} for r in rows[1:]]
    workbook.close()
    return tables

