"""The committee PDF's page layout and tags, read back from a generated report large enough to spread over many
pages: what introduces a table or chart stays on its page, the marking is in the margins only, the contact box is
never alone, a table split over pages is one tagged table, and figure boxes are in PDF points."""

import datetime as dt
import re
import subprocess

import pytest
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import NullObject

from aims.models import RAG, ReportingPeriod
from reports import generation, pdf, services
from reports.models import ReportVersion
from reports.snapshot import snapshot_build
from tests import factories

pytestmark = pytest.mark.django_db

STATUSES = [RAG.RED, RAG.AMBER, RAG.GREEN, RAG.COMPLETE, RAG.NOT_STARTED]
# Each heading, and the caption of the first table or chart it introduces: they must share a page.
HEADING_AND_FIRST_CAPTION = [
    ("RAG summary", "Table 1:"),
    ("Progress by aim", "Table 2:"),
    ("Progress by theme", "Table 3:"),
    ("Trend", "Figure 3:"),
    ("Exceptions", "Table 5:"),
    ("Appendix A: All deliverables", "Deliverables with their status"),
]
CAPTION = re.compile(r"(Table \d+:|Deliverables with their status|Evidence attached)")


def make_closed_period(strategy):
    return factories.PeriodFactory(
        strategy=strategy, label="April to September 2026", start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2026, 9, 30), deadline=dt.date(2026, 9, 30), status=ReportingPeriod.Status.CLOSED,
    )  # fmt: skip


@pytest.fixture
def closed_period(strategy):
    return make_closed_period(strategy)


def many_deliverables(strategy, period, officer, *, themes=8, per_theme=6):
    aims = [factories.AimFactory(strategy=strategy, number=n, title=f"Aim number {n}") for n in range(1, 5)]
    for t in range(themes):
        theme = factories.ThemeFactory(strategy=strategy, number=t + 1, title=f"Theme {t + 1} of the strategy")
        theme.aims.set([aims[t % 4]])
        for d in range(per_theme):
            i = t * per_theme + d
            deliverable = factories.DeliverableFactory(
                strategy=strategy, theme=theme, owner=officer, reference=f"DS-{i:02d}", title=f"Deliverable {i} " * 4
            )
            status = STATUSES[i % 5]
            factories.ProgressUpdateFactory(
                deliverable=deliverable, period=period, rag_status=status, state="accepted",
                percent_complete=100 if status == RAG.COMPLETE else 0 if status == RAG.NOT_STARTED else 40,
                achieved="Achieved this period. " * 8, next_steps=f"Next steps for {i}. " * 5,
                risks_issues=f"Risk number {i}. " * 4, corrective_action="Corrective action in hand. " * 6,
            )  # fmt: skip


def make_report(strategy, period, clerk, **overrides):
    values = services.report_defaults(strategy=strategy, period=period, user=clerk)
    values.update(meeting_date=dt.date(2026, 12, 8), reference_number="CP/12/26-27", **overrides)
    return services.report_create(strategy=strategy, user=clerk, answers=services.ReportAnswers(**values))


def generate(report, user):
    version = ReportVersion.objects.create(report=report, number=report.versions.count() + 1, requested_by=user)
    return generation.report_version_generate(version_id=version.pk)


def page_lines(path) -> list[list[str]]:
    """Each page's non-empty lines, as pdftotext -layout lays them out."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in out.split("\f")[:-1]]


def body(lines: list[str]) -> list[str]:
    """A page's lines without its running header (first line) and footer (last line)."""
    return lines[1:-1]


def first_page_with(pages, predicate) -> int | None:
    return next((i for i, lines in enumerate(pages) if any(predicate(line) for line in body(lines))), None)


HEADER_ROW_STARTS = ("Ref.", "Red", "Aim", "Theme", "Period")


def assert_captions_have_their_rows(text: list[str], number: int) -> None:
    """Each caption on a page is followed there by its table's header row and at least one line of a row."""
    for i, line in enumerate(text):
        if CAPTION.match(line):
            header = next((j for j in range(i + 1, len(text)) if text[j].startswith(HEADER_ROW_STARTS)), None)
            assert header is not None and header < len(text) - 1, f"page {number} ends with the caption {line!r}"


@pytest.fixture
def big_version(strategy, closed_period, clerk, officer):
    many_deliverables(strategy, closed_period, officer)
    return generate(make_report(strategy, closed_period, clerk), clerk)


