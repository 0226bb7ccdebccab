"""Accessible charts drawn as inline SVG, for the board dashboard and the committee PDF.

Pure functions: no request, no database, no JavaScript, no chart library. Every chart is one ``<svg>`` element that
works in two places:

* inline in the dashboard HTML, under a strict Content-Security-Policy: no ``style`` attributes and no scripts, only
  SVG presentation attributes (``fill``, ``stroke``, ``font-size`` ...);
* inline in the committee PDF rendered by WeasyPrint: only basic SVG (``rect``, ``line``, ``text``, ``g``, ``title``,
  ``desc``), no ``tspan``, no CSS classes needed, no external fonts.

Accessibility:

* the root has ``role="img"`` and ``aria-labelledby`` pointing at its ``<title>`` (the caller's title) and ``<desc>``
  (a full text alternative built from the data, also available from the ``describe_*`` functions so a page can show
  it as a table caption or a details summary);
* colour is never the only signal: statuses are named next to their bars or in a legend, and values are written as
  text;
* every shape colour has at least 3:1 contrast against white (WCAG 2.2 AA non-text contrast, 1.4.11) or, for the
  light grey, an outline that has; text drawn on a coloured fill has at least 4.5:1 (1.4.3).

The SVG has no visible title: put the chart under a visible heading or in a ``<figure>`` with a ``<figcaption>``.

All caller text (titles, labels, ids) is escaped; the result is a ``SafeString`` so a template can use ``{{ chart }}``.
The same input always gives the same string.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from aims.rag import RAG_TABLE
from indicators import status as indicator_status

__all__ = [
    "RAG_ORDER",
    "ChartSpec",
    "describe_percent_bars",
    "describe_rag",
    "describe_trend",
    "percent_bars",
    "progress_chart_specs",
    "progress_charts",
    "rag_bar",
    "trend_stacked",
]

# (key, label, fill colour) of each status, in the order every chart and legend uses: the RAG table
# (aims/rag.py), where the colours' contrast ratios are worked out.
RAG_ORDER: list[tuple[str, str, str]] = [(status.key, status.label, status.colour) for status in RAG_TABLE]

_RAG_KEYS = [key for key, _label, _colour in RAG_ORDER]
_RAG_LABELS = {key: label for key, label, _colour in RAG_ORDER}
_RAG_FILL = {key: colour for key, _label, colour in RAG_ORDER}
# Outline that carries the 3:1 non-text contrast where the fill alone does not.
_RAG_OUTLINE = {status.key: status.outline for status in RAG_TABLE if status.outline}
# Text written on a segment of that colour: white on the dark fills, near-black on the light ones.
_RAG_TEXT = {status.key: status.text_colour for status in RAG_TABLE}

FONT_FAMILY = "Arial, Liberation Sans, Helvetica, sans-serif"
TEXT = "#0b0c0c"  # GOV.UK text colour, 19.8:1 on white
SECONDARY_TEXT = "#505a5f"  # GOV.UK secondary text, 7.07:1 on white
GRID = "#b1b4b6"  # light grid lines: decoration only, the values are written as text
AXIS = "#505a5f"
BAR = "#1d70b8"  # GOV.UK blue, 5.17:1 on white
NO_DATA = "No data"
# Every chart is drawn 960 units wide, the GOV.UK page width, and scales to its container (width="100%"), so text is
# the same size in every chart on a page: 19 (GOV.UK body) and 16 (small) on a 960px dashboard, about 10pt and 8.5pt
# across an A4 page.
WIDTH = 960
BODY_FONT = 19
SMALL_FONT = 16

_CHART_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
# Characters XML 1.0 does not allow, even escaped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --------------------------------------------------------------------------------------------------------------------
# Descriptions (plain text; templates escape them, the charts escape them)
# --------------------------------------------------------------------------------------------------------------------


def describe_rag(counts: Mapping[str, int]) -> str:
    """Text alternative for a status breakdown, e.g. "Red 3, Amber 5, ... No update 2. 27 deliverables in all."."""
    clean = _clean_counts(counts)
    total = sum(clean.values())
    if not total:
        return f"{NO_DATA}: no deliverables."
    parts = ", ".join(f"{_RAG_LABELS[key]} {clean[key]:,}" for key in _RAG_KEYS)
    return f"{parts}. {_deliverables(total)} in all."


def describe_percent_bars(rows: Sequence[tuple[str, float]]) -> str:
    """Text alternative for percent-complete bars, e.g. "Digital council 62%, Smarter services 40%."."""
    clean = _clean_rows(rows)
    if not clean:
        return f"{NO_DATA}."
    return ", ".join(f"{label} {_percent(value)}" for label, value in clean) + "."


def describe_trend(periods: Sequence[tuple[str, Mapping[str, int]]]) -> str:
    """Text alternative for the trend chart: one sentence per period, oldest first."""
    clean = _clean_periods(periods)
    if not any(sum(counts.values()) for _label, counts in clean):
        return f"{NO_DATA}."
    sentences = []
    for label, counts in clean:
        total = sum(counts.values())
        if total:
            parts = ", ".join(f"{_RAG_LABELS[key]} {counts[key]:,}" for key in _RAG_KEYS)
            sentences.append(f"{label}: {parts}; {_deliverables(total)} in all.")
        else:
            sentences.append(f"{label}: no deliverables.")
    return " ".join(sentences)


# --------------------------------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------------------------------


def rag_bar(counts: dict[str, int], *, title: str, chart_id: str) -> SafeString:
    """Horizontal bar chart of deliverables by status: one bar per status, in ``RAG_ORDER``.

    Each row has the status name at the left and the count as text after the bar, so the chart reads without colour;
    the total is written under the bars. ``counts`` maps status keys from ``RAG_ORDER`` to counts; missing keys count
    as 0; an unknown key or a negative count raises ``ValueError``. All zeros draws a "No data" chart.
    """
    clean = _clean_counts(counts)
    desc = describe_rag(clean)
    total = sum(clean.values())
    if not total:
        return _no_data(title=title, chart_id=chart_id, desc=desc)

    font = BODY_FONT
    # The names sit left of the bars: as wide as the longest ("Awaiting review"), with a gap.
    plot_x = round(max(_text_width(_RAG_LABELS[key], font) for key in _RAG_KEYS) + 16)
    plot_w = WIDTH - plot_x - 64  # room after the longest bar for a three-digit count
    top, row_h, bar_h = 4, 44, 30
    biggest = max(clean.values())
    body = []
    for i, key in enumerate(_RAG_KEYS):
        count = clean[key]
        cy = top + i * row_h + row_h / 2
        bar_w = plot_w * count / biggest
        row = [_text(0, cy + font * 0.35, _RAG_LABELS[key], font_size=font)]
        if count:
            row.append(_segment(key, plot_x, cy - bar_h / 2, bar_w, bar_h))
        row.append(_text(plot_x + bar_w + 8, cy + font * 0.35, f"{count:,}", font_size=font, font_weight="bold"))
        body.append(_el("g", {}, _el("title", {}, escape(f"{_RAG_LABELS[key]}: {count:,}")) + "".join(row)))
    rows_bottom = top + len(_RAG_KEYS) * row_h
    body.append(_line(plot_x, top, plot_x, rows_bottom, stroke=AXIS))
    body.append(_text(0, rows_bottom + 30, f"{_deliverables(total)} in all", font_size=font))
    return _svg(title=title, chart_id=chart_id, desc=desc, height=rows_bottom + 40, body=body)


def percent_bars(rows: list[tuple[str, float]], *, title: str, chart_id: str, max_value: float = 100) -> SafeString:
    """Horizontal bars of percent complete, one per ``(label, percent)`` row, in the order given.

    The label is at the left, wrapped onto at most two lines of about 40 characters and cut with an ellipsis after
    that (the full label is in the bar's ``<title>`` and in the description). The value is written after the bar
    ("62%"). A light axis runs from 0 to ``max_value`` in quarters. Values outside 0 to ``max_value`` are drawn
    clipped to the axis but written as given. No rows draws a "No data" chart.
    """
    if isinstance(max_value, bool) or not isinstance(max_value, int | float | Decimal) or not max_value > 0:
        raise ValueError(f"max_value must be a positive number, not {max_value!r}")
    max_value = float(max_value)
    if not math.isfinite(max_value):
        raise ValueError(f"max_value must be finite, not {max_value!r}")
    clean = _clean_rows(rows)
    desc = describe_percent_bars(clean)
    if not clean:
        return _no_data(title=title, chart_id=chart_id, desc=desc)

    font, line_h = BODY_FONT, 23
    label_w = 392  # about 40 characters at 19
    plot_x = label_w + 24
    plot_w = WIDTH - plot_x - 80  # room for "100%" after a full bar
    top, row_h, bar_h = 4, 60, 32
    rows_bottom = top + len(clean) * row_h
    body = []
    for step in range(5):
        x = plot_x + plot_w * step / 4
        body.append(_line(x, top, x, rows_bottom, stroke=AXIS if step == 0 else GRID))
        tick = _tick_percent(max_value * step / 4)
        body.append(_text(x, rows_bottom + 22, tick, font_size=SMALL_FONT, fill=SECONDARY_TEXT, text_anchor="middle"))
    for i, (label, value) in enumerate(clean):
        cy = top + i * row_h + row_h / 2
        lines = _wrap(label, label_w, font, max_lines=2)
        first_baseline = cy + font * 0.35 - (len(lines) - 1) * line_h / 2
        row = [_text(0, first_baseline + n * line_h, line, font_size=font) for n, line in enumerate(lines)]
        bar_w = plot_w * min(max(value, 0), max_value) / max_value
        if bar_w > 0:
            row.append(_rect(plot_x, cy - bar_h / 2, bar_w, bar_h, fill=BAR))
        value_text = _text(plot_x + bar_w + 8, cy + font * 0.35, _percent(value), font_size=font, font_weight="bold")
        row.append(value_text)
        body.append(_el("g", {}, _el("title", {}, escape(f"{label}: {_percent(value)}")) + "".join(row)))
    return _svg(title=title, chart_id=chart_id, desc=desc, height=rows_bottom + 32, body=body)


def trend_stacked(periods: list[tuple[str, dict[str, int]]], *, title: str, chart_id: str) -> SafeString:
    """Vertical stacked columns of deliverables by status, one column per reporting period, oldest first.

    Segments stack from the bottom in ``RAG_ORDER`` (red on the baseline) with the same colours as ``rag_bar``; a
    legend names them, each column's total is written above it, and a segment's count is written inside it when it
    fits. Period labels are wrapped under the columns, never rotated: in full on up to three lines while they fit,
    then with months shortened ("Apr to Sep 2026"); the full label stays in the column's ``<title>`` and the
    description. The plot widens by 120 units a period from 480 up to the full width, then the columns narrow; 1 to
    16 periods read well. No periods, or only empty ones, draws a "No data" chart.
    """
    clean = _clean_periods(periods)
    desc = describe_trend(clean)
    totals = [sum(counts.values()) for _label, counts in clean]
    if not any(totals):
        return _no_data(title=title, chart_id=chart_id, desc=desc)

    n = len(clean)
    plot_x, right = 36, 4
    plot_w = min(WIDTH - plot_x - right, max(480, n * 120))
    slot = plot_w / n
    col_w = min(80, slot * 0.6)

    body, legend_bottom = _legend()
    label_font, wrapped = _period_labels([label for label, _counts in clean], slot - 6)
    label_line_h = label_font + 3
    label_lines = max(len(lines) for lines in wrapped)

    plot_top = legend_bottom + 28  # room for the total above the tallest column
    plot_h = 280
    base = plot_top + plot_h
    step, top_value = _nice_scale(max(totals))
    body += _count_axis(plot_x, plot_w, base, plot_h, step, top_value)

    for i, ((label, counts), total, lines) in enumerate(zip(clean, totals, wrapped, strict=True)):
        cx = plot_x + slot * (i + 0.5)
        column = _stacked_column(counts, total, cx=cx, col_w=col_w, base=base, plot_h=plot_h, top_value=top_value)
        for n_line, line in enumerate(lines):
            ly = base + label_font + 8 + n_line * label_line_h
            column.append(_text(cx, ly, line, font_size=label_font, text_anchor="middle"))
        period_desc = describe_trend([(label, counts)])
        body.append(_el("g", {}, _el("title", {}, escape(period_desc)) + "".join(column)))

    height = base + label_font + 8 + (label_lines - 1) * label_line_h + 8
    return _svg(title=title, chart_id=chart_id, desc=desc, height=height, body=body)


def _legend() -> tuple[list[str], float]:
    """The statuses' swatches and names, in stacking order, flowed onto as many rows as they need; and its bottom."""
    body = []
    legend_font, swatch, legend_row_h = SMALL_FONT, 16, 26
    x, y = 0.0, 4.0
    for key in _RAG_KEYS:
        item_w = swatch + 8 + _text_width(_RAG_LABELS[key], legend_font)
        if x > 0 and x + item_w > WIDTH:
            x, y = 0.0, y + legend_row_h
        body.append(
            _segment(key, x, y, swatch, swatch)
            + _text(x + swatch + 8, y + swatch / 2 + legend_font * 0.35, _RAG_LABELS[key], font_size=legend_font)
        )
        x += item_w + 28
    return body, y + legend_row_h


def _count_axis(plot_x: float, plot_w: float, base: float, plot_h: float, step: int, top_value: int) -> list[str]:
    """Grid lines across the plot at every ``step`` up to ``top_value``, each with its count at the left."""
    body = []
    for tick in range(0, top_value + 1, step):
        ty = base - plot_h * tick / top_value
        body.append(_line(plot_x, ty, plot_x + plot_w, ty, stroke=AXIS if tick == 0 else GRID))
        body.append(
            _text(
                plot_x - 6,
                ty + SMALL_FONT * 0.35,
                str(tick),
                font_size=SMALL_FONT,
                fill=SECONDARY_TEXT,
                text_anchor="end",
            )
        )
    return body


def _stacked_column(
    counts: dict[str, int], total: int, *, cx: float, col_w: float, base: float, plot_h: float, top_value: int
) -> list[str]:
    """One period's segments from the baseline up, each count inside its segment when it fits, the total on top."""
    column = []
    y_cursor = float(base)
    for key in _RAG_KEYS:
        count = counts[key]
        if not count:
            continue
        seg_h = plot_h * count / top_value
        y_cursor -= seg_h
        column.append(_segment(key, cx - col_w / 2, y_cursor, col_w, seg_h))
        if seg_h >= SMALL_FONT + 4 and _text_width(str(count), SMALL_FONT) + 8 <= col_w:
            column.append(
                _text(
                    cx,
                    y_cursor + seg_h / 2 + SMALL_FONT * 0.35,
                    str(count),
                    font_size=SMALL_FONT,
                    fill=_RAG_TEXT[key],
                    text_anchor="middle",
                )
            )
    column.append(_text(cx, y_cursor - 7, str(total), font_size=SMALL_FONT, font_weight="bold", text_anchor="middle"))
    return column


# --------------------------------------------------------------------------------------------------------------------
# The charts of a progress read-out, specified once for the dashboard and the committee report
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartSpec:
    """One chart: how it is drawn, what it is called (its accessible name), its id, and the data it shows."""

    key: str
    draw: Callable[..., SafeString]
    title: str
    chart_id: str
    data: object

    def svg(self) -> SafeString:
        return self.draw(self.data, title=self.title, chart_id=self.chart_id)


def progress_chart_specs(
    *,
    period_label: str,
    aim_label: str,
    counts: Mapping[str, int],
    aims: Sequence[tuple[str, float]],
    trend: Sequence[tuple[str, Mapping[str, int]]],
) -> list[ChartSpec]:
    """The board dashboard's and the committee report's charts, in page order: deliverables by RAG status
    (``counts``), percent complete by aim (``aims``: (title, percent)) and the trend across periods (``trend``:
    (period label, counts)). ``aim_label`` is the strategy's word for an aim."""
    return [
        ChartSpec("summary", rag_bar, f"Deliverables by RAG status, {period_label}", "chart-summary", counts),
        ChartSpec("aims", percent_bars, f"Percent complete by {aim_label.lower()}, {period_label}", "chart-aims", aims),
        ChartSpec("trend", trend_stacked, "RAG status across reporting periods", "chart-trend", trend),
    ]


def progress_charts(**data) -> dict[str, SafeString]:
    """The charts of ``progress_chart_specs(**data)`` drawn, by key, for a template's ``{{ charts.summary }}``."""
    return {spec.key: spec.svg() for spec in progress_chart_specs(**data)}


# --------------------------------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------------------------------


def _clean_text(value: object) -> str:
    """Caller text as a single clean line: XML-invalid characters dropped, whitespace collapsed."""
    return " ".join(_XML_INVALID.sub("", str(value)).split())


def _clean_counts(counts: Mapping[str, int]) -> dict[str, int]:
    unknown = sorted(set(counts) - set(_RAG_KEYS), key=str)
    if unknown:
        raise ValueError(f"unknown status keys {unknown!r}; expected some of {_RAG_KEYS!r}")
    clean = {}
    for key in _RAG_KEYS:
        value = counts.get(key, 0) or 0
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"count for {key!r} must be a whole number 0 or more, not {value!r}")
        clean[key] = value
    return clean


