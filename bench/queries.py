"""Queries per page, at 20 deliverables and at the largest strategy's size, in-process against portal_bench.

    .venv/bin/python -m bench.queries --quick|--full [--out bench/.data/<mode>/queries.json]

Uses Django's test Client (signed in with force_login) and CaptureQueriesContext. Each page is requested once to
warm up, then measured on an emptied cache (computed from the database), then again (from any cache it keeps).
The pages are the ones the load test hits: the dashboard, the CSV export, the officer home and a deliverable
page. "Small" is the 20-deliverable strategy `bench-q20` (and its officer, who owns those 20), "large" the first
main strategy (and the officer with the most deliverables). Queries that repeat with different parameters are
grouped, so an N+1 shows as one line with a count; a shape repeated N_PLUS_ONE times or more in one request is
reported as an N+1 (the count then grows with the data, even where the two sides happen to match). The
deliverable pages compared have the same number of updates.
"""

from __future__ import annotations

import re
import time
from collections import Counter

from bench import common

N_PLUS_ONE = 5  # a query shape repeated this often in one request is an N+1


def _shape(sql: str) -> str:
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+\b", "?", sql)
    sql = re.sub(r"\(\s*\?(?:\s*,\s*\?)*\s*\)", "(...)", sql)
    return sql


def measure(client, url: str) -> dict:
    """One request's queries, on an empty cache (the page computed from the database: what its first viewer, or
    anyone after a change, waits for), then the same request again (served from any cache the page keeps)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: template loading, first-time imports
    result = {}
    for label in ("cold", "warm"):
        if label == "cold":
            cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        shapes = Counter(_shape(q["sql"]) for q in ctx.captured_queries)
        repeated = [(n, sql[:160]) for sql, n in shapes.most_common() if n > 1]
        result[label] = {
            "queries": len(ctx.captured_queries),
            "db_ms": round(sum(float(q["time"]) for q in ctx.captured_queries) * 1000, 1),
            "wall_ms": round(elapsed * 1000, 1),
            "bytes": len(response.content),
            "repeated": repeated,
            "n_plus_one": [(n, sql) for n, sql in repeated if n >= N_PLUS_ONE],
            "sql": [q["sql"] for q in ctx.captured_queries],
        }
    return {"url": url, **result["cold"], "cached": result["warm"]}


def run() -> dict:
    from django.test import Client

    from accounts.models import User
    from aims.models import Deliverable, ProgressUpdate

    manifest = common.read_json(common.DATA / "manifest.json")
    small = manifest["extra"]["bench-q20"]
    large = manifest["main"][0]
    board = User.objects.get(pk=manifest["users"]["board"][0])
    small_officer = User.objects.get(pk=manifest["users"]["small_officers"][0])
    officer_id = max(manifest["officer_deliverables"], key=lambda k: len(manifest["officer_deliverables"][k]))
    large_officer = User.objects.get(pk=int(officer_id))

    def update_counts(strategy_id: int, owner) -> Counter:
        ids = Deliverable.objects.filter(strategy_id=strategy_id, owner=owner, is_active=True).values("pk")
        return Counter(ProgressUpdate.objects.filter(deliverable_id__in=ids).values_list("deliverable_id", flat=True))

    # The deliverable page shows every update of the deliverable and its history: compare deliverables with the
    # same number of updates (the most the small one has), so only the strategy's size differs.
    small_counts, large_counts = update_counts(small["id"], small_officer), update_counts(large["id"], large_officer)
    small_pk, updates = small_counts.most_common(1)[0]
    large_pk = next((pk for pk, n in large_counts.most_common() if n == updates), large_counts.most_common(1)[0][0])
    small_deliverable, large_deliverable = Deliverable.objects.get(pk=small_pk), Deliverable.objects.get(pk=large_pk)
    pages = {
        "Dashboard": (
            board,
            f"/strategies/{small['slug']}/dashboard/",
            board,
            f"/strategies/{large['slug']}/dashboard/",
        ),
        "CSV export": (
            board,
            f"/strategies/{small['slug']}/dashboard/deliverables.csv",
            board,
            f"/strategies/{large['slug']}/dashboard/deliverables.csv",
        ),
        "Officer home": (small_officer, "/", large_officer, "/"),
        "Deliverable page": (
            small_officer,
            f"/deliverables/{small_deliverable.pk}/",
            large_officer,
            f"/deliverables/{large_deliverable.pk}/",
        ),
    }
    results = {}
    for name, (small_user, small_url, large_user, large_url) in pages.items():
        row = {}
        for size, user, url in (("small", small_user, small_url), ("large", large_user, large_url)):
            client = Client()
            client.force_login(user)
            row[size] = measure(client, url)
        results[name] = row
    return {
        "small_deliverables": small["deliverables"],
        "large_deliverables": large["deliverables"],
        "large_officer_deliverables": Deliverable.objects.filter(owner=large_officer, is_active=True).count(),
        "small_officer_deliverables": Deliverable.objects.filter(owner=small_officer, is_active=True).count(),
        "deliverable_updates": {"small": small_counts[small_pk], "large": large_counts[large_pk]},
        "n_plus_one_threshold": N_PLUS_ONE,
        "pages": results,
    }


def main() -> None:
    parser = common.mode_parser(__doc__)
    parser.add_argument("--out")
    args = parser.parse_args()
    common.django_setup()
    result = run()
    common.write_json(common.Path(args.out or common.DATA / args.mode / "queries.json"), result)
    for name, row in result["pages"].items():
        print(
            f"{name:18} small {row['small']['queries']:3} queries {row['small']['wall_ms']:7.1f} ms | "
            f"large {row['large']['queries']:3} queries {row['large']['wall_ms']:7.1f} ms | cached: "
            f"{row['small']['cached']['queries']} / {row['large']['cached']['queries']} queries, "
            f"{row['large']['cached']['wall_ms']:.1f} ms"
        )
        for n, sql in row["large"]["repeated"]:
            print(f"    x{n} {sql}")


if __name__ == "__main__":
    main()