def test_headings_and_captions_stay_with_what_they_introduce_and_the_marking_is_in_the_margins(big_version):
    pages = page_lines(big_version.pdf.path)
    assert len(pages) > 10
    for number, lines in enumerate(pages, start=1):
        text = body(lines)
        assert_captions_have_their_rows(text, number)
        # The protective marking: once at the top and once at the bottom of every page, never in the text.
        assert "OFFICIAL" in lines[0] and "OFFICIAL" in lines[-1], number
        assert not any("OFFICIAL" in line for line in text), f"OFFICIAL in the text of page {number}"
    for heading, caption in HEADING_AND_FIRST_CAPTION:
        heading_page = first_page_with(pages, lambda line, h=heading: line == h)
        caption_page = first_page_with(pages, lambda line, c=caption: line.startswith(c))
        assert heading_page is not None and heading_page == caption_page, (heading, heading_page, caption_page)


def test_the_contact_box_never_has_a_page_to_itself(strategy, closed_period, clerk, officer, tmp_path):
    """However long the implications run, the box moves with the paragraph before it."""
    many_deliverables(strategy, closed_period, officer, themes=1, per_theme=2)
    contact_lines = ("Access to Information", "Contact Officer", "Email", "Telephone", "Appendices", "Appendix B")
    for extra in range(0, 28, 3):
        report = make_report(
            strategy, closed_period, clerk, implications_climate="\n\n".join(["A climate paragraph."] * (extra + 1))
        )
        document, _pages = pdf.report_pdf(snapshot_build(report=report))
        path = tmp_path / f"{extra}.pdf"
        path.write_bytes(document)
        for number, lines in enumerate(page_lines(path), start=1):
            text = body(lines)
            if any(line.startswith("Access to Information") for line in text):
                others = [line for line in text if not line.startswith(contact_lines) and "@" not in line]
                others = [line for line in others if not line.startswith(("Index of evidence", "All deliverables"))]
                assert others, f"page {number} holds only the contact box ({extra} extra paragraphs)"


def struct_elements(node, found=None):
    """Every structure element under node, in reading order, as (tag, element)."""
    found = [] if found is None else found
    kids = node.get("/K")
    kids = kids if isinstance(kids, list) else [kids] if kids is not None else []
    for kid in kids:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict) and kid.get("/Type") == "/StructElem":
            found.append((kid["/S"], kid))
            struct_elements(kid, found)
    return found


