"""Web load: the portal under gunicorn, one page at a time, driven by locust (headless) at 20 concurrent users.

    .venv/bin/python -m bench.web --quick|--full [--out bench/.data/web.json]

gunicorn runs `bench.baseline_wsgi:application` with `bench.settings` (the portal, plus the minimal baseline view
`/bench-baseline/` of bench/urls.py, plus a Django-free `/bench-wsgi/` page) with 2 x cores + 1 sync workers on
127.0.0.1:8077, against portal_bench and Redis db 5, DJANGO_DEBUG=0. Sessions are made directly in portal_bench
for benchmark users (no sign-in load, nothing for django-axes to count).

For each page: a warm-up, then `users` virtual users request it back to back (no think time) for `duration`
seconds, and again with a single user (the page's service time on an otherwise idle server). This is done first
as the portal is deployed in production (CACHE_URL = Redis db 5, emptied first, so page bodies come from one
cache shared by the workers while the data they show is unchanged; the warm-up reads every page the run will ask
for once, as earlier readers would have), then for the cached pages again with the cache switched off
(bench/settings_nocache.py: every request computes its page from the database, as the first reader after a
change does). A measurement during which other people's processes took more than OTHER_LOAD_LIMIT cores is
repeated (up to twice) and the quietest run kept.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import common

HOST = "127.0.0.1"
PORT = 8077
WORKERS = 2 * (os.cpu_count() or 1) + 1
SCENARIOS = ["baseline", "wsgi", "reference", "dashboard", "home", "deliverable", "csv"]
SETTINGS_MODULE = "bench.settings"
NOCACHE_SCENARIOS = ["dashboard", "home", "deliverable"]  # the pages that keep a cache (the CSV export does not)
NOCACHE_SETTINGS = "bench.settings_nocache"
SETTINGS = {
    "full": {"users": 20, "duration": 60, "single_duration": 20},
    "quick": {"users": 20, "duration": 12, "single_duration": 6},
}


def session_maker():
    """A function giving a new session cookie for a benchmark user (by id), made directly in portal_bench as
    django.contrib.auth.login would; the sessions made before are deleted first."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from accounts.models import User

    Session.objects.all().delete()
    people = {u.pk: u for u in User.objects.all()}

    def session(user_id: int) -> str:
        user = people[user_id]
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    return session


def make_sessions(manifest: dict, users: int) -> dict:
    """Session cookies for benchmark users, created directly in portal_bench (as django.contrib.auth.login would)."""
    from django.db import connection

    session = session_maker()

    strategy = manifest["main"][0]["slug"]
    readers = manifest["users"]["board"] + manifest["users"]["clerks"] + [manifest["users"]["leads"][0]]
    owned = manifest["officer_deliverables"]
    officers = sorted(owned, key=int)[:users]
    dashboard = f"/strategies/{strategy}/dashboard/"
    sessions = {
        "baseline": [{"session": None, "paths": ["/bench-baseline/"]} for _ in range(users)],
        "wsgi": [{"session": None, "paths": ["/bench-wsgi/"]} for _ in range(users)],
        "dashboard": [{"session": session(readers[i % len(readers)]), "paths": [dashboard]} for i in range(users)],
        "csv": [
            {"session": session(readers[i % len(readers)]), "paths": [dashboard + "deliverables.csv"]}
            for i in range(users)
        ],
        "home": [{"session": session(int(officer)), "paths": ["/"]} for officer in officers],
        # A signed-in page with no data of its own (the accessibility statement): Django's floor for a page.
        "reference": [{"session": session(int(officer)), "paths": ["/accessibility/"]} for officer in officers],
        "deliverable": [
            {"session": session(int(officer)), "paths": [f"/deliverables/{pk}/" for pk in owned[officer]]}
            for officer in officers
        ],
    }
    sessions["mixed"] = mixed_identities(manifest, users, session)
    connection.close()
    return sessions


def mixed_identities(manifest: dict, users: int, session) -> list[dict]:
    """The soak test's population: officers, board members and clerks using the portal together, each reading
    the pages of their role (a path listed more than once is asked for more often)."""
    strategy = manifest["main"][0]["slug"]
    dashboard = f"/strategies/{strategy}/dashboard/"
    owned = manifest["officer_deliverables"]
    officers = sorted(owned, key=int)
    board, clerks = manifest["users"]["board"], manifest["users"]["clerks"]
    identities = []
    for i in range(users):
        if i % 10 in (8,):  # clerks: reports, the dashboard, now and then its CSV
            paths = ["/reports/"] * 3 + [dashboard] * 6 + [dashboard + "deliverables.csv"]
            identities.append({"session": session(clerks[i % len(clerks)]), "paths": paths})
        elif i % 10 in (3, 6, 9):  # board members: the dashboard and its drill-downs, updates to review
            paths = [dashboard] * 4 + [dashboard + "?status=red", dashboard + "?page=2", "/review/", "/"]
            identities.append({"session": session(board[i % len(board)]), "paths": paths})
        else:  # officers: their home and their deliverables, sometimes the strategy and its dashboard
            officer = officers[i % len(officers)]
            own = [f"/deliverables/{pk}/" for pk in owned[officer][:30]]
            paths = ["/"] * 10 + own + [f"/strategies/{strategy}/"] * 2 + [dashboard] * 3 + ["/accessibility/"]
            identities.append({"session": session(int(officer)), "paths": paths})
    return identities


