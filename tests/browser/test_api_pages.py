"""An officer reads the API documentation, creates a token (the GOV.UK date input, the error summary, the token
shown once on a confirmation panel), uses it, and revokes it. Every page is checked at 1280 and 320 px."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import after_action, sign_in_as, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_documentation_reads_well_for_anyone(page, live_server, strategy):
    visit(page, f"{live_server.url}/api/docs/", "api-docs-anonymous")
    expect(page.get_by_role("heading", level=1)).to_have_text("Digital Strategy Portal API")
    expect(page.get_by_role("region", name="Parameters of GET /api/strategies/{slug}/deliverables")).to_contain_text(
        "period"
    )
    page.get_by_role("link", name="PUT /api/deliverables/{pk}/updates/{period_pk}").first.click()
    expect(
        page.get_by_role("region", name="Responses of PUT /api/deliverables/{pk}/updates/{period_pk}")
    ).to_contain_text("409")


def test_an_officer_creates_uses_and_revokes_a_token(page, live_server, officer, strategy, deliverable):
    page.set_default_timeout(15000)
    sign_in_as(page, officer.username, factories.PASSWORD, "api-home")
    visit(page, f"{live_server.url}/api/docs/", "api-docs-signed-in")
    page.get_by_role("link", name="Create a token on API tokens").click()
    after_action(page, "api-tokens-empty")
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()
    page.get_by_role("button", name="Create a token").click()
    after_action(page, "api-token-create")

    page.get_by_label("Name").fill("Finance feed")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill(str(timezone.localdate().year + 1))
    page.get_by_role("button", name="Create token").click()
    after_action(page, "api-token-create-errors")
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be a real date")

    day = timezone.localdate() + dt.timedelta(days=60)
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_role("button", name="Create token").click()
    after_action(page, "api-token-created")
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text("Token created")
    raw = page.get_by_label("Your token").input_value()
    assert raw.startswith("dsp_")

    answer = page.request.get(f"{live_server.url}/api/strategies", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status == 200 and answer.json()["items"][0]["access"] == "full"

    page.get_by_role("link", name="Go to your API tokens").click()
    after_action(page, "api-tokens")
    tokens = page.get_by_role("region", name="Your API tokens")
    expect(tokens).to_contain_text("Finance feed")
    expect(tokens).to_contain_text("Active")
    assert raw not in page.content()
    tokens.get_by_role("link", name="Revoke Finance feed").click()
    after_action(page, "api-token-revoke")
    page.get_by_role("button", name="Revoke token").click()
    after_action(page, "api-tokens-revoked")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("was revoked")
    expect(page.get_by_role("region", name="Your API tokens")).to_contain_text("Revoked")
    answer = page.request.get(f"{live_server.url}/api/strategies", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status == 401
