"""Where a page's time goes: a pyinstrument profile of the request, its queries ranked by time, and EXPLAIN
ANALYZE of the slowest ones. In-process against portal_bench, with the same users and URLs as the load test.

    .venv/bin/python -m bench.profile --quick|--full [dashboard home deliverable csv]

Writes bench/.data/<mode>/profiles/<page>.txt (the full pyinstrument tree, the queries, the plans) and
bench/.data/<mode>/profiles.json (a summary that bench/report.py puts under "Missed targets").
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

from bench import common

PAGES = ["dashboard", "home", "deliverable", "csv"]


def page_url_and_user(page: str, manifest: dict):
    from accounts.models import User

    strategy = manifest["main"][0]["slug"]
    owned = manifest["officer_deliverables"]
    officer = max(owned, key=lambda k: len(owned[k]))
    if page == "dashboard":
        return f"/strategies/{strategy}/dashboard/", User.objects.get(pk=manifest["users"]["board"][0])
    if page == "csv":
        return f"/strategies/{strategy}/dashboard/deliverables.csv", User.objects.get(pk=manifest["users"]["board"][0])
    if page == "home":
        return "/", User.objects.get(pk=int(officer))
    return f"/deliverables/{owned[officer][0]}/", User.objects.get(pk=int(officer))


def hot_spots(session) -> tuple[list[tuple[float, str]], list[tuple[float, str]]]:
    """From a pyinstrument session: functions by self time (time in them, not in what they call), and the
    portal's own functions by total time (time in them and in what they call)."""
    own: dict[str, float] = defaultdict(float)
    app: dict[str, float] = defaultdict(float)
    stack = [(session.root_frame(), False)]
    while stack:
        frame, inside_same = stack.pop()
        if frame is None or frame.is_synthetic:
            continue
        where = f"{frame.function} ({frame.file_path_short}:{frame.line_no})"
        own[where] += max(frame.total_self_time, 0.0)
        path = frame.file_path or ""
        is_app = path.startswith(str(common.ROOT)) and "/.venv/" not in path and "/bench/" not in path
        if is_app and not inside_same:
            app[where] += frame.time
        stack.extend((child, is_app and inside_same) for child in frame.children)
    ranked = sorted(((t, name) for name, t in own.items()), reverse=True)
    return ranked, sorted(((t, name) for name, t in app.items()), reverse=True)


def profile_page(page: str, manifest: dict, out_dir: Path) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    url, user = page_url_and_user(page, manifest)
    client = Client()
    client.force_login(user)
    client.get(url)  # warm
    cache.clear()  # profile the page computed from the database, not served from a cache
    profiler = Profiler(interval=0.0005)
    with CaptureQueriesContext(connection) as ctx:
        profiler.start()
        started = time.perf_counter()
        response = client.get(url)
        wall = time.perf_counter() - started
        profiler.stop()
    assert response.status_code == 200
    queries = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))
    db_s = sum(float(q["time"]) for q in ctx.captured_queries)
    tree = profiler.output_text(unicode=True, color=False, show_all=False)
    lines = [f"{page}: GET {url} as {user.username}: {wall * 1000:.0f} ms, {len(queries)} queries, "
             f"{db_s * 1000:.0f} ms in the database", "", tree, "", "Queries, slowest first:"]  # fmt: skip
    lines += [f"{float(q['time']) * 1000:8.1f} ms  {q['sql']}" for q in queries]
    plans = []
    with connection.cursor() as cursor:
        for q in queries[:3]:
            if not q["sql"].lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            plans.append(plan)
            lines += ["", f"EXPLAIN ANALYZE ({float(q['time']) * 1000:.1f} ms):", plan]
    (out_dir / f"{page}.txt").write_text("\n".join(lines) + "\n")
    hot, app = hot_spots(profiler.last_session)
    return {
        "url": url,
        "wall_ms": round(wall * 1000, 1),
        "db_ms": round(db_s * 1000, 1),
        "queries": len(queries),
        "slowest_queries": [(round(float(q["time"]) * 1000, 1), q["sql"][:150]) for q in queries[:5]],
        "hot_functions": [(round(t * 1000, 1), name) for t, name in hot[:8]],
        "app_functions": [(round(t * 1000, 1), name) for t, name in app[:10]],
        "plan_heads": [plan.splitlines()[0][:150] for plan in plans],
        "file": str((out_dir / f"{page}.txt").relative_to(common.ROOT)),
    }


def main() -> None:
    parser = common.mode_parser(__doc__)
    parser.add_argument("pages", nargs="*", default=PAGES)
    args = parser.parse_args()
    common.django_setup()
    manifest = common.read_json(common.DATA / "manifest.json")
    out_dir = common.DATA / args.mode / "profiles"
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = {page: profile_page(page, manifest, out_dir) for page in args.pages}
    common.write_json(common.DATA / args.mode / "profiles.json", summary)
    for page, row in summary.items():
        print(
            f"{page}: {row['wall_ms']} ms, {row['queries']} queries, {row['db_ms']} ms in the database; {row['file']}"
        )


if __name__ == "__main__":
    main()
