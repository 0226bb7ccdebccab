"""Headless Chromium for browser journeys: a `browser` per session and a fresh `page` per test.

Write journeys with the helpers in tests/browser/helpers.py (`visit`, `after_action`, `sign_in`), which run
axe-core on every page they reach.
"""

import os
from pathlib import Path

import pytest

from tests.browser.helpers import WIDE
from tests.sso.fixtures import council_sign_in, oidc_provider  # noqa: F401 - fixtures of the SSO journeys

# Playwright's sync API runs an event loop in the test thread; Django's ORM would refuse to run beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install -y --no-install-recommends chromium")
    from playwright.sync_api import sync_playwright

    home = tmp_path_factory.mktemp("chromium-home")
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=env)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # The site sends a Content-Security-Policy that would block the injected axe-core script.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport=WIDE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
