"""Accessible SVG charts drawn on the server: a line chart over months and a horizontal bar chart.

No JavaScript, no third-party assets and no style attributes (the pages' CSP is ``style-src 'self'``): every
colour, line pattern and font comes from classes in nara.css. Each chart is ``role="img"`` with a title and a
description, and the page shows the same numbers in a real table beside it. Colour is never the only carrier:
series differ in line pattern and marker shape, the chosen bar is also marked in its label, the target line
is dashed and labelled, and a suppressed cell is written out instead of drawn (DOMAIN.md §7).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 560  # viewBox units; the SVG scales to the column, so on a phone its text is still about 10 px
FONT = 15  # the font size in nara.css (.chart-svg text), used to space the legend


def nice_max(x: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^n that is ≥ x (an axis end a reader can read)."""
    if x <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(x))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= x * (1 - 1e-9):
            return step * power
    return 10 * power


def _ticks(top: float, n: int = 4) -> list[float]:
    return [top * i / n for i in range(n + 1)]


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _open_svg(chart_id: str, title: str, desc: str, height: float) -> list[str]:
    return [
        f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {_num(height)}" role="img" focusable="false" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def _marker(kind: str, square: bool, cx: float, cy: float) -> str:
    """A series' point marker centred on (cx, cy): a square for a comparison, a circle for the primary series."""
    if square:
        return (f'<rect class="chart-marker chart-marker-{kind}" x="{_num(cx - 4)}" y="{_num(cy - 4)}" '
                f'width="8" height="8"/>')
    return f'<circle class="chart-marker chart-marker-{kind}" cx="{_num(cx)}" cy="{_num(cy)}" r="4.5"/>'


def _labelled_line(kind: str, start: tuple[float, float], end: tuple[float, float], label: str,
                   label_at: tuple[float, float], anchor: str) -> list[str]:
    """A line across the plot with its text: ``kind`` "grid" (a tick's grid line and value), "target" (dashed) or
    "reference" (dotted)."""
    label_class = "chart-tick" if kind == "grid" else f"chart-{kind}-label"
    return [
        f'<line class="chart-{kind}" x1="{_num(start[0])}" y1="{_num(start[1])}" '
        f'x2="{_num(end[0])}" y2="{_num(end[1])}"/>',
        f'<text class="{label_class}" x="{_num(label_at[0])}" y="{_num(label_at[1])}" '
        f'text-anchor="{anchor}">{escape(label)}</text>',
    ]


@dataclass(frozen=True)
class Series:
    """One line: ``values`` per x position; None (missing or suppressed) leaves a gap, never a point."""

    name: str
    values: Sequence[float | None]
    comparison: bool = False  # drawn dashed with square markers


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    fmt: Callable[[float], str],
    *,
    target: float | None = None,
    target_label: str = "",
    ceiling: float | None = None,
) -> Markup:
    """A line chart over ``x_labels`` (months) from zero, with an optional dashed target line."""
    left, right, top, bottom = 68, 20, 48, 40
    height = 320
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    shown = [v for s in series for v in s.values if v is not None]
    top_value = max([*shown, target or 0.0, 0.0])
    y_max = nice_max(top_value * 1.05 if top_value else 1.0)
    if ceiling is not None:
        y_max = min(y_max, ceiling) if top_value <= ceiling else y_max
    n = max(len(x_labels), 1)
    step = plot_w / n

    def x(i: int) -> float:
        return left + step * (i + 0.5)

    def y(v: float) -> float:
        return top + plot_h * (1 - v / y_max)

    out = _open_svg(chart_id, title, desc, height)
    out.append('<g class="chart-axes">')
    for tick in _ticks(y_max):
        out += _labelled_line("grid", (left, y(tick)), (WIDTH - right, y(tick)), fmt(tick), (left - 8, y(tick) + 4),
                              "end")
    for i, label in enumerate(x_labels):
        out.append(f'<text class="chart-tick" x="{_num(x(i))}" y="{height - bottom + 20}" '
                   f'text-anchor="middle">{escape(label)}</text>')
    out.append(f'<line class="chart-axis" x1="{left}" y1="{_num(y(0))}" x2="{WIDTH - right}" y2="{_num(y(0))}"/>')
    out.append("</g>")
    if target is not None:
        out += _labelled_line("target", (left, y(target)), (WIDTH - right, y(target)), target_label,
                     (WIDTH - right, y(target) + 18), "end")
    for s in series:
        kind = "comparison" if s.comparison else "primary"
        segment: list[str] = []
        segments: list[list[str]] = []
        for i, v in enumerate(s.values):
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
            else:
                segment.append(f"{_num(x(i))},{_num(y(v))}")
        if segment:
            segments.append(segment)
        for seg in segments:
            if len(seg) > 1:
                out.append(f'<polyline class="chart-line chart-line-{kind}" points="{" ".join(seg)}"/>')
        for i, v in enumerate(s.values):
            if v is None:
                continue
            out.append(_marker(kind, s.comparison, x(i), y(v)))
    # legend, top left: a line sample with its marker, then the name
    lx = left
    for s in series:
        kind = "comparison" if s.comparison else "primary"
        out.append(f'<line class="chart-line chart-line-{kind}" x1="{lx}" y1="18" x2="{lx + 28}" y2="18"/>')
        out.append(_marker(kind, s.comparison, lx + 14, 18))
        out.append(f'<text class="chart-legend" x="{lx + 36}" y="23">{escape(s.name)}</text>')
        lx += 36 + int(len(s.name) * FONT * 0.6) + 28
    out.append("</svg>")
    return Markup("\n".join(out))  # noqa: S704  (every text above is escaped)


