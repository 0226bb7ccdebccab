"""`make run`: the development web server and a real Celery worker (with beat inside it) on an embedded broker,
started together and stopped together.

The broker is kombu's filesystem transport (no Redis needed): messages are files under --broker-folder, which both
processes are told about through CELERY_BROKER_URL=filesystem:// and CELERY_BROKER_FOLDER (strategy_portal/
settings.py). So "Generate PDF" answers at once and the worker renders the PDF, as in production; beat sends the
daily roll-over and reminders and runs the reaper. Each child runs in its own process group, so stopping this
command (Ctrl-C, SIGTERM, or one child exiting) stops every process it started, the worker's pool and the
development server's reloader included.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
GRACE_SECONDS = 20  # a warm shutdown lets the worker finish the PDF it is rendering (most take seconds)
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the child gets SIGTERM if this command dies without stopping it (e.g. killed with SIGKILL)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def embedded_env(broker_folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(CELERY_BROKER_URL="filesystem://", CELERY_BROKER_FOLDER=str(broker_folder), PYTHONUNBUFFERED="1")
    env.pop("CELERY_RESULT_BACKEND", None)
    return env


class Command(BaseCommand):
    help = (
        "Serve the portal for development with a real Celery worker and beat beside it, on a filesystem broker "
        "(no Redis). Stops them all when it stops."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="where runserver listens")
        parser.add_argument(
            "--broker-folder",
            type=Path,
            default=Path(os.environ.get("CELERY_BROKER_FOLDER") or settings.BASE_DIR / ".broker"),
            help="where the embedded broker keeps its messages (default .broker/)",
        )
        parser.add_argument("--noreload", action="store_true", help="do not restart the web server on code changes")

    def handle(self, *args, addrport: str, broker_folder: Path, noreload: bool, **options):
        for part in ("messages", "control", "processed"):
            (broker_folder / part).mkdir(parents=True, exist_ok=True)
        env = embedded_env(broker_folder.resolve())
        manage = str(settings.BASE_DIR / "manage.py")
        commands = {
            "web": [sys.executable, manage, "runserver", addrport, *(["--noreload"] if noreload else [])],
            # prefork: the pool that enforces the task time limits; one process, as SQLite has one writer.
            "worker": [sys.executable, "-m", "celery", "-A", "strategy_portal", "worker", "--beat", "--loglevel=INFO",
                       "--pool=prefork", "--concurrency=1", "--hostname=embedded@%h"],
        }  # fmt: skip
        stopping: list[int] = []
        previous = {sig: signal.signal(sig, lambda signum, frame: stopping.append(signum)) for sig in STOP_SIGNALS}
        children: dict[str, subprocess.Popen] = {}
        try:
            for name, command in commands.items():
                children[name] = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
                    command, env=env, cwd=settings.BASE_DIR, start_new_session=True, preexec_fn=_die_with_parent
                )
            self.stdout.write(
                f"Started the web server and the worker (broker folder {broker_folder}). Ctrl-C stops both."
            )
            exited = self._wait(children, stopping)
        finally:
            self._stop(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if exited:
            name, code = exited
            self.stderr.write(f"The {name} process stopped (exit code {code}), so everything was stopped.")
            sys.exit(code or 1)

    @staticmethod
    def _wait(children: dict[str, subprocess.Popen], stopping: list[int]) -> tuple[str, int] | None:
        """Until a stop signal arrives (None) or a child exits (its name and exit code)."""
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    return name, child.returncode
            time.sleep(0.2)
        return None

    @staticmethod
    def _stop(children: dict[str, subprocess.Popen]) -> None:
        """SIGTERM to each child (the worker's warm shutdown stops its pool and beat; runserver stops its server),
        then SIGKILL to whatever is left of each child's process group."""
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        for child in children.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(max(0.1, deadline - time.monotonic()))
        for child in children.values():
            # The group may outlive its leader (a pool process, the reloader's server): kill what remains of it.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGKILL)
            if child.poll() is None:
                child.wait(10)