def prepare(mode: str, users: int) -> tuple[Path, dict, dict, Path]:
    """The folder for locust's files, the data's manifest, fresh sessions for every scenario, and their file."""
    out = common.DATA / mode / "locust"
    out.mkdir(parents=True, exist_ok=True)
    manifest = common.read_json(common.DATA / "manifest.json")
    sessions = make_sessions(manifest, users)
    sessions_file = common.DATA / "sessions.json"
    common.write_json(sessions_file, sessions)
    return out, manifest, sessions, sessions_file


def soak(mode: str, seconds: int) -> dict:
    """Issue #7's load check: 20 users of every role together for `seconds` on the benchmark data, as served."""
    import redis

    cfg = SETTINGS[mode]
    out, manifest, sessions, sessions_file = prepare(mode, cfg["users"])
    redis.Redis.from_url(common.BROKER_URL).flushdb()
    log = common.DATA / mode / "gunicorn-soak.log"
    server = start_gunicorn(log, CACHE_URL=common.BROKER_URL)
    try:
        warm_up(sessions["mixed"])
        result = run_locust("mixed", cfg["users"], seconds, sessions_file, out / "mixed-soak")
    finally:
        stop(server)
        redis.Redis.from_url(common.BROKER_URL).flushdb()
    failures = out / "mixed-soak_failures.csv"
    if failures.exists():
        with open(failures, newline="") as handle:
            result["failures"] = [dict(row) for row in csv.DictReader(handle)]
    return {"users": cfg["users"], "duration_s": seconds, "workers": WORKERS, "mixed": result,
            "population": {"officers": sum(1 for i in range(cfg["users"]) if i % 10 not in (3, 6, 8, 9)),
                           "board": sum(1 for i in range(cfg["users"]) if i % 10 in (3, 6, 9)),
                           "clerks": sum(1 for i in range(cfg["users"]) if i % 10 == 8)}}  # fmt: skip


def start_gunicorn(log: Path, settings: str = SETTINGS_MODULE, port: int = PORT, **extra_env: str) -> subprocess.Popen:
    command = [
        str(common.VENV_BIN / "gunicorn"), "bench.baseline_wsgi:application",
        "-w", str(WORKERS), "-b", f"{HOST}:{port}", "--error-logfile", str(log),
    ]  # fmt: skip
    env = common.bench_env(DJANGO_SETTINGS_MODULE=settings, **extra_env)
    process = subprocess.Popen(command, cwd=common.ROOT, env=env, start_new_session=True)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/bench-wsgi/", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise SystemExit("gunicorn did not start within 60 s")


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def warm_up(identities: list[dict], rounds: int | None = 3) -> int:
    """The first `rounds` paths of each identity (all of them with None) from several threads, so every gunicorn
    worker has loaded templates and connected, and the shared cache holds what earlier readers would have left.
    Returns the number of failed requests (the load run that follows counts its own errors)."""

    def fetch(identity: dict) -> int:
        failed = 0
        for path in identity["paths"][:rounds]:
            request = urllib.request.Request(f"http://{HOST}:{PORT}{path.replace('{n}', 'warm-up')}")  # noqa: S310
            if identity["session"]:
                request.add_header("Cookie", f"sessionid={identity['session']}")
            try:
                with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                    response.read()
            except OSError:  # HTTPError included
                failed += 1
        return failed

    batch = identities if len(identities[0]["paths"]) > 1 else identities[: 2 * WORKERS]
    with ThreadPoolExecutor(max_workers=2 * WORKERS) as pool:
        return sum(pool.map(fetch, batch))


