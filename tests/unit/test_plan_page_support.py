"""Reading the plan pages' forms and writing dates for people (nara.plans.pages, the kit's forms): no database."""

from __future__ import annotations

from datetime import UTC, date, datetime

from nara.core.clock import STOCKHOLM, day_text, time_text
from nara.plans.pages.common import version_of
from nara.plans.pages.names import value_text
from nara.web.forms import FormReader


def test_dates_are_written_as_people_in_sweden_read_them():
    assert day_text(date(2026, 12, 3)) == "torsdag 3 december 2026"
    assert time_text(datetime(2026, 12, 3, 9, 0, tzinfo=UTC)) == "3 dec 2026 10:00"
    assert time_text(datetime(2026, 7, 1, 8, 30, tzinfo=UTC)) == "1 jul 2026 10:30"  # summer time


def test_a_form_keeps_what_was_typed_and_says_per_field_what_is_wrong():
    form = FormReader({"text": "  Gå ut varje dag ", "due": "2026-02-30", "phone": "ring mig",
                       "link": "http://video.example", "clock": "", "day": "2026-12-03", "kind": "annat"})
    assert form.text("text", required="planform.goal.text_required") == "Gå ut varje dag"
    assert form.day("due") is None
    assert form.phone("phone") is None
    assert form.video_link("link") is None
    assert form.moment("day", "clock", required="planform.time.when_required") is None
    assert form.choice("kind", ["gor_sjalv"], required="planform.self_care.kind_required") is None
    assert form.text("missing", required="planform.goal.text_required") is None
    assert form.errors == {
        "due": "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-12-03.",
        "phone": "Skriv telefonnumret med siffror, till exempel 019-123 45 67.",
        "link": "Länken ska börja med https://.",
        "clock": "Ange klockslag.",
        "kind": "Välj ett av alternativen i listan.",
        "missing": "Skriv vad målet är.",
    }
    assert form.values["due"] == "2026-02-30" and form.values["phone"] == "ring mig"  # shown again as typed


def test_the_model_decides_lengths_and_a_moment_is_swedish_time():
    form = FormReader({"name": "x" * 201, "day": "2026-12-03", "clock": "10.15"})
    assert form.text("name", short=True) is None and "högst 200 tecken" in form.errors["name"]
    assert form.moment("day", "clock") == datetime(2026, 12, 3, 10, 15, tzinfo=STOCKHOLM)


def test_values_are_written_in_swedish_and_a_missing_version_is_never_current():
    assert value_text("status", "pagaende") == "pågående"
    assert value_text("achieved", True) == "ja"
    assert value_text("due", None) == "–"
    assert version_of("") == 0 and version_of("7") == 7 and version_of("-1") == 0