def _clean_rows(rows: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
    clean = []
    for label, value in rows:
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal) or not math.isfinite(value):
            raise ValueError(f"value for {label!r} must be a finite number, not {value!r}")
        clean.append((_clean_text(label), float(value)))
    return clean


def _clean_periods(periods: Sequence[tuple[str, Mapping[str, int]]]) -> list[tuple[str, dict[str, int]]]:
    return [(_clean_text(label), _clean_counts(counts)) for label, counts in periods]


# --------------------------------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------------------------------


def _deliverables(count: int) -> str:
    return f"{count} deliverable" if count == 1 else f"{count:,} deliverables"


def _percent(value: float) -> str:
    """Whole percent, halves rounded up (62.5 -> "63%"), so the text does not depend on float rounding quirks."""
    rounded = Decimal(repr(float(value))).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{int(rounded)}%"


def _tick_percent(value: float) -> str:
    """Axis tick: whole numbers as they are, others to one decimal place ("12.5%")."""
    return f"{_num(round(value, 1))}%"


# Advance widths of ASCII 32..126 in Liberation Sans Regular (metric-compatible with Arial), in 1/1000 em.
_WIDTHS = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
    556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
    260, 334, 584,
)  # fmt: skip
_MONTHS = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b")


def _text_width(text: str, font_size: float) -> float:
    """Width of ``text`` in Arial / Liberation Sans, plus 4% for bold and for Helvetica; other characters 0.6 em
    (1 em for wide scripts)."""
    units = 0
    for char in text:
        code = ord(char)
        if 32 <= code <= 126:
            units += _WIDTHS[code - 32]
        else:
            units += 1000 if code >= 0x2E80 else 600
    return units * font_size * 1.04 / 1000


