"""The pages anyone can read (accessibility statement, privacy notice, cookies, the error pages) at 1280 and 320 px,
and the 320 px check of tests/browser/helpers.py itself: it fails a page that scrolls sideways, naming what sticks
out, and passes a wide table that scrolls inside its own region."""

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import expect

from tests.browser.helpers import check_a11y, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE_TABLE = """<!DOCTYPE html><html lang="en-GB" class="govuk-template"><head><title>Wide table</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/css/portal.css"></head>
<body class="govuk-template__body"><div class="govuk-width-container"><main class="govuk-main-wrapper">
<h1 class="govuk-heading-l">Wide table</h1>{region}<table class="govuk-table">
<caption class="govuk-table__caption">Figures by theme</caption>
<thead class="govuk-table__head"><tr class="govuk-table__row">
{headers}<th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">Links</span></th></tr></thead>
<tbody class="govuk-table__body"><tr class="govuk-table__row">{cells}<td class="govuk-table__cell">-</td></tr></tbody>
</table>{end}</main></div></body></html>"""


REGION = '<div class="app-table-scroll" role="region" aria-label="Figures by theme" tabindex="0">'


def wide_table(*, wrapped: bool) -> str:
    columns = ["Theme", "Deliverables", "Red", "Amber", "Green", "Complete", "Not started", "No update"]
    return WIDE_TABLE.format(
        region=REGION if wrapped else "",
        end="</div>" if wrapped else "",
        headers="".join(f'<th scope="col" class="govuk-table__header">{c}</th>' for c in columns),
        cells="".join(f'<td class="govuk-table__cell">{c}</td>' for c in columns),
    )


def test_the_check_fails_a_page_that_scrolls_sideways_at_320_px_naming_what_sticks_out(page):
    page.goto("/accessibility/")
    page.set_content(wide_table(wrapped=False))
    with pytest.raises(AssertionError, match=r"scrolls sideways at 320 CSS px: the page is \d+ px wide") as failure:
        check_a11y(page, "wide-table")
    assert "table.govuk-table" in str(failure.value)
    assert page.viewport_size["width"] == 1280, "the page is left at the journey's width"


def test_a_wide_table_in_its_scrolling_region_passes_and_the_region_can_be_scrolled_by_keyboard(page):
    page.goto("/accessibility/")
    page.set_content(wide_table(wrapped=True))
    check_a11y(page, "wide-table-in-region")  # axe's scrollable-region-focusable included
    page.set_viewport_size({"width": 320, "height": 900})
    region = page.get_by_role("region", name="Figures by theme")
    region.focus()
    expect(region).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"  # visible focus
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.activeElement.scrollLeft > 0")


def test_anyone_reads_the_public_pages_from_the_footer(page):
    visit(page, "/sign-in/", "public-sign-in")
    footer = page.get_by_role("contentinfo")
    for link, heading, name in [
        ("Accessibility statement", "Accessibility statement for the Digital Strategy Portal", "public-accessibility"),
        ("Privacy notice", "Privacy notice for the Digital Strategy Portal", "public-privacy"),
        ("Cookies", "Cookies", "public-cookies"),
    ]:
        footer.get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        check_a11y(page, name)
    expect(page.get_by_role("region", name="Cookies this website sets")).to_be_visible()


def test_the_404_page_at_both_widths(page):
    response = page.goto("/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    check_a11y(page, "public-404")


@pytest.mark.parametrize(
    ("template", "heading"),
    [("500.html", "Sorry, there is a problem with the service"), ("503.html", None), ("400.html", None)],
)
def test_the_error_pages_at_both_widths(page, template, heading):
    page.goto("/sign-in/")  # so the page's addresses (/static/...) resolve on the live server
    page.set_content(render_to_string(template, {"change_not_saved": True}))
    if heading:
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    check_a11y(page, f"public-{template.removesuffix('.html')}")
