"""The deadline-day benchmark (issue #19): board members read dashboards while officers save and submit.

    .venv/bin/python -m bench.deadline --quick|--full [--out bench/.data/<mode>/deadline.json]

gunicorn as served (bench/web.py's: 2 x cores + 1 sync workers, CACHE_URL = the benchmark's Redis, emptied first)
on its own port, against portal_bench. Then, from threads in this process (plain `requests`, no locust):

1. **Read-only**: 20 board members (sessions made directly in portal_bench, as bench/web.py does) read the
   dashboard of bench-main-1 (2,000 deliverables) back to back, no think time, some with a filter, the second
   page or "include updates not yet reviewed", for READ_ONLY seconds: the read-only p95 of this run.
2. **Deadline day**: the same 20 readers, and 20 officers each, every 2-5 s, opening the progress form of one of
   their deliverables in the open period and posting it as a real browser does (the CSRF token from the form,
   the version it shows): "Save as draft" (most often, 1 in 8 with a small CSV evidence file), or "Continue" and
   then "Submit for review" on the check page; and 2 board members accepting the updates submitted, every 2-4 s
   (the review page, then its form with "Accept"). For DURATION seconds (full 5 minutes, quick 1 minute).
3. **Nothing lost**: every save the generator saw succeed (a redirect to the next page) carried a unique token
   in "What has been achieved"; afterwards each must be in the update's history with its content, the latest
   one must be what the update holds now, each evidence file seen saved must be an Evidence row, each
   submission seen must have reached submitted (or accepted), and each acceptance must hold. Deadlocks are
   PostgreSQL's count for portal_bench (pg_stat_database) over the run; errors are any other answer. Then
   `status_rows_check` recomputes every status row from the updates.

Times are wall clock on this machine, shared with others' work: the run records the other load (common.OtherLoad)
and the server's CPU per request, which noise disturbs less.
"""

from __future__ import annotations

import random
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import common, web

PORT = 8177
SETTINGS = {"full": {"duration": 300, "read_only": 60}, "quick": {"duration": 60, "read_only": 20}}
READERS, OFFICERS, REVIEWERS = 20, 20, 2
TARGETS = {"dashboard_p95_ms": 150, "dashboard_ratio": 2.0, "save_p95_ms": 300}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


@dataclass
class Log:
    """What the load generator saw: response times by kind, errors, and every save that succeeded."""

    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    saves: list[dict] = field(default_factory=list)  # {deliverable, token, submit, file}
    accepted: list[int] = field(default_factory=list)  # update pks
    lock: threading.Lock = field(default_factory=threading.Lock)

    def time(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.times.setdefault(kind, []).append(seconds * 1000)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message[:300])