def _wrap(text: str, max_width: float, font_size: float, *, max_lines: int | None = None) -> list[str]:
    """Greedy wrap at spaces by width; a word wider than a line is split; past ``max_lines`` cut with an ellipsis."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while _text_width(word, font_size) > max_width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and _text_width(word[:cut], font_size) > max_width:
                cut -= 1
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{current} {word}" if current else word
        if current and _text_width(candidate, font_size) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current or not lines:
        lines.append(current)
    if max_lines is not None and len(lines) > max_lines:
        last = " ".join(lines[max_lines - 1 :])
        while last and _text_width(last + "…", font_size) > max_width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return lines


def _fits(text: str, max_width: float, font_size: float) -> bool:
    return all(_text_width(word, font_size) <= max_width for word in text.split())


def _period_labels(labels: list[str], max_width: float) -> tuple[int, list[list[str]]]:
    """(font size, wrapped lines per label) for the column labels: the first way that fits, most readable first.

    In full on two lines, in full on three, with months shortened on two, then three, then smaller; words are only
    split as a last resort.
    """
    short = [_MONTHS.sub(lambda match: match.group(1)[:3], label) for label in labels]
    tries = [(labels, 2, 14), (labels, 3, 14), (short, 2, 12), (short, 3, 12), (short, 4, 10)]
    for texts, max_lines, smallest in tries:
        for font in range(SMALL_FONT, smallest - 1, -1):
            if all(_fits(text, max_width, font) for text in texts):
                wrapped = [_wrap(text, max_width, font) for text in texts]
                if all(len(lines) <= max_lines for lines in wrapped):
                    return font, wrapped
    return 10, [_wrap(text, max_width, 10) for text in short]


def _nice_scale(biggest: int) -> tuple[int, int]:
    """(tick step, axis top) for counts up to ``biggest``: steps of 1, 2 or 5 x 10^n, at most 5 steps."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if math.ceil(biggest / step) <= 5:
                return step, max(step, math.ceil(biggest / step) * step)
        magnitude *= 10


