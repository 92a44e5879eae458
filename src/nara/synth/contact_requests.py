"""Incoming phone and digital contact requests to the vårdcentral, and when they were answered (DOMAIN §7 T2:
contacts answered the same day / incoming). Rows of contact_requests.parquet (docs/data-format.md).

Consistent with the rest of the block: a person makes requests only while alive, always to the listed
vårdcentral, with the same relative intensity as their primary-care contacts (events.vc_contact_rate: chronic
conditions, women 15–64, glesbygd, SäBo). Volumes and answer shares are assumptions (calibration.py, "Incoming
contact requests"); DOMAIN gives no reference value for T2.

Each vårdcentral has its own same-day share, drawn once per (region, scale, seed) from its own stream by
``unit_same_day_shares`` so that every block sees the same units. Vectorised over the block; day numbers are
0-based days of the event year, and an answer may come after the year's end.
"""

from __future__ import annotations

import numpy as np

from nara.synth import calibration as cal
from nara.synth.events import YearInfo, vc_contact_rate
from nara.synth.population import Persons, weekday
from nara.synth.reference import Reference

TELEFON, DIGITAL = (cal.CONTACT_REQUEST_CHANNELS.index(c) for c in ("telefon", "digital"))
_MAX_LAG = 14  # days; an answer comes within two weeks when it comes at all


def unit_same_day_shares(ref: Reference, rng: np.random.Generator) -> np.ndarray:
    """[unit_id] → the vårdcentral's same-day share on an ordinary weekday outside July (0 for other units)."""
    vc = np.concatenate([m.vc_units for m in ref.municipalities])
    out = np.zeros(ref.units.num_rows + 1)
    out[vc] = np.clip(rng.normal(cal.SAME_DAY_MEAN, cal.SAME_DAY_UNIT_SD, size=len(vc)), *cal.SAME_DAY_UNIT_RANGE)
    return out


def _day_slots(yi: YearInfo) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Request days as slots: day d of channel c appears round(100 × weight) times, weighted by weekday and
    season. Returns the slots (channels laid end to end), each channel's first slot, the number of the
    channel's slots before each day ([channel, day], n_days + 1 columns) and the month (1–12) of each day.
    A uniform slot is a weighted day in one gather, cheaper than a binary search per row."""
    epoch = yi.start + np.arange(yi.n_days)
    month = epoch.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12 + 1
    season = np.where(month == 7, cal.CONTACT_REQUEST_JULY, 1.0)
    weights = np.array([cal.CONTACT_REQUEST_WEEKDAY[c] for c in cal.CONTACT_REQUEST_CHANNELS])
    per_day = np.rint(100 * weights[:, weekday(epoch)] * season).astype(np.int64)
    before = np.concatenate([np.zeros((len(per_day), 1), dtype=np.int64), np.cumsum(per_day, axis=1)], axis=1)
    first = np.concatenate([[0], np.cumsum(before[:-1, -1])])
    slots = np.concatenate([np.repeat(np.arange(yi.n_days), row) for row in per_day])
    return slots, first, before, month


def contact_requests(
    rng: np.random.Generator, p: Persons, yi: YearInfo, same_day_share: np.ndarray
) -> dict[str, np.ndarray]:
    """One block's requests, sorted by person and day: person index, unit, channel, request day, answer day
    and ``none`` (never answered)."""
    rate = cal.CONTACT_REQUESTS[p.age] * vc_contact_rate(p) / cal.VC_CONTACTS[p.age]
    k = rng.poisson(rate * p.alive_days / yi.n_days)
    pi = np.repeat(np.arange(p.n), k)
    m = len(pi)
    channel = np.where(rng.random(m) < cal.CONTACT_REQUEST_DIGITAL_SHARE[p.age[pi]], DIGITAL, TELEFON)

    # Request day: weighted by weekday and season, before the person's death.
    slots, first, before, month = _day_slots(yi)
    alive = p.alive_days[pi]
    day = slots[first[channel] + (rng.random(m) * before[channel, alive]).astype(np.int64)]
    ok = day < alive  # drops the rare request of a person who died before any day with phone hours
    pi, channel, day, alive = pi[ok], channel[ok], day[ok], alive[ok]
    m = len(pi)

    unit = p.listed_unit[pi]
    wd = weekday(yi.start + day)
    digital = channel == DIGITAL
    q = (
        same_day_share[unit]
        + np.where(wd == 0, cal.SAME_DAY_MONDAY_DELTA, 0.0)
        + np.where(month[day] == 7, cal.SAME_DAY_JULY_DELTA, 0.0)
        + np.where(digital, cal.SAME_DAY_DIGITAL_DELTA, 0.0)
    )
    q = np.where(digital & (wd >= 5), cal.SAME_DAY_WEEKEND_DIGITAL, q)
    same = rng.random(m) < q
    lag = 1 + np.minimum(_MAX_LAG - 1, rng.exponential(cal.ANSWER_LAG_MEAN, size=m).astype(np.int64))
    answered = day + np.where(same, 0, lag)
    awd = weekday(yi.start + answered)
    answered += np.where(~same & (awd >= 5), 7 - awd, 0)  # later answers come on a weekday
    died_first = p.dies[pi] & (answered >= alive)
    none = (rng.random(m) < cal.REQUEST_NEVER_ANSWERED) | died_first

    order = np.argsort(pi * 1024 + day, kind="stable")  # by person, then day (day < 1024)
    return {
        "pi": pi[order],
        "unit": unit[order],
        "channel": channel[order],
        "day": day[order],
        "answered": answered[order],
        "none": none[order],
    }
