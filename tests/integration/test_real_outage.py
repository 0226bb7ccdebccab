"""A real outage against a running portal: its own PostgreSQL and redis-server are stopped and started again
while gunicorn keeps serving, and everything is checked over plain HTTP as a person (or a load balancer) sees it.

- PostgreSQL stopped (`pg_ctl stop -m immediate`): signed-in pages, a sign-in and /health/ answer 503 with the
  GOV.UK "service unavailable" page (nothing internal shown); a progress update sent during the outage answers 503
  and says it was not saved. PostgreSQL started again: without restarting the portal, pages answer 200 within
  seconds (503 until then, never 500) and the update saved before the outage is there. A restart while the portal
  is idle is not seen at all (persistent connections are health-checked).
- redis-server killed: /health/ answers 200 "degraded" naming what is down (pages still work, so a load balancer
  must not take the web processes out); pages keep working, also with CACHE_URL on the same Redis (a second portal
  process): the page cache is a speed-up, pages render from the database without it. "Generate PDF" says the
  report could not be generated (the version is failed, not left queued). redis-server started again on the
  same port, empty: both portals recover without a restart and "Generate PDF" queues the task.

The machine's own PostgreSQL (5432) and Redis (6379) are never touched.
"""

import datetime as dt
import glob
import html
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg
import pytest
import redis

pytestmark = [pytest.mark.integration]

ROOT = Path(__file__).resolve().parents[2]
REQUIRE_REAL = os.environ.get("PORTAL_REQUIRE_REAL_SERVICES") == "1"
PASSWORD = "outage-test-pass-2026"
UNAVAILABLE_HEADING = "Sorry, the service is unavailable"
NOT_SAVED = "Your change has not been saved."
# Nothing about the fault may reach the person: no traceback, driver, exception class or address.
LEAKS = ["Traceback", "psycopg", "OperationalError", "InterfaceError", "ConnectionError", "redis", "kombu",
         "Connection refused", "connection failed", "127.0.0.1", "localhost", "Exception"]  # fmt: skip
RECOVERY_SECONDS = 15
PROMPT_SECONDS = 5  # an answer during an outage must come quickly, not after a hang


# The private services


def unavailable(reason: str):
    if REQUIRE_REAL:
        pytest.fail(f"PORTAL_REQUIRE_REAL_SERVICES=1 but the real outage test cannot run: {reason}")
    pytest.skip(reason)


_ports_handed_out: set[int] = set()


def free_port() -> int:
    """A free port below the ephemeral range, so no outgoing connection takes it while a server is down and must
    get it back; and not one already handed out here (not bound yet by the process it is meant for)."""
    try:
        ephemeral_low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral_low = 32768
    candidates = list(range(max(1024, ephemeral_low - 12000), ephemeral_low))
    random.shuffle(candidates)
    for port in candidates:
        if port in _ports_handed_out:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _ports_handed_out.add(port)
        return port
    raise AssertionError("no free port")