def _p(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def _session(cookie: str):
    import requests

    s = requests.Session()
    s.cookies.set("sessionid", cookie, domain=web.HOST)
    return s


def _timed(log: Log, kind: str, call, *args, **kwargs):
    started = time.perf_counter()
    response = call(*args, allow_redirects=False, timeout=60, **kwargs)
    log.time(kind, time.perf_counter() - started)
    return response


def reader(cookie: str, dashboard: str, stop: threading.Event, log: Log, kind: str) -> None:
    s, rng = _session(cookie), random.Random(cookie)
    paths = [dashboard] * 6 + [dashboard + "?page=2", dashboard + "?status=red", dashboard + "?include_submitted=yes"]
    while not stop.is_set():
        try:
            r = _timed(log, kind, s.get, f"http://{web.HOST}:{PORT}{rng.choice(paths)}")
            if r.status_code != 200 or "text/html" not in r.headers.get("Content-Type", ""):
                log.error(f"{kind} {r.status_code}")
        except Exception as exc:  # noqa: BLE001 - counted as an error, the run goes on
            log.error(f"{kind} {exc.__class__.__name__}: {exc}")


def _form_post(s, url: str, log: Log, rng, token: str, submit: bool, with_file: bool):
    page = _timed(log, "form", s.get, url)
    if page.status_code != 200:
        log.error(f"form {page.status_code} {url}")
        return None
    csrf, version = TOKEN.search(page.text), VERSION.search(page.text)
    if not (csrf and version):
        log.error(f"form without a version or CSRF token {url}")
        return None
    rag = rng.choice(["green", "green", "amber", "red"])
    data = {
        "csrfmiddlewaretoken": csrf.group(1), "version": version.group(1), "rag_status": rag,
        "percent_complete": str(rng.randrange(5, 95)), "achieved": f"Deadline-day work {token}.",
        "next_steps": "Carry on.", "risks_issues": "", "corrective_action": "Recovery plan." if rag == "red" else "",
        "action": "continue" if submit else "draft", "links-TOTAL_FORMS": "0", "links-INITIAL_FORMS": "0",
        "figures-TOTAL_FORMS": "0", "figures-INITIAL_FORMS": "0", "note": "",
    }  # fmt: skip
    files = {"evidence_files": (f"{token}.csv", b"measure,value\nvisits,12\n", "text/csv")} if with_file else None
    return _timed(log, "save", s.post, url, data=data, files=files, headers={"Referer": url})


def officer(cookie: str, deliverables: list[int], period: int, stop: threading.Event, log: Log) -> None:
    s, rng = _session(cookie), random.Random(cookie)
    n = 0
    while not stop.wait(rng.uniform(2, 5)):
        deliverable = rng.choice(deliverables)
        url = f"http://{web.HOST}:{PORT}/deliverables/{deliverable}/progress/{period}/"
        n += 1
        token, submit, with_file = f"{cookie[:8]}-{n}", rng.random() < 0.3, rng.random() < 0.125
        try:
            r = _form_post(s, url, log, rng, token, submit, with_file)
            if r is None:
                continue
            if r.status_code != 302:
                log.error(f"save {r.status_code} {url}")
                continue
            seen = {"deliverable": deliverable, "token": token, "submit": False, "file": with_file}
            with log.lock:
                log.saves.append(seen)
            if submit:
                deliverables.remove(deliverable)  # submitted: not editable until the board returns it
                if not deliverables:
                    return
                check = _timed(log, "check", s.get, f"http://{web.HOST}:{PORT}{r.headers['Location']}")
                data = {"csrfmiddlewaretoken": TOKEN.search(check.text).group(1)}
                data["version"] = VERSION.search(check.text).group(1)
                done = _timed(log, "submit", s.post, check.url, data=data, headers={"Referer": check.url})
                if done.status_code != 302:
                    log.error(f"submit {done.status_code} {check.url}")
                    continue
                seen["submit"] = True  # this save's own record (other officers append theirs meanwhile)
        except Exception as exc:  # noqa: BLE001 - counted as an error, the run goes on
            log.error(f"officer {exc.__class__.__name__}: {exc}")


def reviewer(cookie: str, strategy: int, stop: threading.Event, log: Log) -> None:
    from aims.models import ProgressUpdate

    s, rng = _session(cookie), random.Random(cookie)
    while not stop.wait(rng.uniform(2, 4)):
        waiting = list(
            ProgressUpdate.objects.filter(
                state="submitted", deliverable__strategy_id=strategy, achieved__contains="Deadline-day"
            )
            .order_by("?")
            .values_list("pk", flat=True)[:1]
        )
        if not waiting:
            continue
        url = f"http://{web.HOST}:{PORT}/updates/{waiting[0]}/"
        try:
            page = _timed(log, "review_page", s.get, url)
            found = TOKEN.search(page.text)
            if page.status_code != 200 or not found:
                continue  # reviewed by the other board member meanwhile
            r = _timed(log, "accept", s.post, url, data={"csrfmiddlewaretoken": found.group(1), "action": "accept"},
                       headers={"Referer": url})  # fmt: skip
            if r.status_code == 302:
                with log.lock:
                    log.accepted.append(waiting[0])
            elif "cannot be reviewed now" not in r.text:
                log.error(f"accept {r.status_code} {url}")
        except Exception as exc:  # noqa: BLE001 - counted as an error, the run goes on
            log.error(f"reviewer {exc.__class__.__name__}: {exc}")


def _people(manifest: dict) -> tuple[list, list, list[tuple[int, list[int]]]]:
    """Board members (readers and reviewers, by user id) and officers with their editable deliverables in the
    open period of bench-main-1 (no update yet, a draft, or returned)."""
    from aims.models import Deliverable, ProgressUpdate

    main, board = manifest["main"][0], manifest["users"]["board"]
    finished = ProgressUpdate.objects.filter(period_id=main["open_period"], state__in=["submitted", "accepted"])
    editable = (
        Deliverable.objects.filter(strategy_id=main["id"], is_active=True)
        .exclude(pk__in=finished.values("deliverable_id"))
        .values_list("owner_id", "pk")
    )
    by_owner: dict[int, list[int]] = {}
    for owner, pk in editable:
        by_owner.setdefault(owner, []).append(pk)
    officers = sorted(by_owner.items(), key=lambda item: -len(item[1]))[:OFFICERS]
    readers = [board[i % len(board)] for i in range(READERS)]
    return readers, board[:REVIEWERS], officers


def _phase(seconds: float, threads: list[threading.Thread], stop: threading.Event) -> None:
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(90)


def _deadlocks() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def _lost(log: Log) -> dict:
    """Every save seen to succeed, looked for in the database: in the history with its content, the latest one
    held now, its file an Evidence row, its submission submitted or accepted, every acceptance accepted."""
    from aims.models import Evidence, ProgressUpdate

    period = common.read_json(common.DATA / "manifest.json")["main"][0]["open_period"]
    history = ProgressUpdate.history.filter(period_id=period, achieved__contains="Deadline-day")
    in_history = set(history.values_list("achieved", flat=True))
    now = {u.deliverable_id: u for u in ProgressUpdate.objects.filter(period_id=period)}
    files = set(Evidence.objects.filter(original_name__endswith=".csv").values_list("original_name", flat=True))
    latest = {save["deliverable"]: save for save in log.saves}
    missing = [s["token"] for s in log.saves if f"Deadline-day work {s['token']}." not in in_history]
    not_latest = [d for d, s in latest.items() if now[d].achieved != f"Deadline-day work {s['token']}."]
    files_missing = [s["token"] for s in log.saves if s["file"] and f"{s['token']}.csv" not in files]
    not_submitted = [d for d, s in latest.items() if s["submit"] and now[d].state not in ("submitted", "accepted")]
    accepted = ProgressUpdate.objects.filter(pk__in=log.accepted)
    not_accepted = [u.pk for u in accepted if u.state != "accepted"]
    return {
        "saves_seen": len(log.saves), "submissions_seen": sum(s["submit"] for s in log.saves),
        "files_seen": sum(s["file"] for s in log.saves), "acceptances_seen": len(log.accepted),
        "missing_from_history": missing, "latest_not_held": not_latest, "files_missing": files_missing,
        "submissions_not_held": not_submitted, "acceptances_not_held": not_accepted,
        "lost": len(missing) + len(not_latest) + len(files_missing) + len(not_submitted) + len(not_accepted),
    }  # fmt: skip


def _summary(times: dict[str, list[float]], seconds: float) -> dict:
    return {
        kind: {"requests": len(v), "rps": round(len(v) / seconds, 1), "p50_ms": _p(v, 0.5), "p95_ms": _p(v, 0.95),
               "p99_ms": _p(v, 0.99), "mean_ms": round(statistics.fmean(v), 1) if v else 0}
        for kind, v in sorted(times.items())
    }  # fmt: skip


def _start(mode: str):
    import redis

    redis.Redis.from_url(common.BROKER_URL).flushdb()
    log = common.DATA / mode / "gunicorn-deadline.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    return web.start_gunicorn(log, port=PORT, CACHE_URL=common.BROKER_URL)


def run(mode: str) -> dict:
    from django.db import connection

    from aims import status_rows

    cfg = SETTINGS[mode]
    manifest = common.read_json(common.DATA / "manifest.json")
    main = manifest["main"][0]
    readers, reviewers, officers = _people(manifest)
    cookies = web.session_maker()
    dashboard = f"/strategies/{main['slug']}/dashboard/"
    server = _start(mode)
    try:
        read_only, mixed = Log(), Log()
        stop = threading.Event()
        threads = [threading.Thread(target=reader, args=(cookies(u), dashboard, stop, read_only, "dashboard"))
                   for u in readers]  # fmt: skip
        with common.OtherLoad() as quiet_load:
            _phase(cfg["read_only"], threads, stop)
        deadlocks_before = _deadlocks()
        stop = threading.Event()
        threads = [threading.Thread(target=reader, args=(cookies(u), dashboard, stop, mixed, "dashboard"))
                   for u in readers]  # fmt: skip
        threads += [threading.Thread(target=officer, args=(cookies(o), list(ds), main["open_period"], stop, mixed))
                    for o, ds in officers]  # fmt: skip
        threads += [threading.Thread(target=reviewer, args=(cookies(u), main["id"], stop, mixed)) for u in reviewers]
        connection.close()
        with common.OtherLoad() as busy_load:
            _phase(cfg["duration"], threads, stop)
        deadlocks = _deadlocks() - deadlocks_before
    finally:
        web.stop(server)
    differences = status_rows.check(strategy_ids=[main["id"]])
    return _result(cfg, read_only, mixed, quiet_load, busy_load, deadlocks, differences, officers)


def _result(cfg, read_only: Log, mixed: Log, quiet_load, busy_load, deadlocks, differences, officers) -> dict:
    quiet, busy = _summary(read_only.times, cfg["read_only"]), _summary(mixed.times, cfg["duration"])
    saves = mixed.times.get("save", []) + mixed.times.get("submit", [])
    lost = _lost(mixed)
    base = quiet.get("dashboard", {}).get("p95_ms") or 0
    dashboard_p95 = busy.get("dashboard", {}).get("p95_ms", 0)
    figures = {
        "dashboard_p95_ms": dashboard_p95,
        "dashboard_ratio": round(dashboard_p95 / base, 2) if base else None,
        "save_p95_ms": _p(saves, 0.95),
        "errors": len(read_only.errors) + len(mixed.errors),
        "deadlocks": deadlocks,
        "lost": lost["lost"],
        "status_row_differences": len(differences),
    }
    passed = {
        "dashboard_p95_ms": figures["dashboard_p95_ms"] <= TARGETS["dashboard_p95_ms"],
        "dashboard_ratio": figures["dashboard_ratio"] is not None and figures["dashboard_ratio"] <= 2.0,
        "save_p95_ms": figures["save_p95_ms"] <= TARGETS["save_p95_ms"],
        "errors": figures["errors"] == 0,
        "deadlocks": deadlocks == 0,
        "lost": lost["lost"] == 0,
        "status_row_differences": not differences,
    }
    return {
        "duration_s": cfg["duration"], "read_only_s": cfg["read_only"], "workers": web.WORKERS,
        "readers": READERS, "officers": len(officers), "reviewers": REVIEWERS,
        "figures": figures, "pass": passed, "read_only": quiet, "deadline_day": busy, "nothing_lost": lost,
        "errors_seen": (read_only.errors + mixed.errors)[:30], "differences": [str(d) for d in differences[:20]],
        "other_load": {"read_only": quiet_load.as_dict(), "deadline_day": busy_load.as_dict()},
    }  # fmt: skip


def main() -> None:
    parser = common.mode_parser(__doc__)
    parser.add_argument("--out")
    args = parser.parse_args()
    common.django_setup()
    result = run(args.mode)
    common.write_json(Path(args.out or common.DATA / args.mode / "deadline.json"), result)
    for name, value in result["figures"].items():
        print(f"{name:24} {value!s:>10}  {'pass' if result['pass'][name] else 'MISS'}")
    for kind, row in result["deadline_day"].items():
        print(f"  {kind:12} {row['requests']:6} requests  p50 {row['p50_ms']:7.1f}  p95 {row['p95_ms']:7.1f} ms")
    print(f"  read-only dashboard p95 {result['read_only'].get('dashboard', {}).get('p95_ms')} ms")


if __name__ == "__main__":
    main()
