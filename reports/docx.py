"""The committee report as a Word document, from the same frozen snapshot as the PDF, for clerks who paste it into
the council's committee template.

It follows the PDF (templates/reports/pdf/report.html) heading for heading and table for table: real headings
(Heading 1 to 3, so the navigation pane and the council's template styles work), the committee's numbered paragraphs
(1.1, 1.2 ... written as text, so they survive pasting), tables whose first row is a header row repeated on each
page (w:tblHeader) with a caption, charts as PNG pictures (reports/chart_png.py) with alternative text, and the
document's title and language set. tests/reports/test_docx.py compares it with the PDF.
"""

from __future__ import annotations

import base64
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from aims.rag import RAG_TABLE, rag_status
from reports import chart_png
from reports.pdf import report_context

LANGUAGE = "en-GB"
CHART_WIDTH = Cm(16)
STATUS_LABELS = [s.label for s in RAG_TABLE]


def report_docx(snapshot: dict) -> bytes:
    c = report_context(snapshot)
    document = Document()
    _set_up(document, c)
    _header_block(document, c)
    for number, key, title in [
        (1, "executive_summary", "Executive Summary"),
        (2, "recommendations", "Recommendations"),
        (3, "reasons", "Reasons for Recommendations"),
        (4, "other_options", "Other Options Considered"),
    ]:
        document.add_heading(f"{number}. {title}", level=2)
        _numbered(document, number, c["sections"][key])
    _background(document, c)
    document.add_heading("6. Consultation and Engagement", level=2)
    _numbered(document, 6, c["sections"]["consultation"])
    document.add_heading("7. Implications", level=2)
    for i, (label, paras) in enumerate(c["implications"], start=1):
        document.add_heading(f"7.{i}. {label}", level=3)
        _numbered(document, f"7.{i}", paras)
    _access(document, c)
    _appendices(document, c)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _set_up(document, c) -> None:
    report, organisation = c["report"], c["s"]["organisation"]
    props = document.core_properties
    props.title = report["title"]
    props.language = LANGUAGE
    props.author = organisation["name"]
    props.subject = f"{c['strategy']['title']}: progress report for {c['period']['label']}"
    props.keywords = f"digital strategy, progress report, {report['committee']}"
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(11)
    rpr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), LANGUAGE)
    rpr.append(lang)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4, like the PDF
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Cm(2))
    for part in (section.header, section.footer):
        paragraph = part.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(report["marking"]).bold = True
    footer = section.footer.add_paragraph()
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