def test_a_table_over_many_pages_is_one_tagged_table_and_figure_boxes_are_points(big_version):
    reader = PdfReader(big_version.pdf.path)
    elements = struct_elements(reader.trailer["/Root"]["/StructTreeRoot"])
    html = pdf.report_html(big_version.snapshot)
    tables = [e for tag, e in elements if tag == "/Table"]
    assert len(tables) == html.count("<table")  # not one per page
    # Appendix A, the longest, runs over many pages: one table, one header row, a row per deliverable.
    rows = [[e for tag, e in struct_elements(t) if tag == "/TR"] for t in tables]
    appendix = tables[max(range(len(tables)), key=lambda i: len(rows[i]))]
    assert len({e.raw_get("/Pg").idnum for tag, e in struct_elements(appendix) if "/Pg" in e}) > 5
    assert len([e for tag, e in struct_elements(appendix) if tag == "/THead"]) == 1
    assert max(len(r) for r in rows) == 1 + len(big_version.snapshot["deliverables"])
    # The repeated header rows and the running header and footer are artifacts: every marked content left on a
    # page has its element, and that element is in the tree (reachable from its root).
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    in_tree = {id(e) for _tag, e in elements}
    for i, page in enumerate(reader.pages):
        content = page.get_contents().get_data()
        mapped = nums[2 * i + 1]
        for mcid in re.findall(rb"/MCID (\d+)", content):
            element = mapped[int(mcid)]
            assert not isinstance(element, NullObject) and id(element.get_object()) in in_tree, (i + 1, mcid)
    ids = {str(e["/ID"]) for tag, e in elements if tag == "/TH" and "/ID" in e}
    for tag, cell in elements:
        if tag == "/TD":
            assert {str(h) for h in cell["/A"].get("/Headers", [])} <= ids  # every cell's header is in the tree

    figures = [e for tag, e in elements if tag == "/Figure"]
    assert len(figures) == 3
    for figure in figures:
        x1, y1, x2, y2 = (float(v) for v in figure["/A"]["/BBox"])
        page = figure["/Pg"].get_object()
        left, bottom, right, top = (float(v) for v in page["/MediaBox"])
        assert left <= x1 < x2 <= right and bottom <= y1 < y2 <= top, (x1, y1, x2, y2)
        # The chart's caption is printed just under the chart: the box's bottom edge (in points from the bottom)
        # meets the caption's top (in points from the top, as pdftotext measures).
        number = reader.pages.index(page) + 1
        words = subprocess.run(
            ["pdftotext", "-bbox", "-f", str(number), "-l", str(number), big_version.pdf.path, "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        caption_tops = [float(m) for m in re.findall(r'yMin="([\d.]+)"[^>]*>Figure</word>', words)]
        assert any(abs((top - y1) - caption_top) < 15 for caption_top in caption_tops), (y1, caption_tops)


def test_a_refused_address_is_left_out_of_the_pdf_instead_of_failing_it(monkeypatch):
    """WeasyPrint 70 calls its fetcher as a URLFetcher: a plain function made every refused URL a crash."""
    asked = []
    original = pdf.portal_url_fetcher

    def spy(url, *args, **kwargs):
        asked.append(url)
        return original(url, *args, **kwargs)

    monkeypatch.setattr(pdf, "portal_url_fetcher", spy)
    html = '<html lang="en-GB"><title>T</title><img src="https://example.org/x.png" alt="x"><p>Text</p></html>'
    document, pages = pdf.html_to_pdf(html)
    assert pages == 1 and document.startswith(b"%PDF") and asked == ["https://example.org/x.png"]


def test_the_committee_header_purpose_and_appendix_a_in_full(client, strategy, closed_period, clerk, officer):
    many_deliverables(strategy, closed_period, officer, themes=1, per_theme=2)
    client.force_login(clerk)
    form = client.get(reverse("reports:report_create", args=[strategy.slug])).content.decode()
    for label in ("Agenda item number", "Is this a key decision?", "Purpose of report"):
        assert label in form, label
    report = make_report(strategy, closed_period, clerk, purpose="To tell the Committee how the strategy is going.",
                         key_decision=True, agenda_item="7")  # fmt: skip
    version = generate(report, clerk)
    out = subprocess.run(["pdftotext", version.pdf.path, "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(out.split())
    for expected in ["Agenda Item No 7", "Key Decision Yes", "Purpose of Report",
                     "To tell the Committee how the strategy is going.", "What was achieved: Achieved this period.",
                     "Next steps: Next steps for 0.", "Risks and issues: Risk number 0.",
                     "Corrective action: Corrective action in hand."]:  # fmt: skip
        assert expected in text, expected


def test_a_caption_stays_with_a_first_row_too_tall_for_the_rest_of_its_page(strategy, closed_period, clerk, officer,
                                                                            theme, tmp_path):  # fmt: skip
    """A red deliverable's corrective action is never cut short, so its row can be most of a page."""
    deliverable = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, reference="R-1")
    factories.ProgressUpdateFactory(
        deliverable=deliverable, period=closed_period, rag_status=RAG.RED, state="accepted", percent_complete=10,
        corrective_action="A long corrective action sentence that goes on. " * 60,
    )  # fmt: skip
    spans = []
    for extra in (0, 8, 16, 24):
        summary = "\n\n".join(["A paragraph of the summary that runs on."] * (extra + 1))
        report = make_report(strategy, closed_period, clerk, executive_summary=summary)
        path = tmp_path / f"{extra}.pdf"
        path.write_bytes(pdf.report_pdf(snapshot_build(report=report))[0])
        pages = page_lines(path)
        for number, lines in enumerate(pages, start=1):
            assert_captions_have_their_rows(body(lines), number)
        heading = first_page_with(pages, lambda line: line.startswith("Appendix A:"))
        assert heading == first_page_with(pages, lambda line: line.startswith("Deliverables with their status"))
        # The row that runs over two pages is one tagged row (its header row once).
        elements = struct_elements(PdfReader(path).trailer["/Root"]["/StructTreeRoot"])
        appendix = [e for tag, e in elements if tag == "/Table"][-1]  # no evidence, so no Appendix B table
        rows = [e for tag, e in struct_elements(appendix) if tag == "/TR"]
        assert len(rows) == 2
        spans.append(len({e.raw_get("/Pg").idnum for tag, e in struct_elements(rows[1]) if "/Pg" in e}))
    assert max(spans) == 2  # the row did run over two pages
