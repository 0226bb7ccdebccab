"""Shared settings for the benchmark scripts: which database and Redis db they use, Django set-up, machine facts,
and a monitor of how much CPU other people's processes took while a measurement ran.

The benchmark never touches the `portal` or `test_portal` databases, nor Redis db 0.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / ".data"  # generated manifest, sessions, raw results, media, logs (git-ignored)
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python")

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/5")
FORBIDDEN_DATABASES = {"portal", "test_portal"}


def db_name() -> str:
    return urlparse(DATABASE_URL).path.lstrip("/")


def check_targets() -> None:
    """Refuse to run against the databases the test suite and CI use, or against Redis db 0."""
    if db_name() in FORBIDDEN_DATABASES or not db_name():
        raise SystemExit(f"Refusing to benchmark against database {db_name()!r}: use portal_bench.")
    if urlparse(BROKER_URL).path.strip("/") in ("", "0"):
        raise SystemExit("Refusing to use Redis db 0 for the benchmark: use redis://127.0.0.1:6379/5.")


def bench_env(**extra: str) -> dict[str, str]:
    """The environment every benchmark process runs with: portal_bench, Redis db 5, DEBUG off, private media."""
    check_targets()
    env = dict(os.environ)
    for name in ("DJANGO_PRODUCTION", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env.update(
        DATABASE_URL=DATABASE_URL,
        CELERY_BROKER_URL=BROKER_URL,
        CELERY_RESULT_BACKEND=BROKER_URL,
        DJANGO_DEBUG="0",
        DJANGO_SETTINGS_MODULE="strategy_portal.settings",
        DJANGO_MEDIA_ROOT=str(DATA / "media"),
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def django_setup(settings: str = "") -> None:
    """Set up Django in this process against portal_bench (whatever DATABASE_URL the shell had); `settings`
    chooses another settings module (e.g. bench.settings_nocache)."""
    os.environ.update(bench_env(**({"DJANGO_SETTINGS_MODULE": settings} if settings else {})))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()


def read_json(path: Path, default=None):
    return json.loads(path.read_text()) if path.exists() else default


def write_json(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2, default=str) + "\n")


# --- machine facts -------------------------------------------------------------------------------------------


def _first(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=20, check=False)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr).strip() else "unknown"


def machine_facts() -> dict:
    cpu_model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    pg = _first(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db_name(), "-tAc", "SHOW server_version"])
    redis_version = "unknown"
    info = _first(["redis-cli", "-h", "127.0.0.1", "INFO", "server"])
    try:
        raw = subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "INFO", "server"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
        redis_version = next(
            (ln.split(":", 1)[1].strip() for ln in raw.splitlines() if ln.startswith("redis_version:")), info
        )
    except (OSError, subprocess.TimeoutExpired):
        pass
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "cpu_model": cpu_model,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgres": pg,
        "redis": redis_version,
    }


def package_versions(names: list[str]) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def loadavg() -> tuple[float, float, float]:
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return float(one), float(five), float(fifteen)


# --- how busy the machine was with other work -------------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _busy_ticks() -> int:
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return user + nice + system + irq + softirq + steal


def _proc_table() -> dict[int, tuple[int, int, int, bool]]:
    """pid -> (ppid, own CPU ticks, reaped children's CPU ticks, is a PostgreSQL backend serving the benchmark
    database), for every live process."""
    table = {}
    marker = f" {db_name()} ".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
            rest = raw[raw.rfind(")") + 2 :].split()
            name = raw[raw.find("(") + 1 : raw.rfind(")")]
            backend = name == "postgres" and marker in (entry / "cmdline").read_bytes()
        except OSError:
            continue
        table[int(entry.name)] = (int(rest[1]), int(rest[11]) + int(rest[12]), int(rest[13]) + int(rest[14]), backend)
    return table


def _ours(table: dict[int, tuple[int, int, int, bool]], roots: set[int]) -> dict[int, tuple[int, int, int]]:
    """The benchmark's processes (the roots, their descendants and portal_bench's backends): pid -> (ppid, CPU
    ticks, reaped children's CPU ticks)."""
    children: dict[int, list[int]] = {}
    for pid, row in table.items():
        children.setdefault(row[0], []).append(pid)
    seen: set[int] = set()
    stack = [pid for pid in roots if pid in table] + [pid for pid, row in table.items() if row[3]]
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        stack.extend(children.get(pid, []))
    return {pid: table[pid][:3] for pid in seen}


class OtherLoad:
    """CPU used by processes that are not the benchmark's while a measurement ran, in cores: 0.0 means the
    machine was ours alone, 1.0 that a whole core went to other work. The benchmark's processes are this one,
    its descendants (gunicorn, locust, celery, PDF children) and the PostgreSQL backends serving portal_bench.
    Processes are sampled every second; the CPU a child used after the last sample is found in its parent's
    reaped-children total when it is waited for."""

    INTERVAL = 1.0

    def __init__(self, extra_roots: set[int] | None = None):
        self.roots = {os.getpid(), *(extra_roots or set())}
        self._stop = threading.Event()

    def _tick(self) -> None:
        current = _ours(_proc_table(), self.roots)
        seen_of_gone: dict[int, int] = {}  # parent -> CPU of its ended children already counted
        for pid, (ppid, ticks, cticks) in self.last.items():
            if pid not in current:
                seen_of_gone[ppid] = seen_of_gone.get(ppid, 0) + ticks + cticks
        for pid, (_ppid, ticks, cticks) in current.items():
            before = self.last.get(pid)
            if before is None:
                self.ours_ticks += ticks + cticks
                continue
            self.ours_ticks += max(ticks - before[1], 0)
            self.ours_ticks += max(cticks - before[2] - seen_of_gone.get(pid, 0), 0)
        self.last = current

    def _loop(self) -> None:
        while not self._stop.wait(self.INTERVAL):
            self._tick()

    def __enter__(self) -> OtherLoad:
        self.load_before = loadavg()
        self.last = _ours(_proc_table(), self.roots)
        self.ours_ticks = 0
        self.started, self.busy_start = time.monotonic(), _busy_ticks()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._tick()
        elapsed = max(time.monotonic() - self.started, 1e-6)
        busy = (_busy_ticks() - self.busy_start) / CLK_TCK
        ours = self.ours_ticks / CLK_TCK
        self.elapsed = elapsed
        self.cores_total = busy / elapsed
        self.cores_ours = ours / elapsed
        self.cores_other = max(busy - ours, 0.0) / elapsed
        self.load_after = loadavg()

    def as_dict(self) -> dict:
        return {
            "other_cores": round(self.cores_other, 2),
            "our_cores": round(self.cores_ours, 2),
            "loadavg_before": self.load_before[0],
            "loadavg_after": self.load_after[0],
        }


OTHER_LOAD_LIMIT = 0.35  # cores; a measurement with more than this taken by other work is repeated


def wait_for_quiet(limit: float = 1.5, max_wait: float = 600, log=print) -> tuple[float, float]:
    """Wait (up to max_wait seconds) until the 1-minute load average is under `limit`. Returns (load, waited)."""
    started = time.monotonic()
    load = loadavg()[0]
    announced = False
    while load > limit and time.monotonic() - started < max_wait:
        if not announced:
            log(f"  load average {load:.2f} > {limit}: waiting for the machine to quieten (up to {max_wait:.0f} s)")
            announced = True
        time.sleep(10)
        load = loadavg()[0]
    return load, time.monotonic() - started


def mode_parser(description: str | None) -> argparse.ArgumentParser:
    """The command line every bench script shares: --quick (the default) or --full."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--full", action="store_const", dest="mode", const="full")
    group.add_argument("--quick", action="store_const", dest="mode", const="quick")
    parser.set_defaults(mode="quick")
    return parser
