"""`make run` as a developer starts it: SQLite, no Redis. A real Celery worker runs beside the web server on the
embedded (filesystem) broker, so "Generate PDF" answers at once and the report page shows "being generated",
then "ready"; stopping the command leaves no process behind.

Found in review: `make run` ran tasks in-process, so "Generate PDF" held the clerk's request for the whole render
and the page never showed a version being generated.
"""

import html
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.integration.test_production_mode import BehindProxy
from tests.integration.test_real_outage import free_port, tail, wait_until

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


class FormFields(HTMLParser):
    """The fields a browser would send from the first form with a CSRF token: inputs, selected options,
    textareas (with their initial text), ticked checkboxes."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._select = self._textarea = None
        self._text: list[str] = []
        self._done = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._done or "name" not in a and tag != "option":
            return
        if tag == "input" and a.get("type") not in {"submit", "button", "file"}:
            if a.get("type") not in {"checkbox", "radio"} or "checked" in a:
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, html.unescape("".join(self._text)).lstrip("\n")))
            self._textarea = None
        elif tag == "form" and self.fields:
            self._done = True

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def form_fields(page: str) -> list[tuple[str, str]]:
    parser = FormFields()
    parser.feed(page[page.index("<main") :])
    return parser.fields


class Browser(BehindProxy):
    """Plain HTTP to runserver: no proxy header, and the form fields sent as a list (repeated names kept)."""

    def post(self, path: str, fields: list[tuple[str, str]]):
        url = self.base + path
        body = urllib.parse.urlencode(fields).encode()
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Referer": url,
                   "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
        request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 - loopback
        try:
            response = self.opener.open(request, None, 60)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            text = response.read().decode("utf-8", errors="replace")
            self._keep_cookies(response)
            return response.status, response.headers, text

    def _keep_cookies(self, response):
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value

    def get(self, path: str):
        return self.request(path, https=False)


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def make_run_command() -> tuple[list[str], dict[str, str]]:
    """The last command of the Makefile's `run` recipe, which serves the portal, checked to be this one, and the
    variables it sets (`env ... NAME=value ...`)."""
    recipe = re.search(r"^run:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.MULTILINE).group(1)
    serve = recipe.strip().splitlines()[-1]
    assert "manage.py run_local 127.0.0.1:$(PORT)" in serve, serve
    variables = dict(re.findall(r"(?:^|\s)([A-Z][A-Z0-9_]*)=(\S*)", serve.split("manage.py")[0]))
    return [sys.executable, "manage.py", "run_local"], variables


def run_env(tmp_path: Path, variables: dict[str, str]) -> dict:
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR"}
    env = {k: v for k, v in os.environ.items() if k in keep} | variables
    env.update(DJANGO_SETTINGS_MODULE="strategy_portal.settings", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               DJANGO_MEDIA_ROOT=str(tmp_path / "media"), PYTHONUNBUFFERED="1")  # fmt: skip
    return env


def prepare(env: dict) -> None:
    for step in (["migrate", "--no-input", "-v", "0"], ["load_demo"]):
        done = subprocess.run([sys.executable, "manage.py", *step], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=300)  # fmt: skip
        assert done.returncode == 0, f"{step} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"


def with_meeting_date(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The clerk types the date of the meeting (one box, or GOV.UK day, month and year boxes)."""
    parts = {"meeting_date": "2027-01-14", "meeting_date_0": "14", "meeting_date_1": "1", "meeting_date_2": "2027"}
    return [(name, value or parts.get(name, value)) for name, value in fields]


def sign_in_and_create_report(browser: Browser) -> str:
    _, _, page = browser.get("/sign-in/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, _, _ = browser.post(
        "/sign-in/", [("csrfmiddlewaretoken", token), ("username", "clerk"), ("password", "demo-pass-2026")]
    )
    assert status == 302, "the demo clerk could not sign in"
    _, _, index = browser.get("/reports/")
    slug = re.search(r'href="/strategies/([\w-]+)/reports/"', index).group(1)
    _, _, form = browser.get(f"/strategies/{slug}/reports/new/")
    status, headers, page = browser.post(f"/strategies/{slug}/reports/new/", with_meeting_date(form_fields(form)))
    assert status == 302, f"the report was not created:\n{page[page.index('<main') :][:3000]}"
    return headers["Location"]


def test_make_run_generates_pdfs_in_a_real_worker_and_stops_cleanly(tmp_path):
    command, variables = make_run_command()
    env = run_env(tmp_path, variables)
    prepare(env)
    port, log = free_port(), tmp_path / "run.log"
    with open(log, "w") as handle:
        supervisor = subprocess.Popen(
            [*command, f"127.0.0.1:{port}", "--broker-folder", str(tmp_path / "broker")],
            cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    started: set[int] = set()
    try:
        browser = Browser(f"http://127.0.0.1:{port}")

        def up():
            assert supervisor.poll() is None, f"make run's command exited:\n{tail(log)}"
            try:
                return browser.get("/health/")[0] == 200 and "ready." in log.read_text()
            except OSError:
                return False

        wait_until(up, 90, "the web server and the worker to start", interval=0.3)
        report = sign_in_and_create_report(browser)

        _, _, page = browser.get(report)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        began = time.monotonic()
        status, headers, _ = browser.post(f"{report}generate/", [("csrfmiddlewaretoken", token)])
        assert status == 302 and time.monotonic() - began < 5, "Generate PDF did not return at once"
        _, _, page = browser.get(headers["Location"])
        assert "being generated" in page, page[page.index("<main") :][:2000]

        def ready():
            _, _, body = browser.get(f"{report}status/")
            return body if re.search(r'"status": "(ready|failed)"', body) else None

        assert '"ready"' in wait_until(ready, 120, "the worker to make the PDF", interval=0.5), tail(log)
        _, _, page = browser.get(report)
        assert "Version 1 is ready" in page
        download = re.search(r'href="(/reports/versions/\d+/download/)"', page).group(1)
        cookies = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
        request = urllib.request.Request(browser.base + download, headers={"Cookie": cookies})  # noqa: S310
        assert browser.opener.open(request, None, 30).read(5) == b"%PDF-"
        started = descendants(supervisor.pid)
        assert len(started) >= 3, "expected the web server, the worker and its pool process"
    finally:
        started |= descendants(supervisor.pid)
        if supervisor.poll() is None:
            supervisor.send_signal(signal.SIGINT)  # Ctrl-C, as a developer stops `make run`
            supervisor.wait(60)
    time.sleep(0.5)
    left = sorted(pid for pid in started if alive(pid))
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes left running after make run stopped: {left}\n{tail(log)}"
