"""Celery: "Generate PDF" to downloadable with a real worker, and enqueue-to-start latency.

    .venv/bin/python -m bench.celery_bench --quick|--full [--out ...]

Starts `celery -A strategy_portal worker --pool=solo -Q celery` against portal_bench and Redis db 5 (the queue
is purged first) and stops it at the end.

- Generate to downloadable: `report_version_request` (what "Generate PDF" calls; the task is sent when its
  transaction commits) for the 300-deliverable report, then the version is polled every 50 ms until it is
  ready, and its download page is fetched (as the clerk, through Django's test Client) and checked to be the PDF.
  The first run is on a freshly started worker (cold: WeasyPrint not yet imported, fonts not yet loaded);
  the target is judged on the warm runs that follow.
- Enqueue-to-start: there is no trivial task in the app, so small reports (the 20-deliverable strategy,
  exceptions-only appendix) are requested one after another, each when the previous is ready, and the
  latency is the version's `started_at - requested_at` (the task's start, as recorded by the task itself).
"""

from __future__ import annotations

import signal
import statistics
import subprocess
import time
from pathlib import Path

from bench import common
from bench.pdf import make_report

SETTINGS = {"full": {"generate_runs": 4, "latency_tasks": 20}, "quick": {"generate_runs": 2, "latency_tasks": 8}}


def start_worker(log: Path) -> subprocess.Popen:
    from strategy_portal.celery import app

    app.control.purge()
    command = [
        str(common.VENV_BIN / "celery"), "-A", "strategy_portal", "worker", "--pool=solo", "-Q", "celery",
        "-n", "bench@%h", "--loglevel=INFO", f"--logfile={log}",
    ]  # fmt: skip
    output = open(log.with_suffix(".out"), "w")  # noqa: SIM115 - the worker writes to it until stopped
    process = subprocess.Popen(  # noqa: S603
        command, cwd=common.ROOT, env=common.bench_env(), stdout=output, stderr=subprocess.STDOUT
    )
    output.close()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the Celery worker exited with {process.returncode}; see {log}")
        if app.control.ping(destination=[f"bench@{_hostname()}"], timeout=1.0):
            return process
    stop_worker(process)
    raise SystemExit("the Celery worker did not answer within 90 s")


def _hostname() -> str:
    import socket

    return socket.gethostname()


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # warm shutdown
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def request_and_wait(report, clerk, *, timeout: float = 300) -> dict:
    from django.test import Client

    from reports import versions
    from reports.models import ReportVersion

    started = time.perf_counter()
    version = versions.report_version_request(report=report, user=clerk)
    requested = time.perf_counter()
    while True:
        row = ReportVersion.objects.filter(pk=version.pk).values("status", "requested_at", "started_at", "finished_at")
        row = row.get()
        if row["status"] in (ReportVersion.Status.READY, ReportVersion.Status.FAILED):
            break
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"version {version.pk} not ready after {timeout} s (status {row['status']})")
        time.sleep(0.05)
    ready = time.perf_counter()
    if row["status"] != ReportVersion.Status.READY:
        raise SystemExit(f"version {version.pk} failed: {ReportVersion.objects.get(pk=version.pk).failure_reason}")
    client = Client()
    client.force_login(clerk)
    response = client.get(f"/reports/versions/{version.pk}/download/")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    downloadable = time.perf_counter()
    assert response.status_code == 200 and body.startswith(b"%PDF"), (response.status_code, body[:20])
    return {
        "version_id": version.pk,
        "request_s": round(requested - started, 3),
        "to_ready_s": round(ready - started, 3),
        "to_downloaded_s": round(downloadable - started, 3),
        "queue_s": round((row["started_at"] - row["requested_at"]).total_seconds(), 3),
        "generate_s": round((row["finished_at"] - row["started_at"]).total_seconds(), 3),
        "pdf_bytes": len(body),
    }


def run(mode: str, log=print) -> dict:
    from accounts.models import User
    from reports.models import ProgressReport

    cfg = SETTINGS[mode]
    manifest = common.read_json(common.DATA / "manifest.json")
    clerk = User.objects.get(pk=manifest["users"]["clerks"][1])
    big = make_report("bench-pdf-300", clerk)
    small = make_report("bench-q20", clerk)
    small.scope = ProgressReport.Scope.EXCEPTIONS
    small.save(update_fields=["scope"])
    (common.DATA / mode).mkdir(parents=True, exist_ok=True)
    worker = start_worker(common.DATA / mode / "celery-worker.log")
    results: dict = {"generate": [], "latency": []}
    try:
        for n in range(cfg["generate_runs"]):
            monitor = common.OtherLoad()
            with monitor:
                result = request_and_wait(big, clerk)
            result.update(monitor.as_dict(), cold=n == 0)
            results["generate"].append(result)
            log(
                f"  generate 300 ({'cold' if n == 0 else 'warm'}): ready after {result['to_ready_s']:.2f} s "
                f"(queue {result['queue_s']:.3f} s, generation {result['generate_s']:.2f} s), "
                f"downloaded after {result['to_downloaded_s']:.2f} s (other load {monitor.cores_other:.2f} cores)"
            )
        monitor = common.OtherLoad()
        with monitor:
            for _ in range(cfg["latency_tasks"]):
                results["latency"].append(request_and_wait(small, clerk))
        results["latency_load"] = monitor.as_dict()
    finally:
        stop_worker(worker)
    warm = [r["to_ready_s"] for r in results["generate"] if not r["cold"]]
    warm_downloaded = [r["to_downloaded_s"] for r in results["generate"] if not r["cold"]]
    queue = sorted(r["queue_s"] for r in results["latency"])
    results["summary"] = {
        "cold_to_ready_s": results["generate"][0]["to_ready_s"],
        "warm_to_ready_median_s": round(statistics.median(warm), 3) if warm else None,
        "warm_to_ready_max_s": max(warm) if warm else None,
        "warm_to_downloaded_max_s": max(warm_downloaded, default=None),
        "latency_p50_s": round(statistics.median(queue), 3),
        "latency_p95_s": queue[max(0, round(0.95 * len(queue)) - 1)],
        "latency_max_s": queue[-1],
        "latency_tasks": len(queue),
    }
    log(
        f"  enqueue-to-start over {len(queue)} tasks: p50 {results['summary']['latency_p50_s'] * 1000:.0f} ms, "
        f"p95 {results['summary']['latency_p95_s'] * 1000:.0f} ms, max {queue[-1] * 1000:.0f} ms"
    )
    return results


def main() -> None:
    parser = common.mode_parser(__doc__)
    parser.add_argument("--out")
    args = parser.parse_args()
    common.django_setup()
    result = run(args.mode)
    common.write_json(Path(args.out or common.DATA / args.mode / "celery.json"), result)


if __name__ == "__main__":
    main()
