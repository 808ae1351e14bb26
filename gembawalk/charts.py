"""Charts drawn on the server as SVG: they work offline, print, and need no JavaScript.

Each chart is a <figure> holding an SVG with a title and a description (role="img"), and the
same numbers as a table, so a screen reader (or anyone) can read them exactly. Titles, axis
words and the table's headings come translated from the templates (or are marked here); every
number is written in the reader's language ("2.5"; "2,5").
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from babel import numbers as babel_numbers
from flask_babel import gettext as _
from markupsafe import Markup, escape

from .i18n import current_language

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 12, 28
_ids = itertools.count(1)


@dataclass
class Series:
    name: str
    values: Sequence[float]
    css: str  # a class from static/css/engagement.css: its colour


def figure(value: float | None) -> str:
    """A count or a target in the reader's language: whole where it is whole, else to one
    decimal ("4", "2.5", "1,234"; in Dutch "2,5", "1.234"); "–" for nothing."""
    if value is None:
        return "–"
    return babel_numbers.format_decimal(value, "#,##0.#", locale=current_language())


_fmt = figure


def _nice_max(value: float) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return step * 4
    return int(value) + 1


def _safe(html: str) -> Markup:
    # Every text put into these charts goes through escape(); the rest is our own markup.
    return Markup(html)  # noqa: S704  # nosec B704  (texts escaped above; the rest is ours)


def _axis_text(x: float, y: float, text: object, anchor: str = "end") -> str:
    return (
        f'<text class="axis" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{escape(text)}</text>'
    )


def _figure(svg: str, rest: str) -> Markup:
    return _safe(f'<figure class="chart-figure">{svg}{rest}</figure>')


def _frame(chart_id: str, title: str, desc: str, width: int, height: int, body: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" preserveAspectRatio="xMidYMid meet">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>{body}</svg>'
    )


def _table(caption: str, head: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    header = "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
    body = "".join(
        "<tr>"
        + f'<th scope="row">{escape(row[0])}</th>'
        + "".join(f'<td class="num">{escape(_cell(v))}</td>' for v in row[1:])
        + "</tr>"
        for row in rows
    )
    numbers = _("The numbers")
    return (
        f'<details class="chart-data"><summary>{escape(numbers)}</summary>'
        '<div class="table-wrap">'
        f"<table><caption>{escape(caption)}</caption><thead><tr>{header}</tr></thead>"
        f"<tbody>{body}</tbody></table></div></details>"
    )


def _cell(value: object) -> str:
    if isinstance(value, float | int):
        return _fmt(value)
    return "–" if value is None else str(value)


def _legend(series: Sequence[Series]) -> str:
    if len(series) < 2:
        return ""
    items = "".join(
        f'<li><span class="swatch {s.css}" aria-hidden="true"></span>{escape(s.name)}</li>'
        for s in series
    )
    return f'<ul class="chart-legend" aria-hidden="true">{items}</ul>'


def bar_chart(
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    stacked: bool = False,
    notes: Sequence[str] | None = None,
    extra_columns: Sequence[tuple[str, Sequence[object]]] = (),
    width: int = WIDTH,
    height: int = HEIGHT,
) -> Markup:
    """Vertical bars per label (weeks, usually): side by side, or stacked. `notes` are short
    texts drawn above each bar (a share, say); `extra_columns` go only into the table."""
    chart_id = f"chart{next(_ids)}"
    count = max(len(labels), 1)
    totals = [
        sum(s.values[i] for s in series)
        if stacked
        else max((s.values[i] for s in series), default=0)
        for i in range(len(labels))
    ]
    top = _nice_max(max(totals, default=0) or 1)
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    slot = plot_w / count
    parts = []
    for tick in range(5):
        value = top * tick / 4
        y = TOP + plot_h - plot_h * tick / 4
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{width - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            + _axis_text(LEFT - 4, y + 4, _fmt(value))
        )
    bar_w = slot * 0.7 / (1 if stacked else len(series))
    every = max(1, round(count / (8 if width >= WIDTH else 4)))
    base: float  # the top of the stack so far, lowered by each bar's height
    for i, label in enumerate(labels):
        x0, base = LEFT + slot * i + slot * 0.15, TOP + plot_h
        for n, s in enumerate(series):
            value = s.values[i]
            h = plot_h * value / top
            x = x0 if stacked else x0 + bar_w * n
            y = base - h
            if stacked:
                base -= h
            parts.append(
                f'<rect class="{s.css}" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}"><title>{escape(label)}: {escape(s.name)} {_fmt(value)}'
                "</title></rect>"
            )
        if notes and notes[i] and count <= 16:
            y = TOP + plot_h - plot_h * totals[i] / top - 3
            parts.append(
                f'<text class="note" x="{x0 + slot * 0.35:.1f}" y="{max(y, TOP + 8):.1f}" '
                f'text-anchor="middle">{escape(notes[i])}</text>'
            )
        if i % every == 0:
            parts.append(
                f'<text class="axis" x="{LEFT + slot * (i + 0.5):.1f}" y="{height - 8}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    head = ["", *(s.name for s in series), *(name for name, _ in extra_columns)]
    rows = [
        [label, *(s.values[i] for s in series), *(values[i] for _, values in extra_columns)]
        for i, label in enumerate(labels)
    ]
    svg = _frame(chart_id, title, desc, width, height, "".join(parts))
    return _figure(svg, _legend(series) + _table(title, head, rows))


def hbar_chart(
    title: str, desc: str, items: Sequence[tuple[str, float]], css: str, label_w: int = 130
) -> Markup:
    """Horizontal bars, one per item, largest first as given; `label_w` is the room for the
    labels (wider for long names, such as org units')."""
    chart_id = f"chart{next(_ids)}"
    row_h = 26
    height = max(row_h * len(items), row_h) + 8
    top = max((v for _, v in items), default=0) or 1
    parts = []
    for i, (label, value) in enumerate(items):
        y = 4 + i * row_h
        w = (WIDTH - label_w - 50) * value / top
        parts.append(
            _axis_text(label_w - 6, y + 17, label)
            + f'<rect class="{css}" x="{label_w}" y="{y + 4}" width="{w:.1f}" '
            f'height="{row_h - 8}"/>'
            f'<text class="value" x="{label_w + w + 6:.1f}" y="{y + 17}">{_fmt(value)}</text>'
        )
    svg = _frame(chart_id, title, desc, WIDTH, height, "".join(parts))
    return _figure(svg, _table(title, ["", _("Count")], [[label, value] for label, value in items]))


def heat_map(
    title: str,
    desc: str,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    values: Sequence[Sequence[int]],
) -> Markup:
    """A grid of rows (managers) by columns (weeks), darker where the count is higher."""
    chart_id = f"chart{next(_ids)}"
    label_w, head_h, cell_h = 150, 22, 22
    cols = max(len(column_labels), 1)
    cell_w = (WIDTH - label_w - 4) / cols
    height = head_h + cell_h * len(row_labels) + 4
    top = max((v for row in values for v in row), default=0) or 1
    every = max(1, round(cols / 8))
    parts = [
        f'<text class="axis" x="{label_w + cell_w * (j + 0.5):.1f}" y="{head_h - 7}" '
        f'text-anchor="middle">{escape(label)}</text>'
        for j, label in enumerate(column_labels)
        if j % every == 0
    ]
    for i, (label, row) in enumerate(zip(row_labels, values, strict=True)):
        y = head_h + i * cell_h
        short = label if len(label) <= 22 else label[:21] + "…"
        parts.append(_axis_text(label_w - 6, y + 15, short))
        for j, value in enumerate(row):
            level = 0 if not value else 1 + min(3, int(3 * value / top))
            parts.append(
                f'<rect class="heat heat-{level}" x="{label_w + cell_w * j + 1:.1f}" y="{y + 1}" '
                f'width="{cell_w - 2:.1f}" height="{cell_h - 2}"><title>{escape(label)}, '
                f"{escape(column_labels[j])}: {_fmt(value)}</title></rect>"
            )
    rows = [[label, *row] for label, row in zip(row_labels, values, strict=True)]
    svg = _frame(chart_id, title, desc, WIDTH, height, "".join(parts))
    return _figure(svg, _table(title, ["", *column_labels], rows))


def heat_level(value: int, top: int) -> int:
    """0 for nothing, then 1 to 4 as the count nears the largest one shown."""
    return 0 if not value else 1 + min(3, int(3 * value / (top or 1)))


def heat_table(
    caption: str,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    values: Sequence[Sequence[int]],
    label: str,
) -> Markup:
    """A heat map that is its own table of numbers: every cell shows its count, shaded by a
    CSS class (heat-cell-0 for none to heat-cell-4 for the most), so it reads without colour,
    without JavaScript and with a screen reader. It scrolls sideways on a phone."""
    top = max((v for row in values for v in row), default=0)
    header = "".join(f'<th scope="col">{escape(h)}</th>' for h in column_labels)
    body = "".join(
        f'<tr><th scope="row">{escape(name)}</th>'
        + "".join(
            f'<td class="heat-cell-{heat_level(value, top)}">{_fmt(value)}</td>' for value in row
        )
        + "</tr>"
        for name, row in zip(row_labels, values, strict=True)
    )
    return _safe(
        f'<div class="table-wrap" tabindex="0" role="region" aria-label="{escape(label)}">'
        f'<table class="heat-table"><caption>{escape(caption)}</caption>'
        f"<thead><tr><td></td>{header}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def meter(value: float | None, css: str = "bar-brand") -> Markup:
    """A small bar for a share (0 to 1, drawn up to 150%), to read a row at a glance."""
    shown = min(max(value or 0, 0), 1.5) / 1.5
    return _safe(
        '<svg class="meter" viewBox="0 0 100 10" aria-hidden="true" focusable="false">'
        '<rect class="meter-track" x="0" y="0" width="100" height="10" rx="3"/>'
        f'<rect class="{css}" x="0" y="0" width="{shown * 100:.1f}" height="10" rx="3"/>'
        '<line class="meter-goal" x1="66.7" x2="66.7" y1="0" y2="10"/></svg>'
    )