def run_locust(scenario: str, users: int, duration: int, sessions_file: Path, prefix: Path) -> dict:
    command = [
        str(common.VENV_BIN / "locust"), "-f", str(common.BENCH / "locustfile.py"), "--headless",
        "-u", str(users), "-r", str(users), "-t", f"{duration}s", "-H", f"http://{HOST}:{PORT}",
        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    env = common.bench_env(BENCH_SCENARIO=scenario, BENCH_SESSIONS=str(sessions_file))
    with open(f"{prefix}.log", "w") as log:
        subprocess.run(command, cwd=common.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)  # noqa: S603
    with open(f"{prefix}_stats.csv", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == scenario)
    return {
        "requests": int(row["Request Count"]),
        "errors": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
        "mean_ms": float(row["Average Response Time"]),
        "max_ms": float(row["Max Response Time"]),
        "bytes": float(row["Average Content Size"]),
    }


def measured(label: str, attempt_fn, log=print) -> dict:
    """Run a measurement, repeating it (up to twice) if other work took too much CPU meanwhile."""
    runs = []
    for attempt in range(3):
        monitor = common.OtherLoad()
        with monitor:
            result = attempt_fn(attempt)
        result.update(monitor.as_dict(), attempt=attempt + 1)
        runs.append(result)
        log(
            f"  {label}: {result.get('rps', 0):8.1f} req/s  p50 {result.get('p50_ms', 0):7.0f} ms  "
            f"p95 {result.get('p95_ms', 0):7.0f} ms  errors {result.get('errors', 0)}  "
            f"(other load {monitor.cores_other:.2f} cores)"
        )
        if monitor.cores_other <= common.OTHER_LOAD_LIMIT:
            break
        log(f"  {label}: other processes used {monitor.cores_other:.2f} cores; measuring again")
        time.sleep(20)
    best = min(runs, key=lambda r: r["other_cores"])
    best["runs"] = len(runs)
    return best


def run(mode: str, only: list[str] | None = None) -> dict:
    """Every scenario in every configuration; or, with `only`, just those scenarios as served (a spot check)."""
    cfg = SETTINGS[mode]
    out, manifest, sessions, sessions_file = prepare(mode, cfg["users"])
    results: dict = {
        "workers": WORKERS,
        "users": cfg["users"],
        "duration_s": cfg["duration"],
        "single_duration_s": cfg["single_duration"],
        "strategy": manifest["main"][0],
        "pages": {},
        "single": {},
        "nocache": {},
        "single_nocache": {},
        "cache": "CACHE_URL = Redis (shared by the workers)",
    }

    def load(scenario: str, users: int, duration: int, tag: str) -> dict:
        return measured(
            f"{scenario}{' (no cache)' if 'nocache' in tag else ''} x{users}",
            lambda attempt: run_locust(scenario, users, duration, sessions_file, out / f"{scenario}-{tag}-{attempt}"),
        )

    def warm(scenario: str, log: Path, every_page: bool = False) -> None:
        if failed := warm_up(sessions[scenario], None if every_page else 3):
            print(f"  {scenario}: {failed} warm-up requests failed; see {log}")

    # As the portal is deployed: one cache shared by the workers (CACHE_URL, as the README recommends), so page
    # bodies come from the cache while the data they show is unchanged.
    import redis

    redis.Redis.from_url(common.BROKER_URL).flushdb()
    log = common.DATA / mode / "gunicorn.log"
    server = start_gunicorn(log, CACHE_URL=common.BROKER_URL)
    try:
        for scenario in only or SCENARIOS:
            warm(scenario, log, every_page=scenario in NOCACHE_SCENARIOS)
            results["pages"][scenario] = load(scenario, cfg["users"], cfg["duration"], f"u{cfg['users']}")
        for scenario in only or SCENARIOS:
            results["single"][scenario] = load(scenario, 1, cfg["single_duration"], "u1")
    finally:
        stop(server)
        redis.Redis.from_url(common.BROKER_URL).flushdb()
    if only:
        base = results["pages"].get("baseline", {}).get("rps")
        for row in results["pages"].values():
            row["ratio_to_baseline"] = round(row["rps"] / base, 4) if base else None
        return results
    # Computed from the database on every request: the cache switched off (bench/settings_nocache.py).
    log = common.DATA / mode / "gunicorn-nocache.log"
    server = start_gunicorn(log, NOCACHE_SETTINGS)
    try:
        for scenario in NOCACHE_SCENARIOS:
            warm(scenario, log)
            results["nocache"][scenario] = load(scenario, cfg["users"], cfg["duration"], f"nocache-u{cfg['users']}")
        for scenario in NOCACHE_SCENARIOS:
            results["single_nocache"][scenario] = load(scenario, 1, cfg["single_duration"], "nocache-u1")
    finally:
        stop(server)
    base = results["pages"]["baseline"]["rps"]
    for row in [*results["pages"].values(), *results["nocache"].values()]:
        row["ratio_to_baseline"] = round(row["rps"] / base, 4) if base else None
    return results


def main() -> None:
    parser = common.mode_parser(__doc__)
    parser.add_argument("--out")
    parser.add_argument("--scenarios", help=f"comma-separated subset of {','.join(SCENARIOS)}, as served only")
    parser.add_argument("--soak", type=int, metavar="SECONDS", help="only the mixed soak run (issue #7), this long")
    args = parser.parse_args()
    common.django_setup()
    if args.soak:
        common.write_json(Path(args.out or common.DATA / args.mode / "soak.json"), soak(args.mode, args.soak))
        return
    only = args.scenarios.split(",") if args.scenarios else None
    if only and not args.out:
        parser.error("--scenarios needs --out, so the full run's web.json is kept")
    result = run(args.mode, only)
    common.write_json(Path(args.out or common.DATA / args.mode / "web.json"), result)


if __name__ == "__main__":
    main()
