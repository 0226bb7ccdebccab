"""The portal as deployed in production mode (DJANGO_PRODUCTION=1): collectstatic with hashed file names, then
gunicorn behind a TLS proxy (simulated by X-Forwarded-Proto), checked over plain HTTP: the sign-in page, a
signed-in page, the 404 page and a static file answer correctly.

Found in review: a stylesheet referred to an image the repository does not ship, so collectstatic failed and
gunicorn answered 500 on every page ("Missing staticfiles manifest entry"); `check --deploy` did not notice.
"""

import os
import re
import secrets
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests import factories
from tests.integration.test_real_outage import free_port, tail, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path: Path) -> dict:
    db = connection.settings_dict
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        DJANGO_SETTINGS_MODULE="strategy_portal.settings",
        DJANGO_PRODUCTION="1",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        PYTHONUNBUFFERED="1",
    )
    return env


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class BehindProxy:
    """A browser reaching the portal through the council's TLS proxy: every request says it came over HTTPS.
    Cookies are kept by hand, since the portal's are Secure and urllib would not send them over plain HTTP."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(_NoRedirects)

    def request(self, path: str, data: dict | None = None, https: bool = True):
        url = self.base + path
        assert url.startswith("http://127.0.0.1:")
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = self.base.replace("http://", "https://") + path  # checked by CSRF over HTTPS
        request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 - loopback, checked above
        try:
            response = self.opener.open(request, None, 30)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            text = response.read().decode("utf-8", errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.headers, text


def test_production_mode_serves_pages_and_static_files(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: gunicorn in another process reads the test database")
    officer = factories.UserFactory(username="prod-officer", first_name="Priya", last_name="Shah")
    env = production_env(tmp_path)

    collected = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT,
                               env=env, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert collected.returncode == 0, f"collectstatic failed:\n{collected.stdout}\n{collected.stderr}"
    assert (tmp_path / "static" / "staticfiles.json").exists()

    port = free_port()
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as handle:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "strategy_portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers",
             "1", "--timeout", "60", "--no-control-socket"],
            cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        browser = BehindProxy(f"http://127.0.0.1:{port}")

        def ready():
            if server.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{tail(log)}")
            try:
                return browser.request("/health/")[0] == 200
            except OSError:
                return False

        wait_until(ready, 60, "gunicorn to answer /health/", interval=0.2)

        # Plain HTTP is sent to HTTPS.
        status, headers, _ = browser.request("/sign-in/", https=False)
        assert status == 301 and headers["Location"].startswith("https://")

        status, headers, page = browser.request("/sign-in/")
        assert status == 200, f"{status}\n{page[:2000]}\n{tail(log)}"
        assert "Sign in" in page and "Strict-Transport-Security" in headers
        stylesheet = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "the sign-in page does not link the hashed stylesheet"

        status, headers, css = browser.request(stylesheet.group(1))
        assert status == 200 and headers["Content-Type"].startswith("text/css") and ".govuk-header" in css
        assert "max-age=315360000" in headers.get("Cache-Control", "")  # hashed names are cached for ever

        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, headers, _ = browser.request(
            "/sign-in/", {"csrfmiddlewaretoken": token, "username": officer.username, "password": factories.PASSWORD}
        )
        assert status == 302, tail(log)
        status, _, home = browser.request("/")
        assert status == 200 and "Priya Shah" in home and "Sign out" in home

        status, _, missing = browser.request("/no-such-page/")
        assert status == 404 and "Page not found" in missing
        assert "Traceback" not in missing and "urlpatterns" not in missing
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(10)
