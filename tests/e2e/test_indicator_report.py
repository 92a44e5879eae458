"""The standalone HTML indicator report is accessible: axe-core finds no violation, tables have captions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from nara.indicators.service import ReportMeta, compute, write_report
from tests.e2e.conftest import check_axe
from tests.unit.indicator_fixtures import write_known_answer_data

pytestmark = pytest.mark.browser


def test_html_report_passes_axe_and_reads_as_tables(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = write_known_answer_data(tmp_path / "data")
    start, end = date(2025, 1, 1), date(2025, 12, 31)
    rows = compute(data, start, end, by=["region", "kommun"], period="quarter")
    out = tmp_path / "rapport.html"
    write_report(rows, out, "html", ReportMeta(start, end, "quarter", ["region", "kommun"], "duckdb", synthetic=True))
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        page.goto(out.as_uri())
        assert page.locator("h1").inner_text() == "Uppföljning av nära vård – indikatorer"
        assert page.get_by_text("SYNTETISKA DATA").is_visible()
        k2 = page.locator("section", has=page.locator("h2#ind-K2"))
        assert "Fast läkarkontakt i särskilt boende (K2) per kommun" in k2.locator("caption").nth(1).inner_text()
        assert k2.get_by_text("Boende i SäBo i livet vid periodens slut").is_visible()
        check_axe(page)
    finally:
        context.close()
    assert not errors