def _field(paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _header_block(document, c) -> None:
    report, committee = c["report"], c["committee"]
    if c["logo"]:
        logo = c["s"]["logo"]
        _picture(document, base64.b64decode(logo["base64"]), Cm(5), title="Council logo", descr=logo["alt"])
    document.add_paragraph(c["s"]["organisation"]["name"])
    document.add_paragraph().add_run(report["committee"]).bold = True
    document.add_heading(report["title"], level=1)
    rows = [
        ("Committee", report["committee"]),
        ("Date of Meeting", c["meeting_date"]),
        ("Report Title", report["title"]),
        ("Report of", report["report_of"]),
        ("Report Reference No", report["reference_number"] or "–"),
        ("Ward(s) Affected", report["wards_affected"]),
    ]
    if committee:
        rows += [("Agenda Item No", committee.get("agenda_item") or "–"), ("Key Decision", c["key_decision"])]
    _row_header_table(document, "Report details", rows)
    if c["purpose"]:
        document.add_heading("Purpose of Report", level=2)
        for text in c["purpose"]:
            document.add_paragraph(text)


def _background(document, c) -> None:
    s, strategy, summary, period = c["s"], c["strategy"], c["summary"], c["period"]
    aim, theme = strategy["aim_label"].lower(), strategy["theme_label"].lower()
    document.add_heading("5. Background", level=2)
    reviewed = " and updates submitted but not yet reviewed (marked “not yet reviewed”)"
    _numbered(
        document,
        5,
        [
            f"The {strategy['title']} is reported to committee {strategy['cadence'].lower()}. This report covers "
            f"{period['label']}, with figures as at {c['as_at']} from updates accepted by the Digital Board"
            f"{reviewed if c['report']['include_submitted'] else ''}.",
            f"There are {summary['total']} deliverables in scope. Overall the strategy is "
            f"{summary['percent_complete']}% complete, weighted by deliverable. {summary['overdue']} "
            f"deliverable{'s are' if summary['overdue'] != 1 else ' is'} past the due date and not complete."
            + _direction(s),
        ],
    )
    document.add_heading("RAG summary", level=3)
    _numbered(document, 5, ["Table 1 and Figure 1 show the deliverables by RAG status."], start=3)
    counts = [str(summary["counts"].get(st.key, 0)) for st in RAG_TABLE]
    _table(document, f"Table 1: Deliverables by RAG status, {period['label']}", [*STATUS_LABELS, "Total"],
           [[*counts, str(summary["total"])]])  # fmt: skip
    _chart(document, c["charts"]["summary"], f"Figure 1: Deliverables by RAG status, {period['label']}")
    document.add_heading(f"Progress by {aim}", level=3)
    _numbered(document, 5, [f"Table 2 and Figure 2 show progress against each {aim}. A deliverable counts under "
                            f"every {aim} its {theme} contributes to."], start=4)  # fmt: skip
    _groups_table(document, "2", strategy["aim_label_plural"], strategy["aim_label"], s["by_aim"])
    _chart(document, c["charts"]["aims"], f"Figure 2: Percent complete by {aim}")
    document.add_heading(f"Progress by {theme}", level=3)
    _numbered(document, 5, [f"Table 3 shows progress in each {theme}."], start=5)
    _groups_table(document, "3", strategy["theme_label_plural"], strategy["theme_label"], s["by_theme"])
    _trend_and_exceptions(document, c)


def _direction(s: dict) -> str:
    if not s.get("previous_period"):
        return ""
    d, overall = s["summary"]["directions"], (s["summary"]["direction"] or "not known").lower()
    return (
        f" Against {s['previous_period']}, {d['better']} improved, {d['same']} stayed the same and {d['worse']} "
        f"worsened: overall direction of travel {overall}."
    )


def _trend_and_exceptions(document, c) -> None:
    s = c["s"]
    document.add_heading("Trend", level=3)
    text = "Figure 3 and Table 4 show the RAG status of deliverables in each reporting period so far."
    _numbered(document, 5, [text], start=6)
    _chart(document, c["charts"]["trend"], "Figure 3: RAG status across reporting periods")
    _table(document, "Table 4: RAG status by reporting period", ["Period", *STATUS_LABELS],
           [[t["label"], *[str(t["counts"].get(st.key, 0)) for st in RAG_TABLE]] for t in s["trend"]])  # fmt: skip
    document.add_heading("Exceptions", level=3)
    if s["exceptions"]:
        text = "Table 5 lists the deliverables reported red or amber, with the corrective action and the owner."
        _numbered(document, 5, [text], start=7)
        rows = [
            [r["reference"], _title(r), rag_status(r["status"]).label, r["direction"] or "–",
             r["corrective_action"] or "–", r["owner"] + (f", {r['owner_title']}" if r["owner_title"] else "")]
            for r in s["exceptions"]
        ]  # fmt: skip
        _table(document, "Table 5: Exceptions (red and amber)",
               ["Ref.", "Deliverable", "RAG", "Direction", "Corrective action", "Owner"], rows)  # fmt: skip
    else:
        _numbered(document, 5, ["No deliverable is reported red or amber for this period."], start=7)
    which = "every deliverable" if c["appendix_is_full"] else "the red and amber deliverables"
    text = f"Appendix A lists {which} with its latest update; Appendix B indexes the evidence supporting the updates."
    _numbered(document, 5, [text], start=8)
    if c["indicators"]:
        _indicators(document, c)


def _indicators(document, c) -> None:
    """Background's "Performance indicators" part, as in the PDF: 5.9 to 5.11, Table 6, Figure 4 and Table 7."""
    ind, period = c["indicators"], c["period"]["label"]
    document.add_heading("Performance indicators", level=3)
    total = ind["total"]
    text = (
        f"For {period}, {ind['sentence']} Each indicator shows its latest accepted measurement ending by the end of "
        f"the period. Table 6 and Figure 4 show the {total:,} indicator{'' if total == 1 else 's'} by status."
    )
    _numbered(document, 5, [text], start=9)
    _table(document, f"Table 6: Performance indicators by status, {period}",
           ["Indicators", *[st["label"] for st in ind["statuses"]], "Total"],
           [["Number", *[f"{st['count']:,}" for st in ind["statuses"]], f"{total:,}"]])  # fmt: skip
    _chart(document, ind["chart"], f"Figure 4: Performance indicators by status, {period}")
    if ind["red"]:
        text = (
            "Table 7 lists the indicators outside their tolerance (red), with the owner's commentary and "
            "corrective action." + (f" {ind['trends_sentence']}" if ind["trends_sentence"] else "")
        )
        _numbered(document, 5, [text], start=10)
        rows = [
            [r["reference"], r["title"] + (f"\n{r['owner']}" if r["owner"] else ""), _figures(r),
             f"Previous: {r['direction_previous'] or '–'}\nLast year: {r['direction_year'] or '–'}",
             r["commentary"] or "–", r["corrective_action"] or "–"]
            for r in ind["red"]
        ]  # fmt: skip
        _table(document, "Table 7: Exceptions: performance indicators outside tolerance (red)",
               ["Ref.", "Indicator", "Actual and target", "Direction of travel", "Commentary", "Corrective action"],
               rows)  # fmt: skip
        for trend in ind["trends"]:
            _chart(document, trend["svg"], f"Figure {trend['number']}: {trend['title']}")
    else:
        text = "No performance indicator is outside its tolerance (red) for this period."
        _numbered(document, 5, [text], start=10)
    text = (
        "Appendix C lists every performance indicator with its target, actual, status, direction of travel and "
        "commentary."
    )
    _numbered(document, 5, [text], start=11)


def _figures(row: dict) -> str:
    period = f", {row['period_label']}" if row["period_label"] else ""
    return f"{row['actual'] or '–'}\nTarget {row['target'] or '–'}{period}"


def _appendix_c(document, c) -> None:
    ind = c["indicators"]
    document.add_page_break()
    document.add_heading("Appendix C: Performance indicators", level=2)
    rows = []
    for r in ind["rows"]:
        about = "\n".join(part for part in (r["title"], r["owner"], r["period_label"]) if part)
        commentary = r["commentary"] or "–"
        if r["status"] == "red" and r["corrective_action"]:
            commentary += f"\nCorrective action: {r['corrective_action']}"
        rows.append([r["reference"], about, r["target"] or "–", r["actual"] or "–", r["status_label"],
                     f"Previous: {r['direction_previous'] or '–'}\nLast year: {r['direction_year'] or '–'}",
                     commentary])  # fmt: skip
    _table(document, f"Performance indicators for {c['period']['label']}, with their latest measurement",
           ["Ref.", "Indicator", "Target", "Actual", "Status", "Direction of travel", "Commentary"], rows)  # fmt: skip


def _access(document, c) -> None:
    report = c["report"]
    document.add_heading("Access to Information", level=2)
    appendix_a = "All deliverables" if c["appendix_is_full"] else "Exceptions"
    rows = [
        ("Contact Officer", report["contact_name"]),
        ("Email", report["contact_email"]),
        ("Telephone", report["contact_telephone"] or "–"),
        (
            "Appendices",
            f"Appendix A: {appendix_a}; Appendix B: Index of evidence"
            + ("; Appendix C: Performance indicators" if c["indicators"] else ""),
        ),
    ]
    if c.get("exempt_statement"):
        rows.append(("Exempt information", c["exempt_statement"]))
    _row_header_table(document, "Contact officer", rows)


def _appendices(document, c) -> None:
    s = c["s"]
    title = "All deliverables" if c["appendix_is_full"] else "Exceptions (red and amber deliverables)"
    document.add_page_break()
    document.add_heading(f"Appendix A: {title}", level=2)
    rows = []
    for r in c["appendix_rows"]:
        due = f"Due {r['due_date_display']}" + (" (overdue)" if r["overdue"] else "")
        owner = r["owner"] + (f", {r['owner_title']}" if r["owner_title"] else "")
        status = f"{rag_status(r['status']).label}\n{r['percent']}% complete\n{r['direction'] or '–'}"
        update = (
            f"What was achieved: {r['summary'] or '–'}\nNext steps: {r['next_steps'] or '–'}\n"
            f"Risks and issues: {r['risks_issues'] or '–'}\nCorrective action: {r['corrective_action'] or '–'}"
        )
        rows.append([r["reference"], f"{_title(r)}\n{owner}\n{due}", status, update])
    caption = f"Deliverables with their status and latest update for {c['period']['label']}, as at {c['as_at']}"
    _table(document, caption, ["Ref.", "Deliverable", "Status", "Latest update"], rows or [["None.", "", "", ""]])
    document.add_page_break()
    document.add_heading("Appendix B: Index of evidence", level=2)
    if s["evidence"]:
        _table(document, "Evidence attached to the updates in this report", ["Ref.", "Type", "Evidence", "Detail"],
               [[e["reference"], e["kind"], e["title"], e["detail"]] for e in s["evidence"]])  # fmt: skip
    else:
        document.add_paragraph("No evidence is attached to the updates in this report.")
    if c["indicators"]:
        _appendix_c(document, c)


def _title(row: dict) -> str:
    return row["title"] + (" (not yet reviewed)" if row["not_reviewed"] else "")


def _groups_table(document, number: str, noun: str, level: str, groups: list[dict]) -> None:
    header = [level, "Deliverables", *STATUS_LABELS, "Overdue", "% complete", "Direction"]
    rows = [
        [g["title"], str(g["total"]), *[str(g["counts"].get(st.key, 0)) for st in RAG_TABLE], str(g["overdue"]),
         str(g["percent_complete"]), g["direction"] or "–"]
        for g in groups
    ]  # fmt: skip
    _table(document, f"Table {number}: Progress by {noun.lower()}", header, rows)


def _numbered(document, section, texts: list[str], start: int = 1) -> None:
    """The committee's numbered paragraphs: "5.3." then the text, with a hanging indent."""
    for i, text in enumerate(texts, start=start):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.left_indent = Cm(1.4)
        paragraph.paragraph_format.first_line_indent = Cm(-1.4)
        paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(1.4))
        paragraph.add_run(f"{section}.{i}.").bold = True
        paragraph.add_run("\t" + text)


