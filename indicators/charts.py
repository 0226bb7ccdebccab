"""An indicator's trend as inline SVG: the target line and the actuals, in the style of reports/charts.py.

Pure functions, no database. The same rules as the portal's other charts: one ``<svg role="img">`` labelled by its
``<title>`` and a ``<desc>`` text alternative built from the data; presentation attributes only (no ``style``,
no script), so it works under the strict CSP and in WeasyPrint; every caller text escaped. Colour is not the only
signal: the target is dashed, the actuals solid with a marker on each figure, and a table of the same data sits
beside the chart on every page that draws one.

Colours (contrast against white): actuals GOV.UK blue #1d70b8 5.17:1; target #0b0c0c 19:1; grid #b1b4b6 (decorative).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from indicators.status import Target
from indicators.units import format_target, format_value

ACTUAL = "#1d70b8"
TARGET = "#0b0c0c"
GRID = "#b1b4b6"
TEXT = "#0b0c0c"
FONT = "Arial, Helvetica, sans-serif"
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")

Point = tuple[str, Target | None, Decimal | None]  # (period label, target, reported value)


def describe_trend(points: Sequence[Point], *, unit: str, decimal_places: int) -> str:
    """The text alternative: every period's figure and target, in words."""
    if not any(value is not None or target is not None for _label, target, value in points):
        return "No figures or targets yet."
    parts = []
    for label, target, value in points:
        actual = format_value(value, unit, decimal_places) or "no figure"
        aim = format_target(target, unit, decimal_places) or "no target"
        parts.append(f"{label}: {actual}, target {aim}")
    return "; ".join(parts) + "."


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _el(tag: str, attrs: dict[str, object], content: str = "") -> str:
    parts = [tag]
    for name, value in attrs.items():
        shown = _num(value) if isinstance(value, float) else str(value)
        parts.append(f'{name.replace("_", "-")}="{escape(shown)}"')
    opening = " ".join(parts)
    return f"<{opening}>{content}</{tag}>" if content else f"<{opening}/>"


def _scale(points: Sequence[Point]) -> tuple[float, float]:
    numbers = [float(v) for _l, _t, v in points if v is not None]
    for _label, target, _value in points:
        if target is not None:
            numbers += [float(x) for x in (target.value, target.lower, target.upper) if x is not None]
    if not numbers:
        return 0.0, 1.0
    low, high = min(numbers), max(numbers)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.1
    return low - pad, high + pad


def _lines(xs, ys_list, *, colour: str, dashed: bool, width: float) -> list[str]:
    """Polylines through consecutive points that exist (a gap where a period has no figure)."""
    out, run = [], []
    for x, y in zip(xs, ys_list, strict=True):
        if y is None:
            run and out.append(run)
            run = []
        else:
            run.append((x, y))
    if run:
        out.append(run)
    attrs = {"fill": "none", "stroke": colour, "stroke_width": str(width)}
    if dashed:
        attrs["stroke_dasharray"] = "6 4"
    return [
        _el("polyline", {"points": " ".join(f"{_num(x)},{_num(y)}" for x, y in run), **attrs})
        for run in out
        if len(run) > 1
    ]


def trend_chart(
    points: Sequence[Point], *, title: str, chart_id: str, unit: str, decimal_places: int, small: bool = False
) -> SafeString:
    """The trend: the target (dashed; both bounds for a range) and the reported figures (solid, with markers).
    `small` draws the dashboard's sparkline: no axis text, the same title and text alternative."""
    if not _ID.match(chart_id):
        raise ValueError(f"chart_id must be a letter then letters, digits, '-' or '_', not {chart_id!r}")
    width, height = (160, 40) if small else (640, 240)
    left, right, top, bottom = (4, 4, 4, 4) if small else (80, 16, 16, 40)
    low, high = _scale(points)
    count = max(len(points), 1)
    step = (width - left - right) / max(count - 1, 1)
    xs = [left + i * step for i in range(len(points))]

    def y(value) -> float | None:
        if value is None:
            return None
        return top + (high - float(value)) / (high - low) * (height - top - bottom)

    body = [] if small else _axes(points, xs, low, high, y, width, height, left, bottom, unit, decimal_places)
    for part in ("value", "lower", "upper"):
        ys = [y(getattr(t, part)) if t is not None else None for _l, t, _v in points]
        body += _lines(xs, ys, colour=TARGET, dashed=True, width=1.5 if small else 2)
    actual_ys = [y(v) for _l, _t, v in points]
    body += _lines(xs, actual_ys, colour=ACTUAL, dashed=False, width=2 if small else 3)
    radius = 2.5 if small else 4
    body += [
        _el("circle", {"cx": float(x), "cy": float(cy), "r": str(radius), "fill": ACTUAL})
        for x, cy in zip(xs, actual_ys, strict=True)
        if cy is not None
    ]
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    attrs = {
        "xmlns": "http://www.w3.org/2000/svg",
        "class": "app-chart app-chart--sparkline" if small else "app-chart",
        "role": "img",
        "aria_labelledby": f"{title_id} {desc_id}",
        "viewBox": f"0 0 {width} {height}",
        "width": str(width) if small else "100%",
        "font_family": FONT,
        "font_size": "14",
    }
    desc = describe_trend(points, unit=unit, decimal_places=decimal_places)
    content = _el("title", {"id": title_id}, escape(title)) + _el("desc", {"id": desc_id}, escape(desc))
    # Every attribute value and text node went through escape(); nothing from the caller is trusted.
    return mark_safe(_el("svg", attrs, content + "".join(body)))  # noqa: S308


def _axes(points, xs, low, high, y, width, height, left, bottom, unit, places) -> list[str]:
    base = height - bottom
    parts = [
        _el("line", {"x1": float(left), "y1": float(base), "x2": float(width - 4), "y2": float(base), "stroke": GRID}),
        _el("line", {"x1": float(left), "y1": 8.0, "x2": float(left), "y2": float(base), "stroke": GRID}),
    ]
    for value in (low, (low + high) / 2, high):
        label = format_value(Decimal(str(round(value, places))), unit, places)
        parts.append(
            _el("text", {"x": float(left - 6), "y": float(y(value) + 5), "text_anchor": "end", "fill": TEXT},
                escape(label))
        )  # fmt: skip
    if points:
        parts.append(_el("text", {"x": float(xs[0]), "y": float(height - 12), "fill": TEXT}, escape(points[0][0])))
    if len(points) > 1:
        last = {"x": float(xs[-1]), "y": float(height - 12), "text_anchor": "end", "fill": TEXT}
        parts.append(_el("text", last, escape(points[-1][0])))
    return parts


def series_points(series) -> list[Point]:
    """The chart's points from indicators.selectors.indicator_series rows."""
    return [(row.period.label, row.target, row.value) for row in series]
