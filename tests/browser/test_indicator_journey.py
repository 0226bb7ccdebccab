"""A lead adds an indicator with quarterly targets and a 5% tolerance, its owner records a figure within tolerance
and submits it, the board accepts it, and the dashboard shows it Amber and improving. axe-core on every page."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from indicators.models import Indicator, IndicatorActual
from tests.browser.helpers import after_action, sign_in_directly, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_indicator_from_set_up_to_the_dashboard(page, live_server, strategy, open_period, officer, board_member,
                                                   lead):  # fmt: skip
    # The lead adds the indicator from the strategy's page.
    sign_in_directly(page, live_server, lead)
    visit(page, f"/strategies/{strategy.slug}/", "pi-strategy")
    page.get_by_role("link", name="Performance indicators").click()
    after_action(page, "pi-list-empty")
    page.get_by_role("link", name="Add an indicator").click()
    after_action(page, "pi-add")
    page.get_by_label("Reference", exact=True).fill("PI-01")
    page.get_by_label("Title", exact=True).fill("Share of transactions completed online")
    page.get_by_label("Percentage (%)", exact=True).check()
    page.locator("#id_decimal_places").fill("1")
    page.get_by_label("Higher is better", exact=True).check()
    page.get_by_label("Quarterly", exact=True).check()
    page.get_by_label("A percentage of the target", exact=True).check()
    page.locator("#id_tolerance").fill("5")
    page.locator("#id_owner").select_option(str(officer.pk))
    page.get_by_role("button", name="Add the indicator").click()
    after_action(page, "pi-targets")
    expect(page.get_by_role("heading", level=1)).to_have_text("Targets")

    # Quarterly targets of 80% for the first year.
    for label in ("April to June 2025", "July to September 2025", "October to December 2025", "January to March 2026"):
        page.get_by_label(f"Target for {label}", exact=True).fill("80")
    page.get_by_role("button", name="Save targets").click()
    after_action(page, "pi-detail-lead")
    indicator = Indicator.objects.get(reference="PI-01")
    expect(page.get_by_role("heading", level=1)).to_have_text("PI-01 Share of transactions completed online")

    # The first quarter's figure was recorded and accepted earlier: 74%.
    first, second = indicator.periods.all()[:2]
    IndicatorActual.objects.create(period=first, value=Decimal("74"), state="accepted", author=officer,
                                   reviewer=board_member)  # fmt: skip

    # The owner records 77.5% for the second quarter: worse than 80, within 5% of it (76 to 80).
    page.context.clear_cookies()
    sign_in_directly(page, live_server, officer)
    visit(page, f"/strategies/{strategy.slug}/indicators/{indicator.pk}/", "pi-detail-owner")
    page.get_by_role("link", name="Record the figure for July to September 2025").click()
    after_action(page, "pi-record")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record an actual for July to September 2025")
    page.get_by_label("Value", exact=True).fill("77.5")
    page.get_by_label("Note", exact=True).fill("Council tax moved online in August.")
    page.get_by_role("button", name="Continue").click()
    after_action(page, "pi-check")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before submitting")
    expect(page.locator(".govuk-summary-list")).to_contain_text("77.5%")
    page.get_by_role("button", name="Submit for review").click()
    after_action(page, "pi-submitted")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your July to September 2025 figure was submitted for review."
    )

    # The board accepts it from "Updates to review".
    page.context.clear_cookies()
    sign_in_directly(page, live_server, board_member)
    visit(page, "/review/", "pi-review-list")
    expect(page.get_by_role("heading", name="Indicator figures to review")).to_be_visible()
    page.get_by_role("link", name="PI-01 Share of transactions completed online").click()
    after_action(page, "pi-review")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Amber")
    page.get_by_role("button", name="Accept").click()
    after_action(page, "pi-accepted")
    expect(page.get_by_role("heading", level=1)).to_have_text("Updates to review")
    assert IndicatorActual.objects.get(period=second).state == "accepted"

    # The dashboard: Amber, improving (74% then 77.5%, higher is better).
    visit(page, f"/strategies/{strategy.slug}/dashboard/", "pi-dashboard")
    table = page.get_by_role("region", name="1 indicator")
    row = table.get_by_role("row").filter(has_text="PI-01")
    expect(row).to_contain_text("Amber")
    expect(row).to_contain_text("77.5%")
    expect(row).to_contain_text("80.0%")
    expect(row).to_contain_text(re.compile(r"^.*Improving", re.S))
    expect(page.get_by_role("region", name="Indicators by status")).to_contain_text("1")
    row.get_by_role("link", name="Share of transactions completed online").click()
    after_action(page, "pi-detail-board")
    expect(page.locator(".govuk-body-l")).to_contain_text("Amber")
