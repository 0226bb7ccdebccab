"""Steps for browser journeys. Every page a journey reaches goes through `visit` or `after_action`,
so axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA, and axe's best practices: heading order, one main landmark,
everything inside a landmark...) runs on each of them, at the journey's width (1280 px) and
again at 320 CSS px, where the page must not scroll sideways (WCAG 1.4.10 Reflow).

Set PORTAL_SCREENSHOT_DIR to keep full-page screenshots of each checked page, named `<name>.png` (1280 px) and
`<name>-320.png`.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

from tests.sso.totp import code_from_secret, next_code

ENTER_CODE = "Enter the 6-digit code from your authenticator app"

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}

WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 900}

_axe = Axe()

# The elements that stick out past the viewport, outermost first: each one whose parent does not stick out
# itself, leaving out what sits inside a box that scrolls or clips (a table's own scrolling region). When that finds
# nothing (an absolutely positioned element escapes a scroller that is not its containing block), every element
# that sticks out, absolutely positioned ones first.
WIDEST_ELEMENTS_JS = """(limit) => {
  const clips = (el) => ["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(el).overflowX);
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map((c) => "." + c).join("") + " (right edge at "
    + Math.round(el.getBoundingClientRect().right) + " px, position " + getComputedStyle(el).position + ")";
  const out = (el) => el.getBoundingClientRect().right > limit + 0.5;
  const all = [...document.body.querySelectorAll("*")].filter(out);
  const outermost = all.filter((el) => {
    if (el.parentElement && el.parentElement !== document.body && out(el.parentElement)) return false;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) if (clips(a)) return false;
    return true;
  });
  const positioned = (el) => ["absolute", "fixed"].includes(getComputedStyle(el).position) ? 0 : 1;
  return (outermost.length ? outermost : all.sort((a, b) => positioned(a) - positioned(b))).slice(0, 8).map(describe);
}"""


def visit(page, url, name):
    """Go to `url` (a path such as "/strategies/" or a full URL), expect a status below 400, check the page."""
    response = page.goto(url)
    assert response is not None, f"no response for {url}"
    assert response.status < 400, f"{url} answered {response.status}"
    check_a11y(page, name)
    return response


def after_action(page, name):
    """Check the page reached by a click or a form submission (status below 400, then axe).

    A click waits for the navigation it starts; a key press does not, so wrap it:
    `with page.expect_navigation(): page.keyboard.press("Enter")`, then call this.
    """
    page.wait_for_load_state("load")
    # The status of the document on screen, after any redirects.
    status = page.evaluate("performance.getEntriesByType('navigation')[0].responseStatus")
    assert status < 400, f"{page.url} answered {status}"
    check_a11y(page, name)


def sign_in(page, live_server, username, password, name="after-sign-in"):
    """Fill in and send the sign-in form; `name` names the page it leads to (home, or the form with errors)."""
    visit(page, f"{live_server.url}/sign-in/", "sign-in")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    second_step(page, username, name)
    after_action(page, name)


def second_step(page, username, name):
    """After a right password, the second step if the portal asks for one: a strategy lead or superuser without
    an authenticator app sets one up (from the key on the page) and sees the recovery codes; a person with an app
    enters its code. Each page is checked like any other."""
    page.wait_for_load_state("load")
    path = urlsplit(page.url).path
    if path == "/two-factor/set-up/":
        check_a11y(page, f"{name}-set-up-app")
        page.get_by_label(ENTER_CODE).fill(code_from_secret(page.locator("#secret-key").inner_text()))
        page.get_by_role("button", name="Continue").click()
        after_action(page, f"{name}-recovery-codes")
        page.get_by_role("button", name="Continue").click()
    elif path == "/sign-in/code/":
        check_a11y(page, f"{name}-code")
        page.get_by_label(ENTER_CODE).fill(next_code(username))
        page.get_by_role("button", name="Continue").click()


def check_a11y(page, name):
    """Check the page as it is now at 1280 px, then at 320 px: axe-core at both widths (fail listing every
    violation), and no sideways scrolling at 320 px (fail naming the elements that stick out). Leaves the page at
    1280 px. Saves screenshots if asked to."""
    _screenshot(page, name)
    _check_axe(page, name)
    page.set_viewport_size(NARROW)
    try:
        _screenshot(page, f"{name}-320")
        _check_reflow(page, name)
        _check_axe(page, f"{name} at 320 px")
    finally:
        page.set_viewport_size(WIDE)


def _check_reflow(page, name):
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > NARROW["width"]:
        widest = page.evaluate(WIDEST_ELEMENTS_JS, NARROW["width"])
        raise AssertionError(
            f"{name} ({page.url}) scrolls sideways at 320 CSS px: the page is {width} px wide. Sticking out:\n"
            + "\n".join(f"- {element}" for element in widest or ["(no single element found)"])
        )


def _screenshot(page, name):
    if folder := os.environ.get("PORTAL_SCREENSHOT_DIR"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(folder) / f"{name}.png", full_page=True)


def _check_axe(page, name):
    violations = _axe.run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"axe found problems on {name} ({page.url}):\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(", ".join(n["target"]) for n in v["nodes"])
        for v in violations
    )


def sign_in_directly(page, live_server, person):
    """Give the browser a signed-in session without the sign-in form (the journeys test that form)."""
    client = Client()
    client.force_login(person)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def sign_in_as(page, username, password, name):
    """Like `sign_in`, with every screenshot named after `name`: `<name>-sign-in` for the form, `<name>` after."""
    visit(page, "/sign-in/", f"{name}-sign-in")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    second_step(page, username, name)
    after_action(page, name)


def sign_out(page, name):
    """Press "Sign out" in the service navigation and check the page it leads to."""
    page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out").click()
    after_action(page, name)
