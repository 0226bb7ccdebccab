"""The sign-out warning in a real browser: it opens before the session ends, takes focus, passes axe at both widths,
"Stay signed in" works from the keyboard, and when nobody answers the page goes to the sign-in page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import check_a11y, sign_in_directly

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_warning_opens_and_stay_signed_in_works_from_the_keyboard(page, live_server, officer, settings):
    settings.SESSION_COOKIE_AGE = 64
    settings.SESSION_WARNING_SECONDS = 60  # so the warning opens about 4 seconds after the page loads
    sign_in_directly(page, live_server, officer)
    page.goto("/")
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=15_000)
    expect(dialog).to_contain_text("we will sign you out in 1 minute if you do nothing")
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    expect(dialog.get_by_role("button", name="Close")).to_be_hidden()
    check_a11y(page, "sign-out-warning")
    with page.expect_response(lambda r: r.url.endswith("/session/keep-alive/")) as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 200
    expect(dialog).to_be_hidden()
    expect(page).to_have_url(f"{live_server.url}/")


def test_when_nobody_answers_the_page_goes_to_the_sign_in_page(page, live_server, officer, settings):
    settings.SESSION_COOKIE_AGE = 5
    settings.SESSION_WARNING_SECONDS = 4
    sign_in_directly(page, live_server, officer)
    page.goto("/strategies/")
    expect(page.get_by_role("dialog", name="You’re about to be signed out")).to_be_visible(timeout=10_000)
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=(/|%2F)strategies(/|%2F)$"), timeout=15_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_the_limit_from_sign_in_is_warned_of_without_offering_more_time(page, live_server, officer, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 6
    settings.SESSION_WARNING_SECONDS = 5
    sign_in_directly(page, live_server, officer)
    page.goto("/")
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog).to_contain_text("everyone is signed out some hours after signing in")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_hidden()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=(/|%2F)$"), timeout=15_000)
    expect(page.get_by_text("You have been signed out because you signed in more than")).to_be_visible()


def test_a_session_kept_alive_in_another_tab_is_not_ended_by_this_one(page, live_server, officer, settings):
    settings.SESSION_COOKIE_AGE = 6
    settings.SESSION_WARNING_SECONDS = 4
    sign_in_directly(page, live_server, officer)
    page.goto("/strategies/")
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=10_000)
    # Another tab's "Stay signed in": the same request, sent from outside this page's script.
    kept = page.evaluate(
        """async () => (await fetch("/session/keep-alive/", {method: "POST", headers: {"X-CSRFToken":
        document.querySelector("#timeout-warning input[name=csrfmiddlewaretoken]").value}})).status"""
    )
    assert kept == 200
    # When this page's time is up it asks, finds the session still there, and stays, dialog closed.
    expect(dialog).to_be_hidden(timeout=10_000)
    assert page.url == f"{live_server.url}/strategies/"
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign in")