def _table(document, caption: str, header: list[str], rows: list[list[str]]) -> None:
    """A caption, then a table whose first row is a header row, repeated at the top of each page."""
    document.add_paragraph(caption, style="Caption").paragraph_format.keep_with_next = True  # with its table
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    _table_caption(table, caption)
    head = table.rows[0]
    head_props = head._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        head_props.append(element)
    for cell, text in zip(head.cells, header, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = str(text)


def _row_header_table(document, caption: str, rows: list[tuple[str, str]]) -> None:
    """A two-column table of labelled values (the header block, the contact box): the labels are in bold."""
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    _table_caption(table, caption)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].text = str(value)


def _table_caption(table, caption: str) -> None:
    """The table's title for assistive technology (w:tblCaption), as Word's "Alt Text" for a table sets it."""
    element = OxmlElement("w:tblCaption")
    element.set(qn("w:val"), caption[:250])
    table._tbl.tblPr.append(element)


def _chart(document, svg: str, caption: str) -> None:
    title, desc = chart_png.chart_text(svg)
    _picture(document, chart_png.svg_to_png(svg), CHART_WIDTH, title=title, descr=f"{title}. {desc}")
    document.add_paragraph(caption, style="Caption")


def _picture(document, png: bytes, width, *, title: str, descr: str) -> None:
    shape = document.add_picture(io.BytesIO(png), width=width)
    document.paragraphs[-1].paragraph_format.keep_with_next = True  # with its caption
    shape._inline.docPr.set("descr", descr)
    shape._inline.docPr.set("title", title)
