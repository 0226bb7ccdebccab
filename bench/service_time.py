"""Service time of the computed pages (cache off), one reader, in-process: issue #19's part 1 targets.

    .venv/bin/python -m bench.service_time --full [--repeat 15] [--out bench/.data/full/service_time.json]

The Django test Client under bench/settings_nocache.py (DummyCache: every request builds its page from the
database, as the first reader after a change does), signed in with force_login, against portal_bench: the
dashboard of `bench-main-1` (2,000 deliverables) as a board member, the home of the officer with the most
deliverables, and one of that officer's deliverable pages. Each page is requested twice to warm up, then
`--repeat` times; the figure is the median wall time per request, with the process's CPU time (Python) and the
time inside PostgreSQL as Django's query log records it (DEBUG-style capture). Wall clock on a shared machine
is noisy; CPU and database time are the steadier figures.
"""

from __future__ import annotations

import statistics
import time

from bench import common

TARGETS_MS = {"dashboard": 100, "home": 30, "deliverable": 30}


def _measure(client, url: str, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        assert client.get(url).status_code == 200, url
    walls, cpus, dbs, queries = [], [], [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        dbs.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        queries = len(ctx.captured_queries)
    return {
        "url": url,
        "median_ms": round(statistics.median(walls), 1),
        "min_ms": round(min(walls), 1),
        "cpu_ms": round(statistics.median(cpus), 1),
        "db_ms": round(statistics.median(dbs), 1),
        "queries": queries,
    }


def run(repeat: int) -> dict:
    from django.test import Client

    from accounts.models import User
    from aims.models import Deliverable

    manifest = common.read_json(common.DATA / "manifest.json")
    large = manifest["main"][0]
    board = User.objects.get(pk=manifest["users"]["board"][0])
    officer_id = max(manifest["officer_deliverables"], key=lambda k: len(manifest["officer_deliverables"][k]))
    officer = User.objects.get(pk=int(officer_id))
    deliverable = Deliverable.objects.filter(owner=officer, strategy_id=large["id"], is_active=True).first()
    pages = {
        "dashboard": (board, f"/strategies/{large['slug']}/dashboard/"),
        "home": (officer, "/"),
        "deliverable": (officer, f"/deliverables/{deliverable.pk}/"),
    }
    results = {}
    for name, (user, url) in pages.items():
        client = Client()
        client.force_login(user)
        results[name] = {**_measure(client, url, repeat), "target_ms": TARGETS_MS[name]}
        results[name]["pass"] = results[name]["median_ms"] <= TARGETS_MS[name]
    return {"deliverables": large["deliverables"], "repeat": repeat, "pages": results}


def main() -> None:
    parser = common.mode_parser(__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--out")
    args = parser.parse_args()
    common.django_setup(settings="bench.settings_nocache")
    result = run(args.repeat)
    common.write_json(common.Path(args.out or common.DATA / args.mode / "service_time.json"), result)
    for name, row in result["pages"].items():
        print(
            f"{name:12} {row['median_ms']:7.1f} ms median (min {row['min_ms']:.1f}), cpu {row['cpu_ms']:.1f} ms, "
            f"db {row['db_ms']:.1f} ms, {row['queries']} queries, target {row['target_ms']} ms: "
            f"{'pass' if row['pass'] else 'MISS'}"
        )


if __name__ == "__main__":
    main()