def wait_until(predicate, timeout: float, what: str, interval: float = 0.1):
    """Poll `predicate` until it returns something true; return that, or fail saying what did not happen."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class PrivatePostgres:
    """A throwaway cluster on 127.0.0.1:<free port>, socket in its own folder. As root, run as `postgres`."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="portal-outage-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self.as_postgres = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/portal"

    def _run(self, *args: str, timeout: float = 60) -> None:
        result = subprocess.run([*self.as_postgres, *args], capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise AssertionError(f"{args[0]} failed:\n{result.stdout}\n{result.stderr}\n{tail(self.log)}")

    def init(self) -> None:
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
        self.start()
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True) as c:
            c.execute("CREATE DATABASE portal")

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir}"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30",
                  "-o", options, "start")  # fmt: skip

    def stop(self) -> None:
        """A crash-like stop: every backend killed, no checkpoint, open connections dropped."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def running(self) -> bool:
        pid_file = self.data / "postmaster.pid"
        return pid_file.exists()

    def query(self, sql: str, *params):
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=portal", connect_timeout=5) as c:
            return c.execute(sql, params).fetchall()

    def cleanup(self) -> None:
        if self.data.exists() and self.running():
            subprocess.run([*self.as_postgres, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                            "-w", "stop"], capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    def __init__(self, binary: str):
        self.binary = binary
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="portal-outage-redis-"))
        self.log = self.dir / "redis.log"
        self.process: subprocess.Popen | None = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, db=db, socket_connect_timeout=2, socket_timeout=2)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir), "--logfile", str(self.log)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

        def answers():
            if self.process.poll() is not None:
                raise AssertionError(f"redis-server exited with {self.process.returncode}:\n{tail(self.log)}")
            try:
                return self.client().ping()
            except redis.RedisError:
                return False

        wait_until(answers, 15, "redis-server to answer")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: Redis disappears without closing anything."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def cleanup(self) -> None:
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def postgres_bindir() -> Path | None:
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    found = [d for d in found if (d / "pg_ctl").exists()]
    return max(found, key=lambda d: int(re.sub(r"\D", "", d.parent.name) or 0), default=None)


@pytest.fixture(scope="module")
def services():
    bindir = postgres_bindir()
    redis_server = shutil.which("redis-server")
    if bindir is None:
        unavailable("no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin")
    if redis_server is None:
        unavailable("no redis-server on PATH")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        unavailable("running as root, and initdb refuses root, but there is no runuser to run it as postgres")
    pg = PrivatePostgres(bindir)
    rd = PrivateRedis(redis_server)
    try:
        pg.init()
        rd.start()
        yield pg, rd
    finally:
        rd.cleanup()
        pg.cleanup()


# The running portal


def portal_env(pg: PrivatePostgres, rd: PrivateRedis, media: Path, **extra: str) -> dict:
    """Only what a deployed portal would have: nothing from the test run (DJANGO_ALLOW_ASYNC_UNSAFE, pytest's,
    PORTAL_REQUIRE_REAL_SERVICES, the shared DATABASE_URL...). DATABASE_CONN_MAX_AGE stays at its default."""
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        DJANGO_SETTINGS_MODULE="strategy_portal.settings",
        DJANGO_DEBUG="0",
        DATABASE_URL=pg.url,
        CELERY_BROKER_URL=rd.url(0),
        DJANGO_MEDIA_ROOT=str(media),
        DEMO_PASSWORD=PASSWORD,
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


class Portal:
    def __init__(self, name: str, env: dict, folder: Path, workers: int):
        self.name = name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = folder / f"{name}.log"
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "strategy_portal.wsgi", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", str(workers), "--timeout", "60", "--graceful-timeout", "5", "--access-logfile", "-",
                 "--no-control-socket"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def wait_ready(self) -> None:
        def ready():
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn {self.name} exited:\n{tail(self.log)}")
            try:
                return Client(self.base).get("/health/").status == 200
            except OSError:
                return False

        wait_until(ready, 60, f"the {self.name} portal to answer /health/ with 200", interval=0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # its own session: gunicorn and its workers
                self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def portals(services):
    """The portal as deployed (per-process cache) and a second one sharing its cache in Redis (CACHE_URL)."""
    pg, rd = services
    folder = Path(tempfile.mkdtemp(prefix="portal-outage-web-"))
    media = folder / "media"
    started = []
    try:
        env = portal_env(pg, rd, media)
        for command in (["migrate", "--no-input", "-v", "0"], ["load_demo"]):
            result = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True,
                                    text=True, timeout=180)  # fmt: skip
            assert result.returncode == 0, f"manage.py {command[0]} failed:\n{result.stdout}\n{result.stderr}"
        started.append(Portal("portal", env, folder, workers=2))
        started.append(Portal("portal-shared-cache", portal_env(pg, rd, media, CACHE_URL=rd.url(1)), folder, 1))
        for portal in started:
            portal.wait_ready()
        yield started[0], started[1]
    finally:
        for portal in started:
            portal.stop()
        for portal in started:  # shown with the test's output when it fails
            print(f"--- {portal.name} log (end) ---\n{tail(portal.log, 60)}")
        shutil.rmtree(folder, ignore_errors=True)


# A person with a browser, over plain HTTP


@dataclass
class Page:
    status: int
    headers: dict
    text: str
    seconds: float

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """Cookies, CSRF token from the form, no automatic redirects (each status is checked)."""

    def __init__(self, base: str, jar: CookieJar | None = None):
        self.base = base
        self.jar = jar if jar is not None else CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects)

    def request(self, method: str, path: str, fields: list[tuple[str, str]] | None = None, multipart=False) -> Page:
        url = path if path.startswith("http") else self.base + path
        assert url.startswith("http://127.0.0.1:"), url
        data, headers = None, {}
        if fields is not None:
            if multipart:
                boundary = uuid.uuid4().hex
                parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                         for name, value in fields]  # fmt: skip
                data = ("".join(parts) + f"--{boundary}--\r\n").encode()
                headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
            else:
                data = urllib.parse.urlencode(fields).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        try:
            request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310 - checked above
            response = self.opener.open(request, None, 30)
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx and 5xx
            response = error
        with response:
            body = response.read().decode("utf-8", errors="replace")
            return Page(response.status, {k.lower(): v for k, v in response.headers.items()}, body,
                        time.monotonic() - started)  # fmt: skip

    def get(self, path: str) -> Page:
        return self.request("GET", path)

    def post(self, path: str, fields, multipart=False) -> Page:
        return self.request("POST", path, fields, multipart)

    def follow(self, page: Page) -> Page:
        assert page.status in (301, 302, 303), f"expected a redirect, got {page.status}:\n{page.text[:1500]}"
        return self.get(page.location)

    def sign_in(self, username: str) -> Page:
        form = one_form(self.get("/sign-in/"), lambda f: f.has("username"))
        page = self.post("/sign-in/", form.values(username=username, password=PASSWORD))
        assert page.status == 302, f"sign-in as {username} failed ({page.status}):\n{page.text[:1500]}"
        return self.follow(page)


class Form:
    def __init__(self, action: str, enctype: str):
        self.action = action
        self.enctype = enctype
        self.fields: list[tuple[str, str]] = []  # what the browser would send, in order
        self.names: set[str] = set()  # every named control, sent or not (unticked boxes)

    def has(self, name: str) -> bool:
        return name in self.names

    def values(self, **changes: str | list[str]) -> list[tuple[str, str]]:
        sent = [(k, v) for k, v in self.fields if k not in changes]
        for name, value in changes.items():
            sent += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
        return sent


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.textarea: list | None = None
        self.select: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.form = Form(a.get("action") or "", a.get("enctype") or "")
            self.forms.append(self.form)
            return
        if tag == "option" and self.select is not None:
            value = a.get("value", "")
            self.select["first"] = value if self.select["first"] is None else self.select["first"]
            if "selected" in a:
                self.select["chosen"] = value
            return
        name = a.get("name")
        if self.form is None or not name:
            return
        self.form.names.add(name)
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            self.form.fields.append((name, a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self.textarea = [name, ""]
        elif tag == "select":
            self.select = {"name": name, "first": None, "chosen": None}

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            self.form.fields.append((name, text[1:] if text.startswith("\n") else text))  # HTML drops one newline
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"] if self.select["chosen"] is not None else self.select["first"]
            if chosen is not None:
                self.form.fields.append((self.select["name"], chosen))
            self.select = None
        elif tag == "form":
            self.form = None


def one_form(page: Page, matches) -> Form:
    assert page.status == 200, f"expected the form page, got {page.status}:\n{page.text[:1500]}"
    parser = _FormParser()
    parser.feed(page.text)
    forms = [f for f in parser.forms if matches(f)]
    assert len(forms) == 1, f"expected one matching form, found {len(forms)}"
    assert forms[0].has("csrfmiddlewaretoken"), "the form has no CSRF token"
    return forms[0]


# Checks


def errors(page: Page) -> str:
    found = re.search(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', page.text, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()) if found else page.text[:1500]


def assert_unavailable_page(page: Page, *, secrets: tuple[str, ...], change_not_saved: bool = False):
    assert page.status == 503, f"expected 503, got {page.status}:\n{page.text[:2000]}"
    assert page.seconds < PROMPT_SECONDS, f"the 503 took {page.seconds:.1f}s"
    assert page.headers.get("retry-after") == "60"
    assert f'<h1 class="govuk-heading-l">{UNAVAILABLE_HEADING}</h1>' in page.text
    assert 'class="govuk-header' in page.text and 'class="govuk-footer' in page.text  # the GOV.UK page itself
    text = html.unescape(page.text)
    for leak in (*LEAKS, *secrets):
        assert leak.lower() not in text.lower(), f"the 503 page shows {leak!r}"
    assert (NOT_SAVED in text) is change_not_saved, f"'{NOT_SAVED}' shown: {not change_not_saved}"


def health(portal: Portal) -> tuple[int, dict]:
    page = Client(portal.base).get("/health/")  # a load balancer: no cookies
    assert page.seconds < PROMPT_SECONDS, f"/health/ took {page.seconds:.1f}s"
    assert "no-cache" in page.headers.get("cache-control", "")
    return page.status, json.loads(page.text)


def find_progress_form(officer: Client) -> tuple[str, Form]:
    """From the officer's home page, the first deliverable whose update this period is a draft or not started."""
    home = officer.get("/")
    assert home.status == 200
    rows = re.findall(r'href="(/deliverables/\d+/)".*?app-state--(\w+)', home.text, re.S)
    assert rows, "the officer's home page lists no deliverables"
    for link, state in rows:
        if state in ("draft", "not_started"):
            detail = officer.get(link)
            assert detail.status == 200
            progress = re.search(r'href="(/deliverables/\d+/progress/\d+/)"', detail.text)
            if progress:
                form = one_form(officer.get(progress.group(1)), lambda f: f.has("achieved"))
                return progress.group(1), form
    raise AssertionError(f"no deliverable with an open draft or unstarted update among {rows}")


