"""reports/pdf.py caches pydyf's PDF.page_references (O(elements x pages) tagging otherwise): the cache must give
exactly pydyf's value, follow new pages, and leave WeasyPrint's output unchanged."""

import pydyf
import pytest

from reports import pdf


@pytest.fixture
def original_page_references():
    pdf._speed_up_pydyf()
    original = pdf._PYDYF_PAGE_REFERENCES
    assert original is not None and pydyf.PDF.page_references.fget is pdf._cached_page_references
    return original


def test_cached_page_references_equal_pydyfs_and_follow_new_pages(original_page_references):
    document = pydyf.PDF()
    for expected_pages in (1, 2, 5):
        while document.pages["Count"] < expected_pages:
            document.add_page(pydyf.Dictionary({"Type": "/Page"}))
        assert len(document.page_references) == expected_pages
        assert document.page_references == original_page_references.fget(document)


def test_weasyprint_writes_the_same_tagged_pdf_with_and_without_the_cache(original_page_references, monkeypatch):
    import weasyprint

    rows = "".join(f"<h2>Section {i}</h2><p>Paragraph {i} with <a href='#s{i}' id='s{i}'>a link</a>.</p>"
                   for i in range(120))  # fmt: skip
    html = f"<html lang='en-GB'><head><title>Same bytes</title></head><body><h1>Report</h1>{rows}</body></html>"
    document = weasyprint.HTML(string=html).render(**pdf.PDF_OPTIONS)
    assert len(document.pages) > 3
    cached = document.write_pdf(**pdf.PDF_OPTIONS)
    monkeypatch.setattr(pydyf.PDF, "page_references", original_page_references)
    uncached = document.write_pdf(**pdf.PDF_OPTIONS)
    assert cached == uncached
