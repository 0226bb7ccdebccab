"""Committee report PDFs: generation time and peak memory at 50, 300 and 1,200 deliverables (full appendix).

    .venv/bin/python -m bench.pdf --quick|--full [--out ...]

For each size a report is created on the `bench-pdf-N` strategy for its latest closed period (the clerk's
defaults, every deliverable in the appendix, accepted updates). Each measurement runs in a fresh process
(`python -m bench.pdf child ...`), so its peak memory (VmHWM) is its own:

- "portal": the whole `report_version_generate` for a new version: claim, snapshot from the database, HTML,
  PDF, file written, version saved. The time of each stage is recorded by wrapping the functions it calls.
- "bare": WeasyPrint alone on the same HTML: `report_html(snapshot)` is built first (timed separately), then
  `html_to_pdf(html)` is timed. The snapshot is the one the portal run stored.

Both children import WeasyPrint before the clock starts, so neither pays for the import.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import common

SETTINGS = {
    "full": {"sizes": [50, 300, 1200], "repeats": 3},
    "quick": {"sizes": [50, 300], "repeats": 1},
}


def _vm(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def child(kind: str, version_id: int) -> dict:
    """Runs in a fresh process: one measurement, printed as JSON."""
    common.django_setup()
    import weasyprint  # noqa: F401 - imported before timing, in both kinds

    from reports import generation, pdf, snapshot
    from reports.models import ReportVersion

    stages: dict[str, float] = {}

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                stages[name] = stages.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    rss_start = _vm("VmRSS")
    if kind == "portal":
        snapshot.snapshot_build = timed("snapshot_s", snapshot.snapshot_build)
        pdf.report_html = timed("html_s", pdf.report_html)
        pdf.html_to_pdf = timed("weasyprint_s", pdf.html_to_pdf)
        started = time.perf_counter()
        version = generation.report_version_generate(version_id=version_id)
        total = time.perf_counter() - started
        assert version is not None and version.status == ReportVersion.Status.READY, "the version was not generated"
        result = {"total_s": total, "pages": version.page_count, "pdf_bytes": version.pdf_size_bytes}
        result["other_s"] = total - sum(stages.values())  # claim, locking, writing the file, saving the version
    else:
        snap = ReportVersion.objects.get(pk=version_id).snapshot
        started = time.perf_counter()
        html = pdf.report_html(snap)
        stages["html_s"] = time.perf_counter() - started
        started = time.perf_counter()
        data, pages = pdf.html_to_pdf(html)
        total = time.perf_counter() - started
        result = {"total_s": total, "pages": pages, "pdf_bytes": len(data), "html_bytes": len(html)}
        stages["weasyprint_s"] = total
    result.update(stages)
    result.update(rss_start_mb=rss_start, peak_mb=_vm("VmHWM"))
    return result


def run_child(kind: str, version_id: int) -> dict:
    command = [common.PYTHON, "-m", "bench.pdf", "child", kind, str(version_id)]
    monitor = common.OtherLoad()
    with monitor:
        out = subprocess.run(  # noqa: S603
            command, cwd=common.ROOT, env=common.bench_env(), capture_output=True, text=True, check=False
        )
    if out.returncode:
        raise SystemExit(f"PDF child failed ({kind}, version {version_id}):\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result.update(monitor.as_dict())
    return result


def measured(kind: str, version_for, log=print) -> dict:
    """One child run, repeated (up to twice) if other work took too much CPU meanwhile; the quietest is kept.
    `version_for()` gives the version to use: a new one for each portal run (a generated version is final)."""
    from django.db import connection

    runs = []
    for _ in range(3):
        version_id = version_for()
        connection.close()  # the child opens its own connection; nothing of ours holds locks meanwhile
        result = run_child(kind, version_id)
        result["version_id"] = version_id
        runs.append(result)
        if result["other_cores"] <= common.OTHER_LOAD_LIMIT:
            break
        log(f"    {kind}: other processes used {result['other_cores']:.2f} cores; measuring again")
        time.sleep(10)
    return min(runs, key=lambda r: r["other_cores"])


def make_report(strategy_slug: str, clerk):
    from aims.models import Strategy
    from reports import services
    from reports.models import ProgressReport

    strategy = Strategy.objects.get(slug=strategy_slug)
    period = strategy.periods.filter(status="closed").order_by("-start_date").first()
    values = services.report_defaults(strategy=strategy, period=period, user=clerk)
    values.update(
        meeting_date=period.end_date + dt.timedelta(days=45),
        reference_number=f"CPC/{period.end_date:%Y}/{strategy.pk:03d}",
        scope=ProgressReport.Scope.FULL,
        include_submitted=False,
        implications_finance="The work is funded from the approved digital capital programme.",
        implications_risk="Red deliverables are on the corporate risk register with their corrective actions.",
    )
    return services.report_create(strategy=strategy, user=clerk, answers=services.ReportAnswers(**values))


def new_version(report, clerk):
    from reports.models import ReportVersion

    last = report.versions.order_by("-number").first()
    return ReportVersion.objects.create(report=report, number=(last.number + 1) if last else 1, requested_by=clerk)


def _medians(runs: list[dict]) -> dict[str, float]:
    """The median of each timing and memory figure over the runs."""
    keys = [key for key, value in runs[0].items() if isinstance(value, float)]
    return {key: round(statistics.median(r[key] for r in runs), 3) for key in keys}


def run(mode: str, log=print) -> dict:
    from accounts.models import User
    from reports.models import ReportVersion

    cfg = SETTINGS[mode]
    manifest = common.read_json(common.DATA / "manifest.json")
    clerk = User.objects.get(pk=manifest["users"]["clerks"][0])
    results = {"repeats": cfg["repeats"], "sizes": {}}
    for size in cfg["sizes"]:
        report = make_report(f"bench-pdf-{size}", clerk)
        portal_runs, bare_runs = [], []
        for _ in range(cfg["repeats"]):
            portal_runs.append(measured("portal", lambda r=report: new_version(r, clerk).pk))
            bare_runs.append(measured("bare", lambda v=portal_runs[-1]["version_id"]: v))
            log(
                f"  {size:>5} deliverables: portal {portal_runs[-1]['total_s']:6.2f} s "
                f"{portal_runs[-1]['peak_mb']:6.0f} MB | bare WeasyPrint {bare_runs[-1]['total_s']:6.2f} s "
                f"{bare_runs[-1]['peak_mb']:6.0f} MB | {portal_runs[-1]['pages']} pages"
            )
        snap_rows = len(ReportVersion.objects.get(pk=portal_runs[-1]["version_id"]).snapshot["deliverables"])
        portal = _medians(portal_runs)
        bare = _medians(bare_runs)
        results["sizes"][str(size)] = {
            "deliverables_in_appendix": snap_rows,
            "pages": portal_runs[-1]["pages"],
            "pdf_bytes": portal_runs[-1]["pdf_bytes"],
            "html_bytes": bare_runs[-1]["html_bytes"],
            "portal": portal,
            "bare": bare,
            "portal_runs": portal_runs,
            "bare_runs": bare_runs,
            "ratio_to_bare": round(portal["total_s"] / bare["total_s"], 3),
        }
    sizes = results["sizes"]
    if "300" in sizes and "1200" in sizes:
        ratio = sizes["1200"]["portal"]["total_s"] / sizes["300"]["portal"]["total_s"]
        results["scaling_1200_over_300"] = round(ratio, 3)
    return results


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        print(json.dumps(child(sys.argv[2], int(sys.argv[3]))))
        return
    parser = common.mode_parser(__doc__)
    parser.add_argument("--out")
    args = parser.parse_args()
    common.django_setup()
    result = run(args.mode)
    common.write_json(Path(args.out or common.DATA / args.mode / "pdf.json"), result)


if __name__ == "__main__":
    main()