def save_progress(officer: Client, url: str, form: Form, achieved: str) -> Page:
    fields = form.values(achieved=achieved, rag_status="amber", percent_complete="55", action="draft")
    return officer.post(url, fields, multipart="multipart" in form.enctype)


# The tests


@contextmanager
def postgres_down(pg: PrivatePostgres):
    """PostgreSQL stopped for the block; started again if the block did not do it itself."""
    pg.stop()
    try:
        yield
    finally:
        if not pg.running():
            pg.start()


@contextmanager
def redis_down(rd: PrivateRedis):
    """Redis killed for the block; started again (same port, empty) if the block did not do it itself."""
    rd.kill()
    try:
        yield
    finally:
        if not rd.alive():
            rd.start()


def test_postgresql_outage_gives_503_and_recovers_without_losing_saved_updates(services, portals):
    pg, rd = services
    portal, _ = portals
    officer = Client(portal.base)
    home = officer.sign_in("officer")
    assert home.status == 200 and "Sign out" in home.text

    # Saved through the real form, before the outage.
    url, form = find_progress_form(officer)
    saved = f"Saved before the outage {uuid.uuid4().hex[:8]}"
    response = save_progress(officer, url, form, saved)
    assert response.status == 302, response.text[:2000]
    page = officer.follow(response)
    assert page.status == 200 and "update was saved as a draft" in page.text
    assert html.escape(saved) in page.text
    assert pg.query("SELECT count(*) FROM aims_progressupdate WHERE achieved = %s", saved) == [(1,)]
    form_again = one_form(page, lambda f: f.has("achieved"))  # the fresh version number, as a person would send

    newcomer = Client(portal.base)
    sign_in_form = one_form(newcomer.get("/sign-in/"), lambda f: f.has("username"))

    secrets = (str(pg.port), str(rd.port), str(pg.dir))
    with postgres_down(pg):
        for path in ("/", url, "/strategies/", "/dashboard/", "/sign-in/", "/health/"):
            assert_unavailable_page(officer.get(path), secrets=secrets)  # with the session cookie
        # Someone signing in during the outage (the form was fetched before it).
        assert_unavailable_page(
            newcomer.post("/sign-in/", sign_in_form.values(username="board", password=PASSWORD)),
            secrets=secrets, change_not_saved=True,
        )  # fmt: skip
        assert health(portal) == (503, {"status": "unavailable", "checks": {"database": "unavailable", "broker": "ok"}})

        lost = f"Sent during the outage {uuid.uuid4().hex[:8]}"
        assert_unavailable_page(save_progress(officer, url, form_again, lost), secrets=secrets, change_not_saved=True)

        pg.start()  # the portal is not restarted
        started, seen = time.monotonic(), []

        def home_answers():
            seen.append(officer.get("/").status)
            return seen[-1] == 200

        wait_until(home_answers, RECOVERY_SECONDS, "the home page to answer 200 again")
        print(f"pages answered 200 again {time.monotonic() - started:.2f}s after PostgreSQL was back: {seen}")
        assert set(seen) <= {200, 503}, f"while recovering: {seen}"
    for _ in range(6):  # every worker, not just the first to answer
        assert officer.get("/").status == 200
    assert health(portal) == (200, {"status": "ok", "checks": {"database": "ok", "broker": "ok"}})

    page = officer.get(url)
    assert page.status == 200
    assert html.escape(saved) in page.text, "the update saved before the outage is gone"
    assert html.escape(lost) not in page.text
    assert pg.query("SELECT count(*) FROM aims_progressupdate WHERE achieved = %s", saved) == [(1,)]
    assert pg.query("SELECT count(*) FROM aims_progressupdate WHERE achieved = %s", lost) == [(0,)]

    # A restart while the portal is idle: its persistent connections are dead, yet no one sees an error.
    pg.stop()
    pg.start()
    statuses = [officer.get(path).status for path in ("/", url, "/strategies/", "/", url, "/strategies/")]
    assert statuses == [200] * 6, statuses
    assert health(portal)[0] == 200

    # And the form works again: the same change, sent again, is saved.
    again = save_progress(officer, url, one_form(page, lambda f: f.has("achieved")), lost)
    assert again.status == 302, again.text[:2000]
    assert html.escape(lost) in officer.follow(again).text