@dataclass(frozen=True)
class Bar:
    """One bar. ``value`` None: nothing is drawn; ``note`` says why (suppressed or missing)."""

    label: str
    value: float | None
    value_text: str = ""
    note: str = ""
    selected: bool = False


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    fmt: Callable[[float], str],
    *,
    target: float | None = None,
    target_label: str = "",
    reference: float | None = None,
    reference_label: str = "",
    selected_suffix: str = "",
) -> Markup:
    """Horizontal bars from zero, one row per group, with the target (dashed) and a reference (dotted)."""
    left, right, top, bottom, row = 168, 84, 40, 44, 30
    height = top + row * max(len(bars), 1) + bottom
    plot_w = WIDTH - left - right
    shown = [b.value for b in bars if b.value is not None]
    x_max = nice_max(max([*shown, target or 0.0, reference or 0.0, 0.0]) * 1.05 or 1.0)

    def x(v: float) -> float:
        return left + plot_w * v / x_max

    out = _open_svg(chart_id, title, desc, height)
    out.append('<g class="chart-axes">')
    for tick in _ticks(x_max):
        out += _labelled_line("grid", (x(tick), top - 6), (x(tick), height - bottom), fmt(tick),
                              (x(tick), height - bottom + 18), "middle")
    out.append("</g>")
    # the lines first, so that bars and their values are drawn over them (values have a white halo)
    if reference is not None:
        out += _labelled_line("reference", (x(reference), top - 6), (x(reference), height - bottom), reference_label,
                     (x(reference), height - 4), "middle")
    if target is not None:
        out += _labelled_line("target", (x(target), top - 14), (x(target), height - bottom), target_label,
                     (x(target), top - 18), "middle")
    for i, b in enumerate(bars):
        y0 = top + i * row
        label = b.label + (f" {selected_suffix}" if b.selected and selected_suffix else "")
        label_class = "chart-label chart-label-selected" if b.selected else "chart-label"
        out.append(f'<text class="{label_class}" x="{left - 8}" y="{y0 + 20}" text-anchor="end">'
                   f'{escape(label)}</text>')
        if b.value is None:
            out.append(f'<text class="chart-note" x="{left + 6}" y="{y0 + 20}">{escape(b.note)}</text>')
            continue
        bar_class = "chart-bar chart-bar-selected" if b.selected else "chart-bar"
        width = max(x(b.value) - left, 1.0)
        out.append(f'<rect class="{bar_class}" x="{left}" y="{y0 + 5}" width="{_num(width)}" height="{row - 10}"/>')
        out.append(f'<text class="chart-value" x="{_num(left + width + 6)}" y="{y0 + 20}">'
                   f'{escape(b.value_text)}</text>')
    out.append(f'<line class="chart-axis" x1="{left}" y1="{top - 6}" x2="{left}" y2="{height - bottom}"/>')
    out.append("</svg>")
    return Markup("\n".join(out))  # noqa: S704  (every text above is escaped)
