"""A strategy lead sets the council details committee reports show: the logo, with its alternative text, and who
reports are of. At 1280 px and at 320 px, with axe on every page."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import after_action, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_uploads_the_councils_logo(page, live_server, lead, strategy, tmp_path):
    """Every page is checked at 1280 and at 320 px by the helpers (axe, and no sideways scrolling)."""
    logo = tmp_path / "crest.png"
    buffer = io.BytesIO()
    Image.new("RGB", (600, 200), "#1d70b8").save(buffer, "PNG")
    logo.write_bytes(buffer.getvalue())
    sign_in_as(page, lead.username, factories.PASSWORD, "council-lead")
    page.goto(f"{live_server.url}/strategies/{strategy.slug}/")
    page.get_by_role("link", name="Change council details").click()
    after_action(page, "council-details")
    expect(page.get_by_role("heading", level=1)).to_have_text("Council details")

    page.get_by_label("Report of").fill("Director of Digital")
    page.get_by_label("Upload the council's logo").set_input_files(str(logo))
    page.get_by_role("button", name="Save council details").click()
    after_action(page, "council-details-error")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the logo's alternative text")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the logo file again")

    page.get_by_label("Upload the council's logo").set_input_files(str(logo))
    page.get_by_label("Alternative text for the logo").fill("Borough Council")
    page.get_by_role("button", name="Save council details").click()
    after_action(page, "council-details-saved")
    expect(page.get_by_role("img", name="Borough Council")).to_be_visible()
