"""The Word version: built by the generation task from the same snapshot as the PDF, with the same headings and
tables, numbered paragraphs, header rows, charts with alternative text, title and language; downloaded by whoever
may read the report."""

import io

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from PIL import Image
from pypdf import PdfReader

from aims import council
from tests import factories
from tests.reports.test_pdf_layout import generate, make_closed_period, make_report, many_deliverables, struct_elements

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_period(strategy):
    return make_closed_period(strategy)


@pytest.fixture
def version(strategy, closed_period, clerk, officer):
    many_deliverables(strategy, closed_period, officer, themes=3, per_theme=5)
    update = strategy.deliverables.order_by("reference").first().updates.get()
    factories.EvidenceFactory(update=update, kind="link", note="", title="Beta site", url="https://example.gov.uk/b")
    return generate(make_report(strategy, closed_period, clerk, scope="full"), clerk)


def pdf_headings(reader) -> list[tuple[int, str]]:
    found = []

    def walk(items, level):
        for item in items:
            walk(item, level + 1) if isinstance(item, list) else found.append((level, item.title))

    walk(reader.outline, 1)
    return found


def docx_headings(document) -> list[tuple[int, str]]:
    return [
        (int(p.style.name.removeprefix("Heading ")), p.text)
        for p in document.paragraphs
        if p.style.name.startswith("Heading ")
    ]


def pdf_tables(reader) -> list[tuple[int, bool, int]]:
    """Each tagged table's (rows, has a header row group, cells in its last row)."""
    tables = []
    for tag, table in struct_elements(reader.trailer["/Root"]["/StructTreeRoot"]):
        if tag == "/Table":
            inner = struct_elements(table)
            rows = [e for t, e in inner if t == "/TR"]
            cells = [e for t, e in struct_elements(rows[-1]) if t in ("/TD", "/TH")]
            tables.append((len(rows), any(t == "/THead" for t, _e in inner), len(cells)))
    return tables


def docx_tables(document) -> list[tuple[int, bool, int]]:
    tables = []
    for table in document.tables:
        first = table.rows[0]._tr.trPr
        header = first is not None and first.find(qn("w:tblHeader")) is not None
        tables.append((len(table.rows), header, len(table.rows[-1].cells)))
    return tables


def test_the_word_version_has_the_pdfs_headings_tables_and_charts(version):
    assert version.docx and version.docx_size_bytes == version.docx.size and len(version.docx_sha256) == 64
    reader = PdfReader(version.pdf.path)
    document = Document(version.docx.path)
    headings = docx_headings(document)
    assert headings == pdf_headings(reader)
    assert (2, "1. Executive Summary") in headings and (3, "7.10. Climate Change") in headings
    assert docx_tables(document) == pdf_tables(reader)
    assert document.core_properties.title == version.report.title
    assert document.core_properties.language == "en-GB"
    texts = [p.text for p in document.paragraphs]
    assert any(t.startswith("1.1.\t") for t in texts) and any(t.startswith("5.8.\t") for t in texts)
    pictures = document.inline_shapes
    assert len(pictures) == 3
    for picture in pictures:
        descr = picture._inline.docPr.get("descr")
        assert descr and "deliverables" in descr.lower() or "%" in descr, descr
        blob = document.part.related_parts[picture._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
        assert Image.open(io.BytesIO(blob)).format == "PNG"
    appendix = document.tables[-2]
    assert appendix.rows[0].cells[3].text == "Latest update"
    assert "Risks and issues: Risk number 0." in appendix.rows[1].cells[3].text


def test_the_logo_is_on_the_pdf_and_the_word_version_with_its_alternative_text(strategy, closed_period, clerk):
    png = io.BytesIO()
    Image.new("RGB", (300, 100), "#1d70b8").save(png, "PNG")
    council.council_details_update(
        strategy=strategy, responsible_officer="Director of Digital", logo_alt_text="Borough Council logo",
        logo_png=png.getvalue(),
    )  # fmt: skip
    strategy.refresh_from_db()
    report = make_report(strategy, closed_period, clerk)
    assert report.report_of == "Director of Digital"  # from the strategy's responsible officer
    version = generate(report, clerk)
    figures = [e for t, e in struct_elements(PdfReader(version.pdf.path).trailer["/Root"]["/StructTreeRoot"])
               if t == "/Figure"]  # fmt: skip
    assert "Borough Council logo" in [str(f.get("/Alt")) for f in figures]
    pictures = Document(version.docx.path).inline_shapes
    assert pictures[0]._inline.docPr.get("descr") == "Borough Council logo"


def test_word_download_anonymous_wrong_role_and_readers(client, version, clerk, officer, outsider, board_member):
    url = reverse("reports:version_download_docx", args=[version.pk])
    assert client.get(url).status_code == 302
    for person in (officer, outsider):
        client.force_login(person)
        assert client.get(url).status_code == 403
    for person in (board_member, clerk):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
        assert response["Content-Disposition"].startswith("attachment;") and ".docx" in response["Content-Disposition"]
        assert b"".join(response.streaming_content)[:2] == b"PK"
    page = client.get(reverse("reports:report_detail", args=[version.report_id])).content.decode()
    assert "Download PDF" in page and "Download Word (.docx)" in page
