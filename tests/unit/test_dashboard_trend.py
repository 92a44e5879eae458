"""Trend arrows say whether a change is better or worse, by each indicator's direction, in words that a screen
reader reads too (the arrow itself is hidden from it)."""

from __future__ import annotations

import pytest

from nara.dashboard.model import Direction, Judgement, judge, trend_text
from nara.indicators.service import catalogue

IND = {i.id: i for i in catalogue()}


@pytest.mark.parametrize(("indicator", "direction", "judgement", "text"), [
    ("K2", Direction.UP, Judgement.BETTER, "ökar – en förbättring"),  # more residents with a fast läkarkontakt
    ("K2", Direction.DOWN, Judgement.WORSE, "minskar – en försämring"),
    ("S1", Direction.UP, Judgement.WORSE, "ökar – en försämring"),  # more återinskrivningar
    ("S1", Direction.DOWN, Judgement.BETTER, "minskar – en förbättring"),
    ("P2", Direction.DOWN, Judgement.BETTER, "minskar – en förbättring"),  # fewer fallskador
    ("S2-per1000", Direction.UP, Judgement.WORSE, "ökar – en försämring"),
    ("T3", Direction.UP, Judgement.NEUTRAL, "ökar"),  # more contacts is neither better nor worse in itself
    ("K1", Direction.FLAT, Judgement.NEUTRAL, "oförändrad"),
    ("K1", Direction.UNKNOWN, Judgement.NEUTRAL, "kan inte bedömas"),
])
def test_the_trend_is_judged_by_the_indicators_direction(indicator, direction, judgement, text):
    assert judge(IND[indicator], direction) is judgement
    assert trend_text(IND[indicator], direction) == text


def test_every_indicator_but_the_contact_counts_says_which_way_is_better():
    for ind in catalogue():
        if ind.id.split("-")[0] == "T3":
            assert ind.better is None, ind.id
        else:
            assert ind.better in ("higher", "lower"), ind.id
