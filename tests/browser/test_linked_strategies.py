"""A strategy lead links the council's data strategy to its digital strategy; both pages show the link, and the
change is on "Changes to this strategy". Every page at 1280 and 320 px with axe (the helpers)."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import after_action, sign_in_as, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_links_two_strategies_of_the_council(page, live_server, lead, strategy):
    data = factories.StrategyFactory(organisation=strategy.organisation, title="From Data to Impact 2025-28")
    factories.MembershipFactory(user=lead, strategy=data, role="lead")  # leads both, as in the demo
    factories.StrategyFactory(title="Another council's strategy")
    sign_in_as(page, lead.username, factories.PASSWORD, "linked-lead")
    visit(page, f"{live_server.url}/strategies/{strategy.slug}/", "linked-strategy")
    page.get_by_role("link", name="Change linked strategies").click()
    after_action(page, "linked-form")
    expect(page.get_by_role("heading", level=1)).to_have_text("Linked strategies")
    expect(page.get_by_label("Another council's strategy")).to_have_count(0)
    page.get_by_label("From Data to Impact 2025-28").check()
    page.get_by_role("button", name="Save linked strategies").click()
    after_action(page, "linked-saved")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The linked strategies were saved")
    page.get_by_role("link", name="From Data to Impact 2025-28").click()
    after_action(page, "linked-other-strategy")
    expect(page.get_by_role("link", name=strategy.title)).to_be_visible()
    visit(page, f"{live_server.url}/strategies/{strategy.slug}/history/", "linked-history")
    expect(page.get_by_role("region", name="Changes, newest first")).to_contain_text(
        f"Linked strategies changed from none to {data.title}"
    )
