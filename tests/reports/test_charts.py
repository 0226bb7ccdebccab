"""The inline SVG charts: well-formed, accessible, escaped, deterministic, CSP-safe and drawn to scale."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils.safestring import SafeString

from reports import charts
from reports.charts import (
    RAG_ORDER,
    describe_percent_bars,
    describe_rag,
    describe_trend,
    percent_bars,
    rag_bar,
    trend_stacked,
)

NS = "{http://www.w3.org/2000/svg}"
XSS = "<script>alert(1)</script>"
COUNTS = {"red": 3, "amber": 6, "green": 14, "complete": 4, "not_started": 2, "awaiting_review": 1, "no_update": 5}
AIMS = [
    ("Digital council: services designed around residents' needs", 62),
    ("Data and insight used to make better decisions", 40),
    ("Modern, secure and reliable technology for staff", 85),
    ("Skills and digital inclusion for everyone", 0),
]
ALLOWED_ELEMENTS = {"svg", "g", "rect", "line", "text", "title", "desc"}


def six_monthly(count):
    periods = []
    for i in range(count):
        year = 2019 + i // 2
        label = f"April to September {year}" if i % 2 == 0 else f"October {year} to March {year + 1}"
        periods.append((label, {"red": i % 4, "amber": 2 + i % 3, "green": 6 + i, "complete": i // 2, "no_update": 1}))
    return periods


def every_chart():
    """(name, output) for each chart with data and each chart with none."""
    return [
        ("rag", rag_bar(COUNTS, title="Deliverables by status", chart_id="rag")),
        ("percent", percent_bars(AIMS, title="Percent complete by aim", chart_id="aims")),
        ("trend", trend_stacked(six_monthly(8), title="Status by period", chart_id="trend")),
        ("trend-1", trend_stacked(six_monthly(1), title="Status by period", chart_id="trend1")),
        ("trend-16", trend_stacked(six_monthly(16), title="Status by period", chart_id="trend16")),
        ("rag-empty", rag_bar({}, title="Deliverables by status", chart_id="rag-empty")),
        ("percent-empty", percent_bars([], title="Percent complete by aim", chart_id="aims-empty")),
        ("trend-empty", trend_stacked([], title="Status by period", chart_id="trend-empty")),
    ]


def parse(svg):
    return ET.fromstring(str(svg))  # noqa: S314 - our own output, parsed to prove it is well-formed


def texts(root):
    return [element.text or "" for element in root.iter(f"{NS}text")]


def groups(root):
    """The row or column groups: each <g> directly under the root, with its <title> text."""
    return {group.find(f"{NS}title").text: group for group in root.findall(f"{NS}g")}


def bar_width(group):
    rects = group.findall(f"{NS}rect")
    return float(rects[0].get("width")) if rects else 0.0


def contrast(first, second):
    def luminance(colour):
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lighter, darker = sorted([luminance(first), luminance(second)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# --- Structure and accessibility --------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "svg"), every_chart())
def test_every_chart_is_well_formed_accessible_svg(name, svg):
    root = parse(svg)
    chart_id = root.find(f"{NS}title").get("id").removesuffix("-title")
    assert isinstance(svg, SafeString)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("class") == "app-chart"
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 960 \d+", root.get("viewBox"))
    assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    title, desc = list(root)[:2]
    assert (title.tag, title.get("id")) == (f"{NS}title", f"{chart_id}-title")
    assert (desc.tag, desc.get("id")) == (f"{NS}desc", f"{chart_id}-desc")
    assert title.text and desc.text
    assert root.get("font-family") == "Arial, Liberation Sans, Helvetica, sans-serif"


@pytest.mark.parametrize(("name", "svg"), every_chart())
def test_no_inline_style_script_or_exotic_elements(name, svg):
    assert "style=" not in svg
    assert "<script" not in svg
    assert "<style" not in svg
    assert "href" not in svg
    assert {element.tag.removeprefix(NS) for element in parse(svg).iter()} <= ALLOWED_ELEMENTS


@pytest.mark.parametrize(("name", "svg"), every_chart())
def test_same_input_same_output(name, svg):
    again = dict(every_chart())[name]
    assert again == svg


def test_key_order_of_the_counts_does_not_matter():
    backwards = dict(reversed(list(COUNTS.items())))
    assert rag_bar(backwards, title="T", chart_id="c") == rag_bar(COUNTS, title="T", chart_id="c")


def test_rag_order_is_the_fixed_order_labels_and_colours():
    assert [key for key, _label, _colour in RAG_ORDER] == [
        "red",
        "amber",
        "green",
        "complete",
        "not_started",
        "awaiting_review",
        "no_update",
    ]
    assert [label for _key, label, _colour in RAG_ORDER] == [
        "Red",
        "Amber",
        "Green",
        "Complete",
        "Not started",
        "Awaiting review",
        "No update",
    ]


@pytest.mark.parametrize(("key", "label", "colour"), RAG_ORDER)
def test_status_shapes_meet_3_to_1_and_their_text_4_5_to_1(key, label, colour):
    outline = charts._RAG_OUTLINE.get(key)
    assert contrast(colour, "#ffffff") >= 3 or (outline and contrast(outline, "#ffffff") >= 3)
    assert contrast(charts._RAG_TEXT[key], colour) >= 4.5


def test_light_grey_is_drawn_with_its_outline_everywhere():
    for svg in (rag_bar(COUNTS, title="T", chart_id="c"), trend_stacked(six_monthly(3), title="T", chart_id="c")):
        grey = [rect for rect in parse(svg).iter(f"{NS}rect") if rect.get("fill") == "#b1b4b6"]
        assert grey
        assert all(rect.get("stroke") == "#505a5f" for rect in grey)


# --- Text alternatives --------------------------------------------------------------------------------------------


def test_rag_description_names_every_status_with_its_count_and_the_total():
    svg = rag_bar(COUNTS, title="Deliverables by status", chart_id="rag")
    desc = parse(svg).find(f"{NS}desc").text
    expected = (
        "Red 3, Amber 6, Green 14, Complete 4, Not started 2, Awaiting review 1, No update 5. 35 deliverables in all."
    )
    assert desc == expected == describe_rag(COUNTS)


def test_rag_bar_names_each_status_beside_its_count():
    root = parse(rag_bar(COUNTS, title="T", chart_id="c"))
    rows = groups(root)
    for key, label, _colour in RAG_ORDER:
        row = rows[f"{label}: {COUNTS[key]}"]
        assert [text.text for text in row.iter(f"{NS}text")] == [label, str(COUNTS[key])]
    assert "35 deliverables in all" in texts(root)


def test_missing_statuses_count_as_zero_and_one_is_singular():
    assert describe_rag({"green": 1}) == (
        "Red 0, Amber 0, Green 1, Complete 0, Not started 0, Awaiting review 0, No update 0. 1 deliverable in all."
    )


def test_percent_description_lists_each_row_in_order():
    svg = percent_bars(AIMS, title="T", chart_id="c")
    desc = parse(svg).find(f"{NS}desc").text
    assert desc == describe_percent_bars(AIMS)
    assert desc == (
        "Digital council: services designed around residents' needs 62%, "
        "Data and insight used to make better decisions 40%, "
        "Modern, secure and reliable technology for staff 85%, "
        "Skills and digital inclusion for everyone 0%."
    )


def test_percent_values_are_written_as_whole_percent_rounding_halves_up():
    root = parse(percent_bars([("A", 62.5), ("B", 0.4), ("C", 99.5)], title="T", chart_id="c"))
    assert {"63%", "0%", "100%"} <= set(texts(root))


def test_trend_description_has_a_sentence_per_period():
    periods = [
        ("April to September 2026", {"red": 3, "amber": 5, "green": 12, "complete": 4, "not_started": 1}),
        ("October 2026 to March 2027", {"green": 1}),
        ("April to September 2027", {}),
    ]
    desc = parse(trend_stacked(periods, title="T", chart_id="c")).find(f"{NS}desc").text
    assert desc == describe_trend(periods)
    assert desc == (
        "April to September 2026: Red 3, Amber 5, Green 12, Complete 4, Not started 1, Awaiting review 0, No update 0; "
        "25 deliverables in all. "
        "October 2026 to March 2027: Red 0, Amber 0, Green 1, Complete 0, Not started 0, Awaiting review 0, "
        "No update 0; 1 deliverable in all. "
        "April to September 2027: no deliverables."
    )


def test_trend_has_a_legend_naming_every_status_and_a_total_per_column():
    periods = six_monthly(4)
    root = parse(trend_stacked(periods, title="T", chart_id="c"))
    legend = [element.text for element in root.findall(f"{NS}text")]
    assert legend == [label for _key, label, _colour in RAG_ORDER] + legend[len(RAG_ORDER) :]
    for label, counts in periods:
        column = groups(root)[describe_trend([(label, counts)])]
        assert str(sum(counts.values())) in [text.text for text in column.iter(f"{NS}text")]


# --- Escaping -------------------------------------------------------------------------------------------------------


def test_caller_text_is_escaped_everywhere():
    outputs = [
        rag_bar(COUNTS, title=XSS, chart_id="rag"),
        percent_bars([(XSS, 50), ('"quoted" & <b>bold</b>', 20)], title=XSS, chart_id="aims"),
        trend_stacked([(XSS, COUNTS)], title=XSS, chart_id="trend"),
    ]
    for svg in outputs:
        assert XSS not in svg
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
        root = parse(svg)
        assert root.find(f"{NS}title").text == XSS
        assert not list(root.iter("script")) and not list(root.iter(f"{NS}script"))
    root = parse(outputs[1])
    assert XSS in texts(root)
    assert '"quoted" & <b>bold</b>' in texts(root)
    assert XSS in root.find(f"{NS}desc").text


def test_characters_xml_forbids_are_dropped_not_crashing_the_parser():
    svg = percent_bars([("bad\x00 label\x1b", 10)], title="T\x0c", chart_id="c")
    assert "bad label" in texts(parse(svg))


@pytest.mark.parametrize("chart_id", ["", "1chart", "a b", 'x" onload="alert(1)', "a<b"])
def test_chart_id_must_be_a_plain_id(chart_id):
    with pytest.raises(ValueError, match="chart_id"):
        rag_bar(COUNTS, title="T", chart_id=chart_id)


def test_a_title_is_required():
    with pytest.raises(ValueError, match="title"):
        percent_bars(AIMS, title="  ", chart_id="c")


# --- Empty data -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "svg",
    [
        rag_bar({}, title="T", chart_id="c"),
        rag_bar(dict.fromkeys(COUNTS, 0), title="T", chart_id="c"),
        percent_bars([], title="T", chart_id="c"),
        trend_stacked([], title="T", chart_id="c"),
        trend_stacked(
            [("April to September 2026", {}), ("October 2026 to March 2027", {"red": 0})], title="T", chart_id="c"
        ),
    ],
)
def test_no_data_renders_a_valid_chart_saying_so(svg):
    root = parse(svg)
    assert "No data" in texts(root)
    assert root.find(f"{NS}desc").text.startswith("No data")


# --- Drawn to scale -----------------------------------------------------------------------------------------------


def test_percent_bars_are_proportional():
    root = parse(percent_bars([("Full", 100), ("Half", 50), ("Quarter", 25), ("None", 0)], title="T", chart_id="c"))
    rows = groups(root)
    full = bar_width(rows["Full: 100%"])
    assert full > 0
    assert bar_width(rows["Half: 50%"]) == pytest.approx(full / 2, abs=0.01)
    assert bar_width(rows["Quarter: 25%"]) == pytest.approx(full / 4, abs=0.01)
    assert bar_width(rows["None: 0%"]) == 0


def test_percent_bars_scale_to_max_value_and_clip_outside_it():
    root = parse(
        percent_bars([("A", 50), ("B", 25), ("Over", 80), ("Under", -5)], title="T", chart_id="c", max_value=50)
    )
    rows = groups(root)
    assert bar_width(rows["B: 25%"]) == pytest.approx(bar_width(rows["A: 50%"]) / 2, abs=0.01)
    assert bar_width(rows["Over: 80%"]) == bar_width(rows["A: 50%"])
    assert bar_width(rows["Under: -5%"]) == 0
    assert {"0%", "12.5%", "25%", "37.5%", "50%"} <= set(texts(root))


@pytest.mark.parametrize("max_value", [0, -1, float("nan"), float("inf")])
def test_max_value_must_be_positive_and_finite(max_value):
    with pytest.raises(ValueError, match="max_value"):
        percent_bars(AIMS, title="T", chart_id="c", max_value=max_value)


def test_rag_bars_are_proportional_to_the_counts():
    rows = groups(parse(rag_bar(COUNTS, title="T", chart_id="c")))
    widths = {key: bar_width(rows[f"{label}: {COUNTS[key]}"]) for key, label, _colour in RAG_ORDER}
    # The light grey bar is inset by its 1-unit outline.
    widths["no_update"] += 1
    per_item = widths["green"] / COUNTS["green"]
    for key, count in COUNTS.items():
        assert widths[key] == pytest.approx(count * per_item, abs=0.02)


def test_trend_segments_are_proportional_and_stack_in_status_order():
    counts = {"red": 2, "amber": 4, "green": 8, "complete": 2}
    root = parse(trend_stacked([("Only period", counts)], title="T", chart_id="c"))
    column = groups(root)[describe_trend([("Only period", counts)])]
    rects = column.findall(f"{NS}rect")
    assert [rect.get("fill") for rect in rects] == ["#d4351c", "#e06a00", "#00703c", "#1d70b8"]
    heights = [float(rect.get("height")) for rect in rects]
    assert heights == pytest.approx([heights[0] * n / 2 for n in (2, 4, 8, 2)], abs=0.02)
    tops = [float(rect.get("y")) for rect in rects]
    assert tops == sorted(tops, reverse=True)  # red at the bottom, each next one above


def column_rects(svg):
    root = parse(svg)
    return [group.find(f"{NS}rect") for group in root.findall(f"{NS}g")]


def test_trend_plot_widens_with_periods_then_columns_narrow():
    def spread(count):
        rects = column_rects(trend_stacked(six_monthly(count), title="T", chart_id="c"))
        first, last = rects[0], rects[-1]
        return float(last.get("x")) - float(first.get("x")), float(first.get("width"))

    spans = [spread(count)[0] for count in (4, 6, 8)]
    assert spans == sorted(spans) and spans[0] < spans[-1]
    assert spread(16)[1] < spread(8)[1]


@pytest.mark.parametrize("count", [1, 2, 8, 12, 16])
def test_trend_period_labels_fit_their_columns_and_are_not_rotated(count):
    svg = trend_stacked(six_monthly(count), title="T", chart_id="c")
    assert "rotate" not in svg and "transform" not in svg
    root = parse(svg)
    centres = [float(rect.get("x")) + float(rect.get("width")) / 2 for rect in column_rects(svg)]
    slot = (centres[1] - centres[0]) if count > 1 else 480
    for group in root.findall(f"{NS}g"):
        bottom = max(float(rect.get("y")) + float(rect.get("height")) for rect in group.findall(f"{NS}rect"))
        lines = [text for text in group.findall(f"{NS}text") if float(text.get("y")) > bottom]
        assert 1 <= len(lines) <= 4
        for line in lines:
            assert charts._text_width(line.text, float(line.get("font-size"))) <= slot - 4


def test_eight_six_monthly_periods_keep_full_labels_on_two_lines():
    root = parse(trend_stacked(six_monthly(8), title="T", chart_id="c"))
    first = root.findall(f"{NS}g")[0]
    assert [text.text for text in first.findall(f"{NS}text")][-2:] == ["April to", "September 2019"]


def test_long_percent_labels_wrap_to_two_lines_with_an_ellipsis_and_keep_the_full_text_in_a_title():
    label = "An exceptionally long aim name that goes on and on about joined-up digital services for all residents"
    root = parse(percent_bars([(label, 30)], title="T", chart_id="c"))
    group = groups(root)[f"{label}: 30%"]
    lines = [text.text for text in group.findall(f"{NS}text")][:-1]
    assert len(lines) == 2
    assert lines[1].endswith("…")
    assert len(lines[0]) <= 45
    assert label in root.find(f"{NS}desc").text


# --- Bad input ----------------------------------------------------------------------------------------------------


def test_unknown_status_or_negative_count_is_refused():
    with pytest.raises(ValueError, match="unknown status"):
        rag_bar({"purple": 1}, title="T", chart_id="c")
    with pytest.raises(ValueError, match="red"):
        rag_bar({"red": -1}, title="T", chart_id="c")
    with pytest.raises(ValueError, match="finite"):
        percent_bars([("A", float("nan"))], title="T", chart_id="c")


def test_the_progress_charts_are_specified_once_for_the_dashboard_and_the_report():
    data = {
        "period_label": "April to September 2026",
        "aim_label": "Priority",
        "counts": COUNTS,
        "aims": AIMS,
        "trend": [("April to September 2026", COUNTS)],
    }
    specs = charts.progress_chart_specs(**data)
    assert [(s.key, s.chart_id, s.title) for s in specs] == [
        ("summary", "chart-summary", "Deliverables by RAG status, April to September 2026"),
        ("aims", "chart-aims", "Percent complete by priority, April to September 2026"),
        ("trend", "chart-trend", "RAG status across reporting periods"),
    ]
    drawn = charts.progress_charts(**data)
    assert list(drawn) == ["summary", "aims", "trend"]
    assert drawn["summary"] == rag_bar(COUNTS, title=specs[0].title, chart_id="chart-summary")
    assert drawn["aims"] == percent_bars(AIMS, title=specs[1].title, chart_id="chart-aims")
    assert drawn["trend"] == trend_stacked(data["trend"], title=specs[2].title, chart_id="chart-trend")


def test_every_status_name_fits_left_of_its_bar():
    # "Awaiting review" was cut off by a bar that started where "Not started" ended.
    rows = groups(parse(rag_bar(COUNTS, title="T", chart_id="c")))
    for key, label, _colour in RAG_ORDER:
        row = rows[f"{label}: {COUNTS[key]}"]
        bar_x = float(row.find(f"{NS}rect").get("x"))
        assert charts._text_width(label, charts.BODY_FONT) + 8 <= bar_x, label