def create_report(clerk: Client, reference: str) -> tuple[str, int]:
    """Through the form, as a clerk would: the first strategy on "Progress reports", the period it proposes."""
    index = clerk.get("/reports/")
    assert index.status == 200
    slug = re.search(r'href="/strategies/([\w-]+)/reports/"', index.text).group(1)
    form = one_form(clerk.get(f"/strategies/{slug}/reports/new/"), lambda f: f.has("meeting_date_0"))
    meeting = dt.date.today() + dt.timedelta(days=30)
    date = {
        "meeting_date_0": str(meeting.day),
        "meeting_date_1": str(meeting.month),
        "meeting_date_2": str(meeting.year),
    }
    created = clerk.post(f"/strategies/{slug}/reports/new/",
                         form.values(**date, reference_number=reference, scope="full"))  # fmt: skip
    assert created.status == 302, f"the report was not created: {errors(created)}"
    report_url = created.location
    detail = clerk.get(report_url)
    assert detail.status == 200 and "No PDF has been generated yet." in detail.text
    return report_url, int(re.search(r"/reports/(\d+)/$", report_url).group(1))


def generate_pdf(clerk: Client, report_url: str) -> Page:
    """Press "Generate PDF" on the report's page; return the page it leads to."""
    generate = one_form(clerk.get(report_url), lambda f: f.action.endswith("/generate/"))
    pressed = clerk.post(generate.action, generate.values())
    assert pressed.status == 302, f"Generate PDF answered {pressed.status} after {pressed.seconds:.1f}s"
    assert pressed.seconds < PROMPT_SECONDS, f"Generate PDF took {pressed.seconds:.1f}s"
    page = clerk.follow(pressed)
    assert page.status == 200
    return page