# --------------------------------------------------------------------------------------------------------------------
# SVG building: every attribute value and every piece of text goes through escape()
# --------------------------------------------------------------------------------------------------------------------


def _num(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros, so output is stable and compact."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _el(tag: str, attrs: dict[str, object], content: str = "") -> str:
    """An element; ``content`` must already be escaped markup. Underscores in attribute names become hyphens."""
    parts = [tag]
    for name, value in attrs.items():
        if value is None:
            continue
        shown = _num(value) if isinstance(value, float) else str(value)
        parts.append(f'{name.replace("_", "-")}="{escape(shown)}"')
    opening = " ".join(parts)
    return f"<{opening}>{content}</{tag}>" if content else f"<{opening}/>"


def _text(x: float, y: float, text: str, **attrs: object) -> str:
    attrs.setdefault("fill", TEXT)
    return _el("text", {"x": float(x), "y": float(y), **attrs}, escape(text))


def _rect(x: float, y: float, w: float, h: float, **attrs: object) -> str:
    return _el("rect", {"x": float(x), "y": float(y), "width": float(w), "height": float(h), **attrs})


def _line(x1: float, y1: float, x2: float, y2: float, *, stroke: str) -> str:
    return _el(
        "line",
        {"x1": float(x1), "y1": float(y1), "x2": float(x2), "y2": float(y2), "stroke": stroke, "stroke_width": "1"},
    )


def _segment(key: str, x: float, y: float, w: float, h: float) -> str:
    """A status-coloured rectangle; light fills get their contrasting outline, dark ones a thin white separator."""
    outline = _RAG_OUTLINE.get(key)
    if outline:
        # Inset by half the stroke so the outline sits inside the segment's area.
        return _rect(
            x + 0.5, y + 0.5, max(w - 1, 0), max(h - 1, 0), fill=_RAG_FILL[key], stroke=outline, stroke_width="1"
        )
    return _rect(x, y, w, h, fill=_RAG_FILL[key], stroke="#ffffff", stroke_width="1")


def _svg(*, title: str, chart_id: str, desc: str, height: float, body: list[str]) -> SafeString:
    if not isinstance(chart_id, str) or not _CHART_ID.match(chart_id):
        raise ValueError(f"chart_id must be a letter then letters, digits, '-' or '_', not {chart_id!r}")
    title = _clean_text(title)
    if not title:
        raise ValueError("every chart needs a title: it is its accessible name")
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    attrs = {
        "xmlns": "http://www.w3.org/2000/svg",
        "class": "app-chart",
        "role": "img",
        "aria_labelledby": f"{title_id} {desc_id}",
        "viewBox": f"0 0 {WIDTH} {math.ceil(height)}",
        "width": "100%",
        "font_family": FONT_FAMILY,
        "font_size": str(BODY_FONT),
    }
    content = _el("title", {"id": title_id}, escape(title)) + _el("desc", {"id": desc_id}, escape(desc)) + "".join(body)
    # Every attribute value and text node above went through escape(); nothing from the caller is trusted.
    return mark_safe(_el("svg", attrs, content))  # noqa: S308


def _no_data(*, title: str, chart_id: str, desc: str) -> SafeString:
    body = [
        _rect(0.5, 0.5, WIDTH - 1, 95, fill="#ffffff", stroke=GRID, stroke_width="1"),
        _text(
            WIDTH / 2, 48 + BODY_FONT * 0.35, NO_DATA, font_size=BODY_FONT, fill=SECONDARY_TEXT, text_anchor="middle"
        ),
    ]
    return _svg(title=title, chart_id=chart_id, desc=desc, height=96, body=body)


# --------------------------------------------------------------------------------------------------------------------
# Performance indicators
# --------------------------------------------------------------------------------------------------------------------


def describe_indicator_statuses(counts: Mapping[str, int]) -> str:
    """ "Red: 1, Amber: 2, Green: 3, No data: 0, No target: 0. 6 indicators in all." """
    parts = [f"{s.label}: {int(counts.get(s.key, 0) or 0):,}" for s in indicator_status.STATUS_TABLE]
    total = sum(int(counts.get(s.key, 0) or 0) for s in indicator_status.STATUS_TABLE)
    return ", ".join(parts) + f". {total:,} indicator{'' if total == 1 else 's'} in all."


def indicator_status_bar(counts: Mapping[str, int], *, title: str, chart_id: str) -> SafeString:
    """Horizontal bars of performance indicators by status (indicators/status.py's order and colours), drawn like
    ``rag_bar``: the status named at the left and the count written after each bar, every bar outlined (3:1)."""
    table = indicator_status.STATUS_TABLE
    clean = {s.key: max(int(counts.get(s.key, 0) or 0), 0) for s in table}
    desc = describe_indicator_statuses(clean)
    total = sum(clean.values())
    if not total:
        return _no_data(title=title, chart_id=chart_id, desc=desc)
    font = BODY_FONT
    plot_x = round(max(_text_width(s.label, font) for s in table) + 16)
    plot_w = WIDTH - plot_x - 64
    top, row_h, bar_h = 4, 44, 30
    biggest = max(clean.values())
    body = []
    for i, s in enumerate(table):
        count = clean[s.key]
        cy = top + i * row_h + row_h / 2
        bar_w = plot_w * count / biggest
        row = [_text(0, cy + font * 0.35, s.label, font_size=font)]
        if count:
            row.append(_rect(plot_x + 0.5, cy - bar_h / 2 + 0.5, max(bar_w - 1, 0), bar_h - 1, fill=s.colour,
                             stroke=AXIS, stroke_width="1"))  # fmt: skip
        row.append(_text(plot_x + bar_w + 8, cy + font * 0.35, f"{count:,}", font_size=font, font_weight="bold"))
        body.append(_el("g", {}, _el("title", {}, escape(f"{s.label}: {count:,}")) + "".join(row)))
    rows_bottom = top + len(table) * row_h
    body.append(_line(plot_x, top, plot_x, rows_bottom, stroke=AXIS))
    body.append(_text(0, rows_bottom + 30, f"{total:,} indicator{'' if total == 1 else 's'} in all", font_size=font))
    return _svg(title=title, chart_id=chart_id, desc=desc, height=rows_bottom + 40, body=body)
