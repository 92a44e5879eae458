"""The selection rules of log follow-up (logguppföljning, DOMAIN §5): months in Swedish time, the stickprov's size
and reproducible draw, the "opened by many staff" threshold, and what a verdict needs; checks on suspicion (search
periods as Swedish days, a case's reason in words, its outcome) and the grouping of the person's log extract."""

from datetime import UTC, date, datetime

import pytest

from nara.review.model import (
    DEFAULT_RULES,
    CaseOutcome,
    ExtractEntry,
    Period,
    ReviewRules,
    SearchCriteria,
    SelectionReason,
    Verdict,
    check_case_reason,
    check_outcome,
    check_search,
    check_verdict,
    draw_sample,
    group_extract,
    has_real_words,
    join_reasons,
    opened_by_many,
    sample_rank,
    sample_size,
    split_reasons,
)


def test_a_period_is_a_swedish_calendar_month():
    november = Period.parse("2026-11")
    assert str(november) == "2026-11" and november.label == "november 2026"
    assert november.start == datetime(2026, 10, 31, 23, 0, tzinfo=UTC)  # CET: UTC+1
    assert november.end == datetime(2026, 11, 30, 23, 0, tzinfo=UTC)
    assert Period.parse("2026-07").start == datetime(2026, 6, 30, 22, 0, tzinfo=UTC)  # CEST: UTC+2
    assert Period.parse("2026-12").next() == Period(2027, 1) and Period(2027, 1).previous() == Period(2026, 12)
    # 23:30 UTC on 31 October is already November in Stockholm
    assert Period.containing(datetime(2026, 10, 31, 23, 30, tzinfo=UTC)) == november


@pytest.mark.parametrize("text", ["", "2026-13", "2026-00", "26-11", "2026-1", "2026-11-01", "abcd-ef", "1999-12"])
def test_a_malformed_period_is_refused(text):
    with pytest.raises(ValueError):
        Period.parse(text)


def test_the_sample_has_ended_only_after_the_month():
    november = Period.parse("2026-11")
    assert not november.has_ended(datetime(2026, 11, 30, 22, 59, tzinfo=UTC))
    assert november.has_ended(datetime(2026, 11, 30, 23, 0, tzinfo=UTC))


@pytest.mark.parametrize(("population", "size"), [
    (0, 0), (1, 1), (19, 19), (20, 20), (21, 20), (2_000, 20), (2_001, 21), (10_000, 100), (20_000, 200),
    (5_000_000, 200),
])
def test_the_sample_is_one_percent_at_least_twenty_at_most_two_hundred(population, size):
    assert sample_size(population) == size


def test_the_sample_size_rule_is_configurable():
    rules = ReviewRules(sample_share=0.1, sample_min=5, sample_max=50, many_staff_threshold=3)
    assert sample_size(30, rules) == 5 and sample_size(300, rules) == 30 and sample_size(3_000, rules) == 50
    with pytest.raises(ValueError):
        ReviewRules(sample_share=0)
    with pytest.raises(ValueError):
        ReviewRules(sample_min=10, sample_max=5)
    with pytest.raises(ValueError):
        ReviewRules(many_staff_threshold=1)


def _candidates(n: int) -> list[tuple[int, str]]:
    return [(i, f"{i:064x}") for i in range(1, n + 1)]


def test_the_draw_is_reproducible_per_month_and_differs_between_months():
    november, december = Period(2026, 11), Period(2026, 12)
    first = draw_sample(november, _candidates(1_000), 20)
    assert first == draw_sample(november, reversed(_candidates(1_000)), 20)  # order of reading does not matter
    assert len(first) == 20 and first == sorted(first) and len(set(first)) == 20
    assert draw_sample(december, _candidates(1_000), 20) != first
    # the rank is a published function of the month and the entry's hash
    ranks = sorted((sample_rank(november, h), i) for i, h in _candidates(1_000))
    assert first == sorted(i for _rank, i in ranks[:20])


def test_the_draw_takes_everything_when_there_are_fewer_and_nothing_for_size_zero():
    assert draw_sample(Period(2026, 11), _candidates(5), 20) == [1, 2, 3, 4, 5]
    assert draw_sample(Period(2026, 11), _candidates(5), 0) == []


def test_a_person_opened_by_many_staff_reaches_the_threshold():
    assert DEFAULT_RULES.many_staff_threshold == 10
    assert opened_by_many({1: 9, 2: 10, 3: 25}) == [2, 3]
    assert opened_by_many({1: 3, 2: 2}, ReviewRules(many_staff_threshold=3)) == [1]


def test_a_verdict_other_than_acceptable_needs_a_comment():
    assert check_verdict("godtagbar", "  ") == (Verdict.ACCEPTABLE, None)
    assert check_verdict("otillaten", " Läste utan vårdrelation ") == (Verdict.NOT_PERMITTED, "Läste utan vårdrelation")
    for verdict in ("behover_utredas", "otillaten"):
        with pytest.raises(ValueError, match="comment_required"):
            check_verdict(verdict, "")
    with pytest.raises(ValueError, match="unknown"):
        check_verdict("kanske", "x")
    with pytest.raises(ValueError, match="too_long"):
        check_verdict("godtagbar", "x" * 4001)
    with pytest.raises(ValueError, match="invalid"):
        check_verdict("godtagbar", "a\x00b")


