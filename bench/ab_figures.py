"""A/B of the dashboard's figures, old code against new, interleaved in one process under the same load.

    .venv/bin/python -m bench.ab_figures --full [--old /tmp/old_selectors.py] [--repeat 9]

`--old` is reports/selectors.py as it was before the status rows (`git show 9038a67:reports/selectors.py`),
loaded as a separate module. Each round times, for bench-main-1 (2,000 deliverables) and its default period:
old = period_figures + rag_trend + chase_list_page (what the dashboard computed before); new = period_totals +
one page of rows + rag_trend + chase_list_page (what it computes now). Wall, CPU and database time, median.
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
import time

from bench import common


def _time(fn, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    walls, cpus, dbs = [], [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            w, c = time.perf_counter(), time.process_time()
            fn()
            walls.append((time.perf_counter() - w) * 1000)
            cpus.append((time.process_time() - c) * 1000)
        dbs.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    return {"wall_ms": round(statistics.median(walls), 1), "cpu_ms": round(statistics.median(cpus), 1),
            "db_ms": round(statistics.median(dbs), 1), "queries": len(ctx.captured_queries)}  # fmt: skip


def main() -> None:
    parser = common.mode_parser(__doc__)
    parser.add_argument("--old", default="/tmp/old_selectors.py")  # noqa: S108 - a file the reader writes there
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    common.django_setup(settings="bench.settings_nocache")
    from aims.models import Deliverable, Strategy
    from reports import selectors as new

    spec = importlib.util.spec_from_file_location("old_selectors", args.old)
    old = importlib.util.module_from_spec(spec)
    sys.modules["old_selectors"] = old  # dataclasses look their module up
    spec.loader.exec_module(old)
    strategy = Strategy.objects.get(slug=common.read_json(common.DATA / "manifest.json")["main"][0]["slug"])
    periods = new.period_list(strategy=strategy)
    period = new.period_default(periods=periods)
    open_period = next(p for p in periods if p.is_open)

    def before():
        old.period_figures(strategy=strategy, period=period, periods=periods)
        old.rag_trend(strategy=strategy, periods=periods, up_to=period)
        old.chase_list_page(strategy=strategy, period=open_period)

    def after():
        totals = new.period_totals(strategy=strategy, period=period, periods=periods)
        new.rows_page(queryset=new.deliverable_queryset(strategy=strategy, period=period), totals=totals)
        new.rag_trend(strategy=strategy, periods=periods, up_to=period)
        new.chase_list_page(strategy=strategy, period=open_period)

    before(), after()
    rounds = [(_time(before, args.repeat), _time(after, args.repeat)) for _ in range(3)]
    assert Deliverable.objects.filter(strategy=strategy).count() >= 2000
    for b, a in rounds:
        print(f"before {b}  after {a}")


if __name__ == "__main__":
    main()
