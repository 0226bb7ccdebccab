"""Two nodes (issue #19, part 4): the portal on two web nodes and two Celery workers that share PostgreSQL, Redis
and object storage, with one web node and one worker killed (SIGKILL) under load and started again.

    .venv/bin/python -m bench.nodes [--seconds 150] [--kill-at 40] [--down-for 10]      (make bench-nodes)

On loopback: SeaweedFS (`weed mini`, the S3 store) on a fresh folder; a fresh database `portal_s3_nodes`
(migrated, the demo loaded into it, its evidence files going to the bucket); Redis db 6 as broker, page cache and
cached sessions; HAProxy in front of two gunicorn nodes (health check /health/ every second, a node out after two
failures; a request that cannot connect is sent to the other node, one already sent is never replayed); two
workers (prefork, one process each). Each node has a DJANGO_MEDIA_ROOT of its own that must still be empty at the
end: nothing is kept on a node's disk.

The load (threads with requests sessions, through HAProxy): officers saving drafts through the real form (GET,
then POST with its CSRF token and version; every third save with a small PDF), board members and officers reading
the dashboard, home and deliverable pages, and a clerk asking for a new report version ("Generate PDF") every
15 seconds whenever none is in progress (far more than a council would; workers are niced, standing in for their
own machines). At --kill-at seconds a version is requested and, once a worker has
claimed it, that worker and web node 1 are killed with SIGKILL (their whole process groups, as a machine would
die); after --down-for seconds both are started again. The workers run with short Celery limits
(CELERY_TASK_TIME_LIMIT=60, visibility 70 s, sweep every 5 s) so the killed worker's task is delivered again
within the run; production keeps the defaults (architecture.md).

Afterwards, from the database, the bucket and the worker logs: every save the load saw succeed is in the update's
history with its text and file (lost saves: 0 expected); every requested version is ready and was rendered to
completion exactly once (one "ready" task result per version across both workers' logs); each user-visible
error is listed with whether it was in flight on a killed process when it died. Results: bench/.data/nodes.json
and the "Two nodes" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
DATA = ROOT / "bench" / ".data" / "nodes"
DB_NAME = os.environ.get("NODES_DATABASE", "portal_s3_nodes")
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_URL = os.environ.get("NODES_REDIS_URL", "redis://127.0.0.1:6379/6")
LB, WEB_PORTS = 28341, {"web1": 28342, "web2": 28343}
S3_PORTS = {"master": 29333, "volume": 28080, "filer": 28888, "s3": 28333}
S3_KEY, S3_SECRET, BUCKET = "nodes-bench-key", "nodes-bench-secret-1", "portal-nodes"
STORAGE_URL = f"s3://{S3_KEY}:{S3_SECRET}@127.0.0.1:{S3_PORTS['s3']}/{BUCKET}?tls=0"
BASE = f"http://127.0.0.1:{LB}"
SAVERS, WEB_WORKERS = 6, 3  # officers saving at once; sync gunicorn workers per node (2 cores shared by all)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
ROWS = {"links-TOTAL_FORMS": "2", "links-INITIAL_FORMS": "0", "figures-TOTAL_FORMS": "2", "figures-INITIAL_FORMS": "0"}


def node_env(name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_PRODUCTION", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DATABASE_URL=DATABASE_URL,
        CELERY_BROKER_URL=REDIS_URL,
        CELERY_RESULT_BACKEND=REDIS_URL,
        CACHE_URL=REDIS_URL,
        STORAGE_URL=STORAGE_URL,
        DJANGO_MEDIA_ROOT=str(DATA / "node-disk" / name),
        DJANGO_SETTINGS_MODULE="strategy_portal.settings",
        DJANGO_DEBUG="0",
        DJANGO_LOG_LEVEL="WARNING",
        TRUSTED_PROXY_COUNT="1",
        CELERY_TASK_TIME_LIMIT="60",
        CELERY_TASK_SOFT_TIME_LIMIT="50",
        CELERY_VISIBILITY_TIMEOUT="70",
        CELERY_UNACKED_RESTORE_INTERVAL="5",
        PYTHONPATH=str(ROOT),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


# --- the processes ---------------------------------------------------------------------------------------------


@dataclass
class Proc:
    name: str
    command: list[str]
    env: dict[str, str]
    process: subprocess.Popen | None = None
    starts: int = 0

    @property
    def log(self) -> Path:
        return DATA / f"{self.name}.log"

    def start(self) -> None:
        self.starts += 1
        with open(self.log, "ab") as handle:
            handle.write(f"\n===== start {self.starts} at {time.time():.3f}\n".encode())
            handle.flush()
            self.process = subprocess.Popen(  # noqa: S603 - our own binaries, fixed arguments
                self.command, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
            )

    def kill(self) -> None:
        """SIGKILL to the whole process group: the master and every worker process, as if the machine died."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def weed() -> Proc:
    folder = DATA / "seaweedfs"
    (folder / "data").mkdir(parents=True)
    identity = {
        "name": "bench",
        "credentials": [{"accessKey": S3_KEY, "secretKey": S3_SECRET}],
        "actions": ["Admin", "Read", "List", "Tagging", "Write"],
    }
    (folder / "s3.json").write_text(json.dumps({"identities": [identity]}))
    binary = BIN / "weed" if (BIN / "weed").exists() else "weed"
    command = [
        str(binary),
        "mini",
        f"-dir={folder / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={S3_PORTS['master']}",
        f"-volume.port={S3_PORTS['volume']}",
        f"-filer.port={S3_PORTS['filer']}",
        f"-s3.port={S3_PORTS['s3']}",
        f"-s3.config={folder / 's3.json'}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-webdav=false",
        "-admin.ui=false",
        "-master.telemetry=false",
    ]
    return Proc("seaweedfs", command, dict(os.environ))


