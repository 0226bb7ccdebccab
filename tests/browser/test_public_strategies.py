"""A resident, not signed in, browses a published strategy: the list, the strategy, a deliverable, the open data and
its description, and downloads the CSV and JSON. axe at 1280 and 320 px on every page."""

import csv
import io
import json

import pytest

from tests.browser.helpers import after_action, visit
from tests.public.published import ACCEPTED, SECRETS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_reads_a_published_strategy_and_downloads_its_open_data(page, live_server, published):
    from tests.indicators.helpers import indicator_with_periods

    indicator_with_periods(
        strategy=published["strategy"], reference="PI-01", title="Share of transactions online",
        is_published=True, frequency="quarterly", targets=["60", "62"], actuals=["58.5"],
    )  # fmt: skip
    visit(page, "/accessibility/", "accessibility-from-footer")
    page.get_by_role("link", name="Published strategies").click()
    after_action(page, "public-index")
    assert page.get_by_role("heading", level=1).inner_text() == "Councils’ digital strategies"
    page.get_by_role("link", name="Digital Futures").click()
    after_action(page, "public-strategy")
    assert "Progress to 30 September 2025" in page.inner_text("main")
    assert (
        "PI-01 Share of transactions online" in page.get_by_role("region", name="Performance indicators").inner_text()
    )
    page.get_by_role("link", name="DF-01 Deliverable").first.click()
    after_action(page, "public-deliverable")
    assert ACCEPTED in page.inner_text("main")
    page.get_by_role("link", name="Digital Futures").click()
    page.get_by_role("link", name="Download this strategy’s progress as open data (CSV and JSON)").click()
    after_action(page, "public-open-data")
    with page.expect_download() as download:
        page.get_by_role("link", name="All periods (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert [r["reference"] for r in rows] == ["DF-01", "DF-02", "DF-03", "DF-04"]
    with page.expect_download() as download:
        page.get_by_role("link", name="All periods (JSON)").click()
    document = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert document["licence"]["name"] == "Open Government Licence v3.0"
    with page.expect_download() as download:
        page.get_by_role("link", name="Performance indicators (CSV)").click()
    assert "Share of transactions online" in download.value.path().read_text(encoding="utf-8")
    page.get_by_role("link", name="About the open data").click()
    after_action(page, "public-schema")
    everything = page.content()
    for words in SECRETS.values():
        assert words not in everything