def versions(pg: PrivatePostgres, report_id: int) -> list[str]:
    return [row[0] for row in pg.query(
        "SELECT status FROM reports_reportversion WHERE report_id = %s ORDER BY number", report_id)]  # fmt: skip


def test_redis_outage_health_reports_it_pages_without_redis_work_and_all_recover(services, portals):
    pg, rd = services
    portal, shared_cache = portals
    clerk, officer = Client(portal.base), Client(portal.base)
    clerk.sign_in("clerk")
    officer.sign_in("officer")
    report_url, report_id = create_report(clerk, "OUT/1")
    cached = Client(shared_cache.base, clerk.jar)  # the clerk, on the portal that shares its cache in Redis
    assert cached.get("/").status == 200

    with redis_down(rd):
        assert health(portal) == (200, {"status": "degraded", "checks": {"database": "ok", "broker": "unavailable"}})
        down = {"database": "ok", "broker": "unavailable", "cache": "unavailable"}
        assert health(shared_cache) == (200, {"status": "degraded", "checks": down})

        # As deployed by default (a cache in each process), only the task queue needs Redis: pages keep working.
        for client, path in ((officer, "/"), (officer, "/strategies/"), (officer, "/dashboard/"), (clerk, report_url)):
            page = client.get(path)
            assert page.status == 200, f"{path} answered {page.status} with Redis down"
            assert page.seconds < PROMPT_SECONDS
        # With CACHE_URL on the same Redis the pages read the shared cache (the header's organisation name, page
        # bodies) and, finding it down, render from the database: still working, a little slower.
        for path in ("/", report_url, "/dashboard/"):
            page = cached.get(path)
            assert page.status == 200, f"{path} answered {page.status} with the shared cache down"
            assert page.seconds < PROMPT_SECONDS
        assert Client(shared_cache.base).get("/sign-in/").status == 200
        # Sessions there live in the cache and the database: with the cache down, the database alone serves.
        newcomer, leaver = Client(shared_cache.base), Client(shared_cache.base)
        newcomer.sign_in("officer")
        leaver.sign_in("board")
        assert newcomer.get("/").status == 200
        sign_out = one_form(leaver.get("/"), lambda f: f.action == "/sign-out/")
        assert leaver.post("/sign-out/", sign_out.values()).status == 302
        assert leaver.get("/").status == 302, "signed out while the cache was down, but still signed in"

        rd.start()  # the same port, empty, as after a crash; neither portal is restarted
        wait_until(lambda: health(portal)[1]["status"] == "ok", RECOVERY_SECONDS, "/health/ to recover")
        wait_until(lambda: health(shared_cache)[1]["status"] == "ok", RECOVERY_SECONDS,
                   "/health/ (shared cache) to recover")  # fmt: skip
    assert health(portal) == (200, {"status": "ok", "checks": {"database": "ok", "broker": "ok"}})
    assert health(shared_cache) == (200, {"status": "ok", "checks": {"database": "ok", "broker": "ok", "cache": "ok"}})
    for path in ("/", report_url):
        assert cached.get(path).status == 200, path
    assert Client(shared_cache.base).get("/sign-in/").status == 200
    assert newcomer.get("/").status == 200  # the session made while the cache was down, read from the database
    assert leaver.get("/").status == 302

    # The queue works again: "Generate PDF" queues the task (no worker runs here, so it stays queued).
    queued_before = rd.client(0).llen("celery")
    page = generate_pdf(clerk, report_url)
    assert "Version 1 is being generated" in html.unescape(page.text)
    assert versions(pg, report_id) == ["queued"]
    assert rd.client(0).llen("celery") == queued_before + 1, "the generation task is not in the queue"


