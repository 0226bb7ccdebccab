"""`make run` shows the GOV.UK error pages, never Django's debug page (which lists every URL of the portal and
the settings), and still serves its static files over plain HTTP on localhost.

Found in review: `make run` ran with DEBUG on, so an unknown address showed "Using the URLconf defined in
strategy_portal.urls, Django tried these URL patterns" with every URL, and an error showed the traceback.
"""

import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.integration.test_real_outage import free_port, tail, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def run_env() -> dict:
    """What `make run` gives the portal: no DJANGO_* variables and no broker (Makefile `run`); only the
    database differs, so the server reads the test database."""
    db = connection.settings_dict
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.integration.run_mode_settings",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        PYTHONUNBUFFERED="1",
    )
    return env


def get(url: str):
    try:
        response = urllib.request.urlopen(url, timeout=30)  # noqa: S310 - loopback only
    except urllib.error.HTTPError as error:
        response = error
    with response:
        return response.status, response.headers, response.read().decode("utf-8", errors="replace")


def test_make_run_shows_the_govuk_error_pages_and_serves_static_files(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the server in another process reads the test database")
    port = free_port()
    log = tmp_path / "runserver.log"
    with open(log, "w") as handle:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT, env=run_env(), stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:

        def ready():
            if server.poll() is not None:
                raise AssertionError(f"runserver exited:\n{tail(log)}")
            try:
                return get(f"{base}/health/")[0] == 200
            except OSError:
                return False

        wait_until(ready, 60, "runserver to answer /health/", interval=0.2)

        status, _, missing = get(f"{base}/no-such-page/")
        assert status == 404, tail(log)
        assert '<h1 class="govuk-heading-l">Page not found</h1>' in missing
        assert "URLconf" not in missing and "admin/" not in missing, "Django's debug page, listing every URL"

        status, _, failed = get(f"{base}/test-only/fail/")
        assert status == 500
        assert '<h1 class="govuk-heading-l">Sorry, there is a problem with the service</h1>' in failed
        assert "Traceback" not in failed and "a defect in a view" not in failed

        # Plain HTTP on localhost works: no redirect to HTTPS, cookies a browser sends back over HTTP.
        status, headers, sign_in = get(f"{base}/sign-in/")
        assert status == 200 and "Sign in" in sign_in
        cookies = headers.get_all("Set-Cookie") or []
        assert cookies and not any("Secure" in cookie for cookie in cookies), cookies

        status, headers, css = get(f"{base}/static/css/portal.css")
        assert status == 200 and headers["Content-Type"].startswith("text/css") and ".app-table-scroll" in css
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(10)
