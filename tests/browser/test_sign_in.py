import pytest
from playwright.sync_api import expect

from tests.browser.helpers import after_action, check_a11y, sign_in, visit
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_are_styled_by_the_portal_css(page):
    visit(page, "/sign-in/", "sign-in-page")

    # Without the stylesheet axe would judge unstyled pages, so make sure it loaded.
    style = page.get_by_role("heading", level=1).evaluate("h1 => getComputedStyle(h1).fontFamily")
    assert style.lower().startswith("arial"), style
    header = page.locator(".govuk-header").evaluate("header => getComputedStyle(header).backgroundColor")
    assert header == "rgb(11, 12, 12)", header


def test_wrong_password_shows_the_error_summary(page, live_server, lead):
    sign_in(page, live_server, lead.username, "not-the-password", name="sign-in-error")

    expect(page).to_have_title("Error: Sign in – Digital Strategy Portal")
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    link = summary.get_by_role("link")
    expect(link).to_have_attribute("href", "#id_username")
    link.click()
    expect(page.get_by_label("Username", exact=True)).to_be_focused()


def test_lead_signs_in_opens_a_strategy_and_signs_out(page, live_server, lead, strategy):
    sign_in(page, live_server, lead.username, PASSWORD, name="home")
    expect(page).to_have_url(f"{live_server.url}/")
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu).to_contain_text(f"Signed in as {lead.get_full_name()}")

    menu.get_by_role("link", name="Strategies").click()
    after_action(page, "strategy-list")
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategies")

    page.get_by_role("link", name=strategy.title, exact=True).click()
    after_action(page, "strategy-detail")
    expect(page.get_by_role("heading", level=1)).to_have_text(strategy.title)

    page.get_by_role("button", name="Sign out").click()
    after_action(page, "signed-out")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_sign_in_with_the_keyboard_alone(page, live_server, officer):
    # An officer: a lead would go on to set up an authenticator app (tests/browser/test_sso_journey.py).
    visit(page, "/sign-in/", "sign-in-keyboard")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Username", exact=True)).to_be_focused()
    page.keyboard.type(officer.username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(PASSWORD)
    # Unlike a click, a key press does not wait for the navigation it starts.
    with page.expect_navigation():
        page.keyboard.press("Enter")

    after_action(page, "home-after-keyboard-sign-in")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_the_locked_out_page_leads_to_a_password_reset(page, live_server, lead, settings):
    settings.AXES_FAILURE_LIMIT = 2
    sign_in(page, live_server, lead.username, "not-the-password", name="sign-in-error-before-lock")
    page.get_by_label("Password", exact=True).fill("still-not-the-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    # Answered with 429, which after_action would refuse: check the page itself.
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in locked for now")
    check_a11y(page, "locked-out")

    page.get_by_role("button", name="Reset your password").click()
    after_action(page, "password-reset-from-lock")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