def s3_client():
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{S3_PORTS['s3']}",
        aws_access_key_id=S3_KEY,
        aws_secret_access_key=S3_SECRET,
        region_name="us-east-1",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def wait_for_bucket(seconds: float = 60) -> None:
    client, deadline = s3_client(), time.monotonic() + seconds
    while True:
        try:
            if BUCKET not in [b["Name"] for b in client.list_buckets().get("Buckets", [])]:
                client.create_bucket(Bucket=BUCKET)
            client.put_object(Bucket=BUCKET, Key="probe", Body=b"ok")
            client.delete_object(Bucket=BUCKET, Key="probe")
            return
        except Exception:  # noqa: BLE001 - not up yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def web(name: str) -> Proc:
    command = [
        str(BIN / "gunicorn"),
        "strategy_portal.wsgi:application",
        "-w",
        str(WEB_WORKERS),
        "-b",
        f"127.0.0.1:{WEB_PORTS[name]}",
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
    ]
    return Proc(name, command, node_env(name))


def worker(name: str) -> Proc:
    # Niced: in production workers have machines of their own; here two WeasyPrint renders would otherwise take
    # both shared cores from the web nodes (the first runs' saves waited up to 15 s behind them).
    command = [
        "nice",
        "-n",
        "10",
        str(BIN / "celery"),
        "-A",
        "strategy_portal",
        "worker",
        "--pool=prefork",
        "--concurrency=1",
        "--loglevel=INFO",
        "-n",
        f"{name}@bench",
        "--without-gossip",
        "--without-mingle",
    ]
    return Proc(name, command, node_env(name))


def haproxy() -> Proc:
    servers = "\n".join(
        f"  server {name} 127.0.0.1:{port} check inter 1s fall 3 rise 2" for name, port in WEB_PORTS.items()
    )
    config = f"""global
  maxconn 500
defaults
  mode http
  option httplog
  log stdout format raw local0
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  # The check is answered by the same sync workers as the pages, so it waits behind them when a node is busy: a
  # 1 s check timeout (the default, = inter) took both busy nodes out at once in the first run. A dead node
  # refuses the connection and is out after `fall` checks whatever this is.
  timeout check 10s
  retries 2
  option redispatch
frontend fe
  bind 127.0.0.1:{LB}
  default_backend be
backend be
  balance roundrobin
  option httpchk GET /health/
  http-request add-header X-Forwarded-For 127.0.0.1
{servers}
"""
    path = DATA / "haproxy.cfg"
    path.write_text(config)
    return Proc("haproxy", ["haproxy", "-db", "-f", str(path)], dict(os.environ))


def wait_http(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds} s")


# --- the data ---------------------------------------------------------------------------------------------------


