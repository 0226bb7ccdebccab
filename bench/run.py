"""Run the whole benchmark and write bench/RESULTS.md (full) or bench/RESULTS-quick.md (quick).

    make bench          # .venv/bin/python bench/run.py --full   (about 25-30 minutes)
    make bench-quick    # .venv/bin/python bench/run.py --quick  (about 4 minutes)

Steps, each in its own process, in this order: generate the data (bench/generate.py), queries per page
(bench/queries.py), web load under gunicorn + locust (bench/web.py), a 5-minute soak of 20 users of every role
together (bench/web.py --soak), committee report PDFs (bench/pdf.py), Celery
with a real worker (bench/celery_bench.py), profiles of any page that missed its target (bench/profile.py), and
the results file (bench/report.py). Everything runs against portal_bench and Redis db 5.

Options: --reuse-data skips generating when bench/.data/manifest.json is already of this mode;
--only web,pdf runs only those steps (then the report, from whatever JSON the other steps left).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import shlex
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

STEPS = ["generate", "queries", "service_time", "web", "soak", "deadline", "pdf", "celery", "profile", "report"]
SOAK_SECONDS = {"full": 300, "quick": 30}  # issue #7: 20 users for 5 minutes on the benchmark data, 0 errors
MODULES = {
    "generate": "bench.generate",
    "queries": "bench.queries",
    "web": "bench.web",
    "soak": "bench.web",
    "service_time": "bench.service_time",
    "deadline": "bench.deadline",
    "pdf": "bench.pdf",
    "celery": "bench.celery_bench",
    "profile": "bench.profile",
}
PROFILE_FOR = {  # page -> the targets whose miss makes it worth profiling (the profile is of the page computed)
    "dashboard": {"dashboard_p95", "dashboard_ratio", "nocache_dashboard_p95", "nocache_dashboard_ratio",
                  "queries_Dashboard", "errors"},
    "home": {"home_p95", "nocache_home_p95", "queries_Officer home", "errors"},
    "deliverable": {"deliverable_p95", "nocache_deliverable_p95", "queries_Deliverable page", "errors"},
    "csv": {"queries_CSV export", "errors"},
}  # fmt: skip
BENCH_PACKAGES = {"locust": "locust==2.47.0", "pyinstrument": "pyinstrument==5.1.3"}


def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", flush=True)


def ensure_packages() -> None:
    """The load generator and profiler are benchmark-only: installed into the venv here, not in pyproject.toml."""
    missing = [spec for module, spec in BENCH_PACKAGES.items() if importlib.util.find_spec(module) is None]
    if missing:
        log(f"installing benchmark-only packages into the venv: {' '.join(missing)}")
        subprocess.run([common.PYTHON, "-m", "pip", "install", "--quiet", *missing], check=True)  # noqa: S603


def ensure_database() -> None:
    name = common.db_name()
    listing = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc", "SELECT datname FROM pg_database"]
    listed = subprocess.run(listing, capture_output=True, text=True, check=True).stdout.split()  # noqa: S603
    if name not in listed:
        log(f"creating database {name}")
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)  # noqa: S603,S607
    log(f"migrating {name}")
    command = [common.PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"]
    subprocess.run(command, cwd=common.ROOT, env=common.bench_env(), check=True)  # noqa: S603


def step(name: str, mode: str, *extra: str) -> float:
    command = [common.PYTHON, "-m", MODULES[name], f"--{mode}", *extra]
    log(f"{name}: {shlex.join(command[1:])}")
    started = time.monotonic()
    logfile = common.DATA / mode / f"{name}.log"
    with open(logfile, "w") as handle:
        process = subprocess.Popen(  # noqa: S603
            command,
            cwd=common.ROOT,
            env=common.bench_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for line in process.stdout:
            handle.write(line)
            if not line.startswith(("/", "  mw_instance")) and "portal.security" not in line:
                print(line, end="", flush=True)
        process.wait()
    if process.returncode:
        raise SystemExit(f"step {name} failed (exit {process.returncode}); see {logfile}")
    return time.monotonic() - started


def git(*args: str) -> str:
    out = subprocess.run(["git", *args], cwd=common.ROOT, capture_output=True, text=True, check=False)  # noqa: S603,S607
    return out.stdout.rstrip("\n")


def code_state() -> dict:
    """The commit, the files changed from it outside bench/, and a fingerprint of those changes, so a results
    file can say whether the app code changed while the benchmark ran (other people edit it meanwhile)."""
    changed = [line[3:] for line in git("status", "--porcelain", "--untracked-files=all").splitlines()]
    changed = sorted(f for f in changed if not f.startswith("bench/") and not f.endswith(".egg-info/"))
    digest = hashlib.sha256(git("diff", "HEAD").encode())
    for name in changed:
        path = common.ROOT / name
        if path.is_file():
            digest.update(name.encode() + path.read_bytes())
    commit = git("rev-parse", "--short", "HEAD").strip()
    return {"commit": commit, "changed": changed, "fingerprint": digest.hexdigest()[:12]}


def main() -> None:
    parser = common.mode_parser(__doc__)
    parser.add_argument("--reuse-data", action="store_true", help="keep the data if it is already of this mode")
    parser.add_argument("--only", help=f"comma-separated steps out of {','.join(STEPS)}")
    args = parser.parse_args()
    mode = args.mode
    steps = args.only.split(",") if args.only else STEPS
    common.check_targets()
    (common.DATA / mode).mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now().astimezone()
    log(f"benchmark ({mode}) against {common.DATABASE_URL} and {common.BROKER_URL}")

    ensure_packages()
    ensure_database()
    load, waited = common.wait_for_quiet(limit=1.5, max_wait=600, log=log)
    log(f"load average {load:.2f}")
    meta = common.read_json(common.DATA / mode / "meta.json", {}) if args.only else {}
    meta.update(
        started=started.strftime("%Y-%m-%d %H:%M %Z"),
        command="make bench" if mode == "full" else "make bench-quick",
        argv=f".venv/bin/python bench/run.py --{mode}" + (f" --only {args.only}" if args.only else ""),
        code_start=code_state(),
        machine=common.machine_facts(),
        packages=common.package_versions(["Django", "WeasyPrint", "gunicorn", "celery", "psycopg", "locust"]),
        database=common.DATABASE_URL,
        broker=common.BROKER_URL,
        load_start=common.loadavg(),
        waited_s=waited,
    )
    meta.setdefault("durations_s", {})

    manifest = common.read_json(common.DATA / "manifest.json")
    if "generate" in steps:
        if args.reuse_data and manifest and manifest.get("mode") == mode:
            log("generate: reusing the data already in portal_bench")
        else:
            meta["durations_s"]["generate"] = step("generate", mode)
        common.write_json(common.DATA / mode / "manifest.json", common.read_json(common.DATA / "manifest.json"))
    elif not manifest or manifest.get("mode") != mode:
        raise SystemExit(f"portal_bench does not hold {mode} data: run the generate step first")
    for name in ("queries", "service_time", "web", "soak", "deadline", "pdf", "celery"):
        if name in steps:
            extra = ("--soak", str(SOAK_SECONDS[mode])) if name == "soak" else ()
            meta["durations_s"][name] = step(name, mode, *extra)
    if "profile" in steps:
        # Profile the pages that missed a target (or all four, when the web step did not run).
        from bench import report

        data = {n: common.read_json(common.DATA / mode / f"{n}.json") for n in ("queries", "web", "pdf", "celery")}
        data["manifest"] = common.read_json(common.DATA / "manifest.json")
        missed = {c["key"] for c in report.evaluate(mode, data) if c["passed"] is False}
        pages = [page for page, keys in PROFILE_FOR.items() if missed & keys]
        if pages:
            meta["durations_s"]["profile"] = step("profile", mode, *pages)
        else:
            (common.DATA / mode / "profiles.json").unlink(missing_ok=True)
    meta["finished"] = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    meta["load_end"] = common.loadavg()
    meta["code_end"] = code_state()
    if meta["code_end"]["fingerprint"] != meta["code_start"]["fingerprint"]:
        log("warning: the app code changed while the benchmark ran; the results file says so")
    common.write_json(common.DATA / mode / "meta.json", meta)
    from bench import report

    out = report.write(mode, meta, common.BENCH / ("RESULTS.md" if mode == "full" else "RESULTS-quick.md"))
    log(f"wrote {out.relative_to(common.ROOT)}")


if __name__ == "__main__":
    main()