def test_generate_pdf_while_redis_is_down_fails_clearly_and_can_be_tried_again(services, portals):
    pg, rd = services
    portal, _ = portals
    clerk = Client(portal.base)
    clerk.sign_in("clerk")
    report_url, report_id = create_report(clerk, "OUT/2")

    with redis_down(rd):
        # Pressed twice: how the web process fails can depend on what it did before (whether it already holds a
        # connection to the result store), and a clerk will try again.
        for number in (1, 2):
            page = generate_pdf(clerk, report_url)
            text = html.unescape(page.text)
            assert f"Version {number} could not be generated" in text
            assert "the task service is unavailable" in text and "try “Generate PDF” again" in text
            # Failed, not left queued with nothing to pick it up (which would refuse every later "Generate PDF").
            assert versions(pg, report_id) == ["failed"] * number
        status = json.loads(clerk.get(f"/reports/{report_id}/status/").text)
        assert [v["status"] for v in status["versions"]] == ["failed", "failed"]

    wait_until(lambda: health(portal)[0] == 200, RECOVERY_SECONDS, "/health/ to recover")
    page = generate_pdf(clerk, report_url)
    assert "Version 3 is being generated" in html.unescape(page.text)
    assert versions(pg, report_id) == ["failed", "failed", "queued"]
