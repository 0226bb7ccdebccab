"""The report's charts as PNG images, for the Word version, drawn with Pillow from the very SVG the PDF shows.

reports/charts.py promises basic SVG only (``svg``, ``g``, ``rect``, ``line``, ``text``, ``title``, ``desc``, with
presentation attributes; an indicator's trend from indicators/charts.py adds ``polyline`` and ``circle``), so a
small painter for exactly that is enough: no Cairo, no browser, nothing but Pillow, which the portal already needs.
Anything outside that subset raises ValueError, so a new kind of shape in a chart fails loudly in the tests instead
of going missing from the Word file.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

from reports import charts

SVG = "{http://www.w3.org/2000/svg}"
SCALE = 2  # pixels per SVG unit: a 960-unit chart becomes 1,920 pixels wide, sharp when printed 16 cm wide
FONT_FILES = {
    False: ["liberation2/LiberationSans-Regular.ttf", "liberation/LiberationSans-Regular.ttf", "dejavu/DejaVuSans.ttf"],
    True: ["liberation2/LiberationSans-Bold.ttf", "liberation/LiberationSans-Bold.ttf", "dejavu/DejaVuSans-Bold.ttf"],
}
FONT_DIRS = [Path("/usr/share/fonts/truetype")]
ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}


def _parse(svg: str):
    # The SVG is reports/charts.py's own output, every caller text in it escaped: not untrusted XML.
    return ET.fromstring(str(svg))  # noqa: S314


def chart_text(svg: str) -> tuple[str, str]:
    """The chart's title and description: its accessible name and text alternative."""
    root = _parse(svg)
    return (root.findtext(f"{SVG}title") or "").strip(), (root.findtext(f"{SVG}desc") or "").strip()


def svg_to_png(svg: str) -> bytes:
    from PIL import Image, ImageDraw

    root = _parse(svg)
    _x, _y, width, height = (float(v) for v in root.get("viewBox", f"0 0 {charts.WIDTH} 100").split())
    image = Image.new("RGB", (round(width * SCALE), round(height * SCALE)), "#ffffff")
    draw = ImageDraw.Draw(image)
    _paint(draw, root, {"font-size": root.get("font-size", str(charts.BODY_FONT))})
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _paint(draw, element, inherited: dict) -> None:
    for child in element:
        tag = child.tag.removeprefix(SVG)
        attrs = {**inherited, **{k: v for k, v in child.attrib.items() if k in ("font-size", "font-weight", "fill")}}
        if tag in ("title", "desc"):
            continue
        if tag == "g":
            _paint(draw, child, attrs)
        elif tag == "rect":
            _rect(draw, child)
        elif tag == "line":
            xy = [float(child.get(name)) * SCALE for name in ("x1", "y1", "x2", "y2")]
            draw.line(xy, fill=child.get("stroke", "#000000"), width=_stroke(child))
        elif tag == "polyline":  # an indicator's trend (indicators/charts.py); a dashed line is drawn solid
            xy = [float(n) * SCALE for pair in child.get("points", "").split() for n in pair.split(",")]
            draw.line(xy, fill=child.get("stroke", "#000000"), width=_stroke(child), joint="curve")
        elif tag == "circle":
            cx, cy, r = (float(child.get(name, 0)) * SCALE for name in ("cx", "cy", "r"))
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=child.get("fill", "#000000"))
        elif tag == "text":
            size = float(attrs.get("font-size", charts.BODY_FONT)) * SCALE
            draw.text(
                (float(child.get("x", 0)) * SCALE, float(child.get("y", 0)) * SCALE),
                child.text or "",
                fill=attrs.get("fill", charts.TEXT),
                font=_font(round(size), attrs.get("font-weight") == "bold"),
                anchor=ANCHORS[child.get("text-anchor", "start")],
            )
        else:
            raise ValueError(f"The chart painter does not draw <{tag}>")


def _rect(draw, rect) -> None:
    x, y = float(rect.get("x", 0)) * SCALE, float(rect.get("y", 0)) * SCALE
    w, h = float(rect.get("width", 0)) * SCALE, float(rect.get("height", 0)) * SCALE
    if w <= 0 or h <= 0:
        return
    fill = rect.get("fill", "#000000")
    stroke = rect.get("stroke")
    draw.rectangle(
        [x, y, x + w, y + h],
        fill=None if fill == "none" else fill,
        outline=None if stroke in (None, "none") else stroke,
        width=_stroke(rect) if stroke not in (None, "none") else 0,
    )


def _stroke(element) -> int:
    return max(1, round(float(element.get("stroke-width", 1)) * SCALE))


@cache
def _font(size: int, bold: bool):
    from PIL import ImageFont

    for directory in FONT_DIRS:
        for name in FONT_FILES[bold]:
            if (directory / name).exists():
                return ImageFont.truetype(str(directory / name), size)
    return ImageFont.load_default(size)