def test_reasons_are_kept_as_a_sorted_set():
    text = join_reasons([SelectionReason.SAMPLE, "skyddad_identitet", SelectionReason.SAMPLE])
    assert text == "skyddad_identitet,stickprov"
    assert split_reasons(text) == [SelectionReason.SAMPLE, SelectionReason.PROTECTED_IDENTITY]
    assert split_reasons("") == []


# --- checks on suspicion and the grouped extract ---------------------------------------------------------------------

TODAY = date(2026, 11, 22)


def test_a_search_period_is_whole_swedish_days():
    winter = SearchCriteria(date_from=date(2026, 11, 21), date_to=date(2026, 11, 21))
    assert (winter.start, winter.end) == (datetime(2026, 11, 20, 23, 0, tzinfo=UTC),
                                          datetime(2026, 11, 21, 23, 0, tzinfo=UTC))
    summer = SearchCriteria(date_from=date(2026, 7, 15), date_to=date(2026, 7, 15))
    assert (summer.start, summer.end) == (datetime(2026, 7, 14, 22, 0, tzinfo=UTC),
                                          datetime(2026, 7, 15, 22, 0, tzinfo=UTC))
    # the night clocks go back (25 October 2026) is 25 hours long
    autumn = SearchCriteria(date_from=date(2026, 10, 25), date_to=date(2026, 10, 25))
    assert (autumn.end - autumn.start).total_seconds() == 25 * 3600


def test_a_search_is_checked():
    found = check_search(user="  Erik   Testlund ", person="19121212-1212", unit=None, date_from=None, date_to=None,
                         today=TODAY)
    assert (found.user, found.person, found.used) == ("Erik Testlund", "191212121212", ["anvandare", "person"])
    for bad, key in ((dict(), "review.search.empty"), (dict(user=" \t "), "review.search.empty"),
                     (dict(person="19121212-1213"), "review.search.person_invalid"),
                     (dict(user="x" * 101), "review.search.user_invalid"),
                     (dict(unit="a\x00b"), "review.search.unit_invalid"),
                     (dict(date_from=date(2026, 11, 2), date_to=date(2026, 11, 1)), "review.search.period_backwards"),
                     (dict(date_from=date(1, 1, 1)), "review.search.date_invalid"),
                     (dict(date_to=date(9999, 12, 31)), "review.search.date_invalid")):
        arguments = dict(user=None, person=None, unit=None, date_from=None, date_to=None) | bad
        with pytest.raises(ValueError) as refused:
            check_search(**arguments, today=TODAY)
        assert str(refused.value) == key


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200b\u200b", "...!!!", "12345678", "a b c d e f g h",
                                  "\u200bx\u200b"])
def test_a_case_reason_needs_real_words(text):
    assert not has_real_words(text)
    with pytest.raises(ValueError):
        check_case_reason(text)


def test_a_case_reason_and_outcome_are_kept_as_written():
    assert check_case_reason("\u200b Klagomål från patienten \n") == "Klagomål från patienten"
    assert check_outcome("anmalt", " Anmält till IVO. ") == (CaseOutcome.REPORTED, "Anmält till IVO.")
    for outcome, note in (("anmalt", " "), ("okand", "Något hände"), ("ingen_anmarkning", "x" * 4001)):
        with pytest.raises(ValueError):
            check_outcome(outcome, note)


def _entry(at, unit="Vårdcentralen Kumla", *, category="plan", action="read", denied=False, emergency=None,
           staff="Maja Demoberg"):
    return ExtractEntry(occurred_at=at, action=action, category=category, unit_key=unit, unit_name=unit,
                        provider_name="Region Örebro län", staff_name=staff, profession="distriktsskoterska",
                        log_review=False, emergency_reason=emergency, emergency=emergency is not None, denied=denied)


def test_the_extract_groups_per_unit_swedish_day_information_action_and_outcome():
    groups = group_extract([
        _entry(datetime(2026, 12, 3, 23, 30, tzinfo=UTC)),  # 00:30 on 4 December in Stockholm
        _entry(datetime(2026, 12, 4, 12, 0, tzinfo=UTC), staff="Erik Testlund"),
        _entry(datetime(2026, 12, 3, 22, 59, tzinfo=UTC)),  # 23:59 on 3 December
        _entry(datetime(2026, 12, 4, 13, 0, tzinfo=UTC), denied=True),
        _entry(datetime(2026, 12, 4, 14, 0, tzinfo=UTC), "Hemsjukvården Kumla"),
        _entry(datetime(2026, 12, 4, 15, 0, tzinfo=UTC), category="anteckningar"),
        _entry(datetime(2026, 12, 4, 16, 0, tzinfo=UTC), emergency="Akut"),
    ])
    assert [(g.day.day, g.unit_name, g.category, g.denied, g.emergency, g.count) for g in groups] == [
        (4, "Vårdcentralen Kumla", "plan", False, True, 1),
        (4, "Vårdcentralen Kumla", "anteckningar", False, False, 1),
        (4, "Hemsjukvården Kumla", "plan", False, False, 1),
        (4, "Vårdcentralen Kumla", "plan", True, False, 1),
        (4, "Vårdcentralen Kumla", "plan", False, False, 2),
        (3, "Vårdcentralen Kumla", "plan", False, False, 1),
    ]
    assert groups[4].staff == [("Erik Testlund", "distriktsskoterska"), ("Maja Demoberg", "distriktsskoterska")]


def test_every_denial_reason_has_words_for_the_reviewer():
    from nara.access.model import Reason
    from nara.core.i18n import SV

    for reason in Reason:
        if not reason.allows:
            assert f"review.denial.{reason.value}" in SV, reason