def prepare_database() -> None:
    """A fresh database with the demo loaded into it (its evidence files into the bucket)."""
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c"]
    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {DB_NAME}"], check=True)  # noqa: S603
    subprocess.run([*psql, f"CREATE DATABASE {DB_NAME}"], check=True)  # noqa: S603
    env = node_env("setup")
    for command in (["migrate", "--no-input", "-v", "0"], ["load_demo"]):
        argv = [str(BIN / "python"), "manage.py", *command]
        subprocess.run(argv, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def django_setup() -> None:
    os.environ.update(node_env("bench"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def session_for(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def plan(savers: int) -> dict:
    """Who does what: officers with a deliverable they may record now, board members, a clerk and the reports."""
    from accounts.models import Role
    from aims.models import Deliverable, ReportingPeriod
    from aims.selectors import recordable_period
    from reports import services as report_services

    targets = []
    for period in ReportingPeriod.objects.filter(status=ReportingPeriod.Status.OPEN).select_related("strategy"):
        for deliverable in Deliverable.objects.filter(strategy=period.strategy).select_related("owner"):
            if deliverable.owner and recordable_period(deliverable=deliverable, period=period).refusal == "":
                targets.append((deliverable, period))
    random.Random(19).shuffle(targets)
    targets = targets[:savers]
    strategies = sorted({d.strategy for d, _ in targets}, key=lambda s: s.pk)
    reports, clerk = [], None
    for strategy in strategies:
        member = strategy.memberships.filter(role=Role.CLERK).select_related("user").first()
        closed = strategy.periods.filter(status=ReportingPeriod.Status.CLOSED).order_by("-end_date").first()
        if member and closed:
            clerk = clerk or member.user
            values = report_services.report_defaults(strategy=strategy, period=closed, user=member.user)
            values.update(reference_number=f"BENCH-{strategy.pk}", meeting_date=closed.end_date + dt.timedelta(days=60))
            answers = report_services.ReportAnswers(**values)
            reports.append(report_services.report_create(strategy=strategy, user=member.user, answers=answers).pk)
    readers = []
    for strategy in strategies:
        for member in strategy.memberships.filter(role=Role.BOARD).select_related("user")[:1]:
            readers.append(
                {
                    "session": session_for(member.user),
                    "paths": [f"/strategies/{strategy.slug}/dashboard/", "/review/", "/"],
                }
            )
    for deliverable, _period in targets[:2]:
        readers.append({"session": session_for(deliverable.owner), "paths": ["/", f"/deliverables/{deliverable.pk}/"]})
    return {
        "savers": [
            {"session": session_for(d.owner), "url": f"/deliverables/{d.pk}/progress/{p.pk}/", "update": [d.pk, p.pk]}
            for d, p in targets
        ],
        "readers": readers,
        "clerk": session_for(clerk) if clerk else None,
        "reports": reports,
    }


# --- the load ---------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str  # save, read, generate
    started: float
    ended: float
    status: int | None  # None: no answer (connection reset, timeout)
    ok: bool
    detail: str = ""
    marker: str = ""
    file_name: str = ""


@dataclass
class Load:
    plan: dict
    stop: threading.Event = field(default_factory=threading.Event)
    outcomes: list[Outcome] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)

    def session(self, key: str) -> requests.Session:
        client = requests.Session()
        client.cookies.set("sessionid", key, domain="127.0.0.1")
        return client

    def call(self, client, kind: str, method: str, path: str, **kwargs) -> tuple[requests.Response | None, Outcome]:
        started = time.time()
        try:
            response = client.request(method, BASE + path, timeout=60, allow_redirects=False, **kwargs)
        except requests.RequestException as exc:
            return None, Outcome(kind, started, time.time(), None, False, f"{method} {path}: {exc.__class__.__name__}")
        ok = response.status_code in (200, 302) and "/accounts/login" not in response.headers.get("Location", "")
        return response, Outcome(kind, started, time.time(), response.status_code, ok, f"{method} {path}")

    def saver(self, index: int, spec: dict) -> None:
        client, rng, n = self.session(spec["session"]), random.Random(index), 0
        while not self.stop.is_set():
            n += 1
            response, outcome = self.call(client, "read", "GET", spec["url"])
            self.record(outcome)
            if response is None or response.status_code != 200:
                time.sleep(1)
                continue
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
            version = re.search(r'name="version" value="(\d+)"', response.text)
            marker = f"bench save {index}-{n} {uuid.uuid4().hex[:8]}"
            data = {
                **ROWS,
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "version": version.group(1),
                "rag_status": "green",
                "percent_complete": str(rng.randint(1, 99)),
                "achieved": marker,
                "next_steps": "Carry on.",
                "risks_issues": "",
                "corrective_action": "",
                "action": "draft",
            }
            files, file_name = None, ""
            if n % 3 == 0:
                file_name = f"evidence-{index}-{n}.pdf"
                files = {"evidence_files": (file_name, PDF + marker.encode(), "application/pdf")}
            headers = {"Referer": BASE + spec["url"]}
            response, outcome = self.call(client, "save", "POST", spec["url"], data=data, files=files, headers=headers)
            outcome.marker, outcome.file_name = marker, file_name
            if response is not None and response.status_code == 200:  # the form again: refused, not saved
                outcome.ok, outcome.detail = False, outcome.detail + " refused: " + _problem(response.text)
            self.record(outcome)
            time.sleep(rng.uniform(1.0, 2.5))

    def reader(self, index: int, spec: dict) -> None:
        client, rng = self.session(spec["session"]), random.Random(100 + index)
        while not self.stop.is_set():
            self.record(self.call(client, "read", "GET", rng.choice(spec["paths"]))[1])
            time.sleep(rng.uniform(0.5, 1.5))

    def clerk(self) -> None:
        client, turn = self.session(self.plan["clerk"]), 0
        while not self.stop.wait(15):
            self.generate(client, self.plan["reports"][turn % len(self.plan["reports"])])
            turn += 1

    def generate(self, client, report_id: int) -> bool:
        """ "Generate PDF" on the report page, as a clerk would, unless a version is already in progress."""
        response, outcome = self.call(client, "read", "GET", f"/reports/{report_id}/")
        self.record(outcome)
        busy = 'disabled aria-disabled="true">Generate PDF' in (response.text if response is not None else "")
        if response is None or response.status_code != 200 or "Generate PDF" not in response.text or busy:
            return False
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
        data = {"csrfmiddlewaretoken": token.group(1) if token else ""}
        headers = {"Referer": f"{BASE}/reports/{report_id}/"}
        response, outcome = self.call(
            client, "generate", "POST", f"/reports/{report_id}/generate/", data=data, headers=headers
        )
        self.record(outcome)
        return outcome.ok

    def threads(self) -> list[threading.Thread]:
        jobs = [
            threading.Thread(target=self.saver, args=(i, s), daemon=True) for i, s in enumerate(self.plan["savers"])
        ]
        jobs += [
            threading.Thread(target=self.reader, args=(i, r), daemon=True) for i, r in enumerate(self.plan["readers"])
        ]
        if self.plan["clerk"] and self.plan["reports"]:
            jobs.append(threading.Thread(target=self.clerk, daemon=True))
        return jobs


def _problem(page: str) -> str:
    found = re.search(r'<ul class="govuk-list govuk-error-summary__list">\s*<li>\s*<a[^>]*>([^<]+)</a>', page)
    return found.group(1).strip() if found else "no error summary"


# --- the run ----------------------------------------------------------------------------------------------------


def busy_worker(load: Load, workers: dict[str, Proc], seconds: float = 60) -> tuple[str | None, int | None]:
    """Ask for a version and wait until a worker is rendering it: (that worker's name, the version's id)."""
    from reports.models import ReportVersion
    from strategy_portal.celery import app

    client = load.session(load.plan["clerk"])
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        generating = ReportVersion.objects.filter(status=ReportVersion.Status.GENERATING).first()
        if generating is None:
            if not ReportVersion.objects.filter(status=ReportVersion.Status.QUEUED).exists():
                load.generate(client, random.choice(load.plan["reports"]))
            time.sleep(0.5)
            continue
        active = app.control.inspect(timeout=2).active() or {}
        for host, tasks in active.items():
            if any(task.get("args") == [generating.pk] for task in tasks):
                return host.split("@")[0], generating.pk
        time.sleep(0.3)
    return None, None


def run(seconds: int, kill_at: int, down_for: int) -> dict:
    DATA.mkdir(parents=True, exist_ok=True)
    for old in DATA.iterdir():
        subprocess.run(["rm", "-rf", str(old)], check=True)  # noqa: S603,S607
    store = weed()
    store.start()
    procs: dict[str, Proc] = {}
    try:
        wait_for_bucket()
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        prepare_database()
        django_setup()
        load = Load(plan(savers=SAVERS))
        procs = {"web1": web("web1"), "web2": web("web2"), "worker1": worker("worker1"), "worker2": worker("worker2")}
        procs["haproxy"] = haproxy()
        for proc in procs.values():
            proc.start()
        for port in WEB_PORTS.values():
            wait_http(f"http://127.0.0.1:{port}/health/")
        wait_http(f"{BASE}/health/")
        time.sleep(3)  # the workers connect to Redis
        events = drive(load, procs, seconds, kill_at, down_for)
        finished = wait_for_versions(load, 300)
        result = verify(load, procs, events, seconds, finished)
    finally:
        for proc in procs.values():
            proc.stop()
        store.stop()
    return result


def drive(load: Load, procs: dict[str, Proc], seconds: int, kill_at: int, down_for: int) -> dict:
    events: dict = {"started": time.time()}
    jobs = load.threads()
    for job in jobs:
        job.start()
    time.sleep(kill_at)
    name, version_id = busy_worker(load, {k: v for k, v in procs.items() if k.startswith("worker")})
    victim = name if name in procs else "worker1"
    events["killed"] = {"web": "web1", "worker": victim, "version_in_render": version_id, "at": time.time()}
    procs["web1"].kill()
    procs[victim].kill()
    events["killed_by"] = time.time()  # both process groups gone
    at = events["killed"]["at"] - events["started"]
    print(f"  killed web1 and {victim} (rendering version {version_id}) at {at:.1f} s")
    time.sleep(down_for)
    procs["web1"].start()
    procs[victim].start()
    events["restarted_at"] = time.time()
    print(f"  started them again at {events['restarted_at'] - events['started']:.1f} s")
    remaining = seconds - (time.time() - events["started"])
    time.sleep(max(0, remaining))
    load.stop.set()
    for job in jobs:
        job.join(timeout=70)
    events["stopped"] = time.time()
    return events


def wait_for_versions(load: Load, seconds: float) -> bool:
    from reports.models import ReportVersion

    deadline = time.monotonic() + seconds
    pending = ReportVersion.Status.QUEUED, ReportVersion.Status.GENERATING
    while ReportVersion.objects.filter(status__in=pending).exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(2)
    return True


# --- the figures ------------------------------------------------------------------------------------------------


def verify(load: Load, procs: dict[str, Proc], events: dict, seconds: int, finished: bool) -> dict:
    outcomes = sorted(load.outcomes, key=lambda o: o.started)
    return {
        "seconds": seconds,
        "kill": {k: (round(v - events["started"], 1) if k == "at" else v) for k, v in events["killed"].items()},
        "restarted_at_s": round(events["restarted_at"] - events["started"], 1),
        "requests": len(outcomes),
        "saves": saves_check([o for o in outcomes if o.kind == "save"]),
        "reads": latency([o for o in outcomes if o.kind == "read"]),
        "versions": versions_check(events, procs, finished),
        "errors": errors_check(outcomes, events),
        "haproxy_5xx": haproxy_errors(),
        "node_disks": {
            name: sorted(str(p) for p in (DATA / "node-disk" / name).rglob("*") if p.is_file())
            for name in ("setup", "bench", "web1", "web2", "worker1", "worker2")
        },
    }


def latency(outcomes: list[Outcome]) -> dict:
    times = sorted((o.ended - o.started) * 1000 for o in outcomes if o.ok)
    pick = lambda q: round(times[min(len(times) - 1, int(q * len(times)))]) if times else None  # noqa: E731
    return {"count": len(outcomes), "ok": len(times), "p50_ms": pick(0.5), "p95_ms": pick(0.95), "max_ms": pick(1.0)}


def saves_check(saves: list[Outcome]) -> dict:
    """Every save the load saw succeed must be in the update's history with its text, and its file in the bucket
    with its content; a save whose answer was lost may or may not have been committed (counted either way)."""
    from django.core.files.storage import default_storage

    from aims.models import Evidence, ProgressUpdate

    history = set(ProgressUpdate.history.filter(achieved__startswith="bench save").values_list("achieved", flat=True))
    files = {e.original_name: e for e in Evidence.objects.filter(original_name__startswith="evidence-")}
    succeeded = [o for o in saves if o.ok]
    lost = [o.marker for o in succeeded if o.marker not in history]
    lost_files = []
    for o in succeeded:
        if o.file_name:
            evidence = files.get(o.file_name)
            body = default_storage.open(evidence.file.name).read() if evidence else b""
            if (
                not evidence
                or hashlib.sha256(body).hexdigest() != evidence.sha256
                or not body.endswith(o.marker.encode())
            ):
                lost_files.append(o.file_name)
    unanswered = [o for o in saves if o.status is None or o.status >= 500]
    return {
        **latency(saves),
        "succeeded": len(succeeded),
        "with_a_file": sum(1 for o in succeeded if o.file_name),
        "lost": len(lost),
        "lost_markers": lost[:10],
        "files_lost": len(lost_files),
        "lost_files": lost_files[:10],
        "refused": sum(1 for o in saves if o.status == 200),
        "refusals": sorted({o.detail.split(" refused: ")[-1] for o in saves if o.status == 200}),
        "no_answer": len(unanswered),
        "no_answer_committed": sum(1 for o in unanswered if o.marker in history),
    }


def versions_check(events: dict, procs: dict[str, Proc], finished: bool) -> dict:
    """Every version asked for during the run is ready, and exactly one task run finished rendering each: one
    "succeeded ... 'ready'" line per task id across both workers' logs (a duplicate would say "skipped")."""
    from reports.models import ReportVersion

    made = ReportVersion.objects.filter(requested_at__gte=_aware(events["started"])).order_by("pk")
    results: dict[str, list[str]] = {}
    for name in ("worker1", "worker2"):
        for task_id, result in re.findall(
            r"report_version_generate_task\[([0-9a-f-]+)\] succeeded in [0-9.]+s: '(\w+)'",
            procs[name].log.read_text(errors="replace"),
        ):
            results.setdefault(task_id, []).append(result)
    readies = sum(r.count("ready") for r in results.values())
    return {
        "all_finished": finished,
        "requested": made.count(),
        "ready": made.filter(status=ReportVersion.Status.READY).count(),
        "failed": [{"number": v.number, "reason": v.failure_reason} for v in made.filter(status="failed")],
        "attempts": {str(v.pk): v.attempts for v in made if v.attempts != 1},
        "rendered_to_ready": readies,
        "task_runs_ending_ready_twice": sum(1 for r in results.values() if r.count("ready") > 1),
        "skipped_runs": sum(r.count("skipped") for r in results.values()),
        "files_in_bucket": sum(
            1 for v in made if v.pdf and v.pdf.storage.exists(v.pdf.name) and v.docx.storage.exists(v.docx.name)
        ),
    }


def _aware(timestamp: float):
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)


def errors_check(outcomes: list[Outcome], events: dict) -> dict:
    """User-visible errors, each either in flight when a process died (started before the kill, answered after)
    or not: the second kind should not happen. In flight: sent before both process groups were gone and answered
    (or dropped) after the first SIGKILL was sent."""
    killing, killed = events["killed"]["at"], events["killed_by"]
    errors = [o for o in outcomes if not o.ok and not (o.status == 200 and o.kind == "save")]
    in_flight = [o for o in errors if o.started <= killed and o.ended >= killing]
    other = [o for o in errors if o not in in_flight]
    describe = lambda o: f"{o.kind} {o.detail} -> {o.status or 'no answer'} at {o.started - events['started']:.1f} s"  # noqa: E731
    return {
        "total": len(errors),
        "in_flight_on_killed_node": len(in_flight),
        "other": len(other),
        "in_flight": [describe(o) for o in in_flight],
        "others": [describe(o) for o in other[:20]],
        "raw": [o.__dict__ for o in errors],
    }


def haproxy_errors() -> dict:
    """Answers of 500 and over as HAProxy logged them, by the node that gave them (<NOSRV>: no node was up), with
    HAProxy's termination state (SH: the node closed the connection mid-request, i.e. died; SC: refused)."""
    counts: dict[str, int] = {}
    log = (DATA / "haproxy.log").read_text(errors="replace") if (DATA / "haproxy.log").exists() else ""
    found = re.findall(r" fe be/(\S+) \S+ (-?\d+) \S+ \S+ \S+ (\S{4}) \S+ \S+ \"\S+ (\S+)", log)
    for server, status, state, path in found:
        if (int(status) >= 500 or int(status) < 0) and path != "/health/":  # /health/: the bench's own start-up probe
            counts[f"{server} {status} {state}"] = counts.get(f"{server} {status} {state}", 0) + 1
    return counts


def write_results(result: dict) -> None:
    out = DATA.parent / "nodes.json"
    out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(json.dumps(result, indent=2, default=str))
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text() if path.exists() else ""
    start = text.find("\n## Two nodes")
    end = text.find("\n## ", start + 1) if start >= 0 else -1
    section = markdown(result)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        text = text[:start] + "\n" + section + (text[end:] if end >= 0 else "")
    path.write_text(text)


def markdown(r: dict) -> str:
    saves, versions, errors, kill = r["saves"], r["versions"], r["errors"], r["kill"]
    passed = lambda ok: "**pass**" if ok else "**FAIL**"  # noqa: E731
    disks = sum(len(files) for files in r["node_disks"].values())
    rows = [
        ("saves the load saw succeed, missing from the database afterwards", "0", saves["lost"], saves["lost"] == 0),
        ("their evidence files missing or different in the bucket", "0", saves["files_lost"], saves["files_lost"] == 0),
        (
            "report versions requested / ready / rendered to ready (task runs)",
            "all equal",
            f"{versions['requested']} / {versions['ready']} / {versions['rendered_to_ready']}",
            versions["requested"] == versions["ready"] == versions["rendered_to_ready"] and versions["all_finished"],
        ),
        (
            "task runs that rendered a version a second time",
            "0",
            versions["task_runs_ending_ready_twice"],
            versions["task_runs_ending_ready_twice"] == 0,
        ),
        ("user-visible errors in flight on a killed process", "counted", errors["in_flight_on_killed_node"], True),
        ("user-visible errors at any other time", "0", errors["other"], errors["other"] == 0),
        ("files on a node's own disk", "0", disks, disks == 0),
    ]
    table = "\n".join(f"| {name} | {target} | {value} | {passed(ok)} |" for name, target, value, ok in rows)
    return f"""## Two nodes

Written by `make bench-nodes` (`bench/nodes.py`, which says how it runs; raw figures `bench/.data/nodes.json`), not
by `make bench`. Two gunicorn nodes ({WEB_WORKERS} sync workers each) behind HAProxy, two Celery workers (prefork,
one process each), shared PostgreSQL (`{DB_NAME}`, the demo data), Redis db 6 and SeaweedFS; {SAVERS} officers
saving drafts through the real form (every third with a PDF), board members and officers reading, a clerk
asking for a report version every 15 seconds; {r["seconds"]} s. At {kill["at"]} s web node `{kill["web"]}` and
`{kill["worker"]}`, which was rendering version id {kill["version_in_render"]}, were killed (SIGKILL to their
process groups); both started again at {r["restarted_at_s"]} s.

| check | target | measured | |
|---|---|---|---|
{table}

- Saves: {saves["count"]} sent, {saves["succeeded"]} succeeded ({saves["with_a_file"]} with a file), p50
  {saves["p50_ms"]} ms, p95 {saves["p95_ms"]} ms; {saves["refused"]} refused by the form
  ({", ".join(saves["refusals"]) or "none"}); {saves["no_answer"]} got no answer or a 5xx, of which
  {saves["no_answer_committed"]} had been committed anyway (the draft is there when the person reloads; none lost).
- Reads: {r["reads"]["count"]} pages, p50 {r["reads"]["p50_ms"]} ms, p95 {r["reads"]["p95_ms"]} ms (2 shared
  cores, with other people's work on the machine).
- Versions whose start count is not 1 (id: starts): {versions["attempts"] or "none"}; failed:
  {versions["failed"] or "none"}; runs that found their version finished or taken and skipped it:
  {versions["skipped_runs"]}.
- Errors in flight when the processes died: {"; ".join(errors["in_flight"]) or "none"}. Others:
  {"; ".join(errors["others"]) or "none"}. HAProxy's 5xx by node and termination state:
  {r["haproxy_5xx"] or "none"}.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=150)
    parser.add_argument("--kill-at", type=int, default=40)
    parser.add_argument("--down-for", type=int, default=10)
    parser.add_argument("--from-json", action="store_true", help="only write RESULTS.md again from nodes.json")
    args = parser.parse_args()
    if args.from_json:
        write_results(json.loads((DATA.parent / "nodes.json").read_text()))
        return
    result = run(args.seconds, args.kill_at, args.down_for)
    write_results(result)


if __name__ == "__main__":
    main()
