"""A line chart of a series, drawn on the server as SVG (no JavaScript): one line per component (blood pressure:
two), the target band behind them, and each value outside the target drawn as a larger ring — not by colour alone.
The SVG is an image with a title and a description (its text alternative); the page shows the same values in a
table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from markupsafe import Markup, escape

from nara.core.clock import local_minute
from nara.core.i18n import t
from nara.measurements.model import SPECS, Band, Kind, format_number

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40
# Presentation attributes, not a stylesheet: the chart carries its own look. Dark enough on white for WCAG AA.
BAND = 'fill="#dcefe3" stroke="#2e7d4f" stroke-dasharray="4 3"'
GRID = 'stroke="#d0d0d0" stroke-width="1"'
LABEL = 'fill="#2b2b2b" font-size="12" font-family="sans-serif"'
LINE_STYLES = ('fill="none" stroke="#1a4f9c" stroke-width="2.5"',
               'fill="none" stroke="#6b2d8f" stroke-width="2.5" stroke-dasharray="7 4"')
POINT = 'fill="#1a4f9c"'
OUTSIDE = 'fill="#ffffff" stroke="#b3001b" stroke-width="3"'


def _scale(low: float, high: float, value: float, out_low: float, out_high: float) -> float:
    if high == low:
        return (out_low + out_high) / 2
    return out_low + (value - low) * (out_high - out_low) / (high - low)


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    step = (high - low) / (count - 1)
    return [low + i * step for i in range(count)]


def line_chart(kind: Kind, points: Sequence[tuple[datetime, dict[str, float], bool]], bands: dict[str, Band] | None,
               chart_id: str) -> Markup:
    """The chart of ``points`` ((when, values, outside target), oldest first); empty markup for fewer than two."""
    if len(points) < 2:
        return Markup("")
    spec = SPECS[kind]
    decimals = max(c.decimals for c in spec.components)
    numbers = [v for _at, values, _o in points for v in values.values()]
    for band in (bands or {}).values():
        numbers += [band.low, band.high]
    low, high = min(numbers), max(numbers)
    pad = max((high - low) * 0.1, 1.0 if decimals == 0 else 0.5)
    low, high = low - pad, high + pad
    first, last = points[0][0].timestamp(), points[-1][0].timestamp()

    def x(at: datetime) -> float:
        return _scale(first, last, at.timestamp(), LEFT, WIDTH - RIGHT)

    def y(value: float) -> float:
        return _scale(low, high, value, HEIGHT - BOTTOM, TOP)

    kind_name = t(f"measurements.kind.{kind.value}")
    unit = t(f"measurements.unit.{spec.components[0].ucum}")
    parts = [f'<svg class="chart" width="100%" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-labelledby="{chart_id}-title {chart_id}-desc" preserveAspectRatio="xMidYMid meet">',
             f'<title id="{chart_id}-title">{escape(kind_name)} ({escape(unit)})</title>',
             f'<desc id="{chart_id}-desc">{escape(describe(kind, points, bands))}</desc>']
    for band in (bands or {}).values():
        top, bottom = y(band.high), y(band.low)
        parts.append(f'<rect {BAND} x="{LEFT}" y="{top:.1f}" width="{WIDTH - LEFT - RIGHT}" '
                     f'height="{bottom - top:.1f}"/>')
    for tick in _ticks(low, high):
        parts.append(f'<line {GRID} x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" '
                     f'y2="{y(tick):.1f}"/>')
        parts.append(f'<text {LABEL} x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">'
                     f'{escape(format_number(tick, decimals))}</text>')
    for at, anchor in ((points[0][0], "start"), (points[-1][0], "end")):
        parts.append(f'<text {LABEL} x="{x(at):.1f}" y="{HEIGHT - 12}" text-anchor="{anchor}">'
                     f'{escape(local_minute(at))}</text>')
    for index, component in enumerate(spec.components):
        line = [(x(at), y(values[component.code]), outside) for at, values, outside in points
                if component.code in values]
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _o in line)
        parts.append(f'<polyline {LINE_STYLES[index % 2]} points="{path}"/>')
        for px, py, outside in line:
            radius = 7 if outside else 3.5
            look = OUTSIDE if outside else POINT
            parts.append(f'<circle {look} cx="{px:.1f}" cy="{py:.1f}" r="{radius}"/>')
    parts.append("</svg>")
    # Every text in it went through escape(); the rest is numbers and the constants above.
    return Markup("".join(parts))  # noqa: S704


def describe(kind: Kind, points: Sequence[tuple[datetime, dict[str, float], bool]],
             bands: dict[str, Band] | None) -> str:
    """The chart's text alternative: what, how many, from when to when, the target and how many lie outside."""
    spec = SPECS[kind]
    text = t("measurements.chart.alt", kind=t(f"measurements.kind.{kind.value}").lower(), count=len(points),
             first=local_minute(points[0][0]), last=local_minute(points[-1][0]))
    if bands:
        band_text = ", ".join(
            f"{t(f'measurements.short.{kind.value}.{c.code}').lower()} "
            f"{format_number(bands[c.code].low, c.decimals)}–{format_number(bands[c.code].high, c.decimals)} "
            f"{t(f'measurements.unit.{c.ucum}')}" for c in spec.components if c.code in bands)
        text += " " + t("measurements.chart.alt_target", band=band_text)
        text += " " + t("measurements.chart.alt_outside", count=sum(1 for p in points if p[2]))
    return text
