"""A worker killed in the middle of rendering a report: the report is redelivered and finished, never left
"generating" for ever. Real worker processes on Redis, real SIGKILL.

Every wait is on a condition, bounded by what the settings promise (reports.versions.redelivery_window, the
window the reaper leaves to redelivery) or by a generous allowance for work no setting bounds."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from aims.models import Deliverable, ProgressUpdate
from reports import services, versions
from reports.models import ReportVersion
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# Short limits so redelivery happens within the test; production keeps visibility > time limit too.
VISIBILITY_TIMEOUT, RESTORE_INTERVAL, RESTORE_THROTTLE, TIME_LIMIT, SOFT_TIME_LIMIT = 25, 2, 2, 20, 15
WORKER_SETTINGS = {
    "CELERY_TASK_TIME_LIMIT": str(TIME_LIMIT),
    "CELERY_TASK_SOFT_TIME_LIMIT": str(SOFT_TIME_LIMIT),
    "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    "CELERY_UNACKED_RESTORE_INTERVAL": str(RESTORE_INTERVAL),
    "CELERY_UNACKED_RESTORE_THROTTLE": str(RESTORE_THROTTLE),
}
# How long after the killed render started a redelivered one must have started: what the reaper relies on.
REDELIVERY_WINDOW = versions.redelivery_window(
    transport_options={
        "visibility_timeout": VISIBILITY_TIMEOUT,
        "unacked_restore_interval": RESTORE_INTERVAL,
        "unacked_restore_throttle": RESTORE_THROTTLE,
    },
    time_limit=TIME_LIMIT,
)
# No setting bounds these here: a worker's start (about 3 s alone), and the 600-deliverable render, which the solo
# pool does not stop at the time limit (about 5 s alone, 19 to 47 s seen on a loaded 2-core machine).
WORKER_START_ALLOWANCE = 120
RENDER_ALLOWANCE = 300


def start_worker(tmp_path, name):
    db = connection.settings_dict
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PGAPPNAME": f"worker-{name}",  # to tell its database session apart (rendering() below)
        **WORKER_SETTINGS,
    }
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "strategy_portal", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-mingle", "--without-gossip", "-n", f"{name}@%h"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def rendering(version_id, worker):
    """The worker has claimed the version and is inside the render: its database session holds a transaction
    that wrote (the render's row lock; the claim's own transaction has committed once the status reads
    "generating"). Looked up without taking any lock that could make the worker skip the row."""
    if ReportVersion.objects.get(pk=version_id).status != "generating":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_stat_activity WHERE application_name = %s AND backend_xid IS NOT NULL",
            [f"worker-{worker}"],
        )
        return cursor.fetchone() is not None


def seconds_until(moment):
    return max(0.0, (moment - timezone.now()).total_seconds())


@pytest.fixture
def big_report(clerk, strategy, theme):
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL:
        pytest.skip("needs PostgreSQL and Redis")
    period = factories.PeriodFactory(strategy=strategy, status="closed", label="April to September 2026",
                                     start_date=dt.date(2026, 4, 1), end_date=dt.date(2026, 9, 30),
                                     deadline=dt.date(2026, 9, 30))  # fmt: skip
    owner = factories.UserFactory(username="owner-big")
    deliverables = Deliverable.objects.bulk_create(
        Deliverable(strategy=strategy, theme=theme, reference=f"B-{i:04d}", title=f"Deliverable number {i}",
                    owner=owner, weight=Decimal(1), due_date=dt.date(2027, 3, 31))
        for i in range(600)
    )  # fmt: skip
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(deliverable=d, period=period, rag_status="green", percent_complete=50, state="accepted",
                       author=owner, achieved="Steady progress with the supplier this period. " * 4)
        for d in deliverables
    )  # fmt: skip
    defaults = services.report_defaults(strategy=strategy, period=period, user=clerk)
    answers = services.ReportAnswers(**defaults, meeting_date=dt.date(2026, 12, 8))
    return services.report_create(strategy=strategy, user=clerk, answers=answers)


def test_worker_killed_mid_render_is_redelivered_and_finished(big_report, clerk, tmp_path):
    first = start_worker(tmp_path, "first")
    second = None
    try:
        version = versions.report_version_request(report=big_report, user=clerk)
        wait(lambda: rendering(version.pk, "first"), WORKER_START_ALLOWANCE, "the first worker to be rendering")
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
        version.refresh_from_db()
        assert (version.status, version.attempts) == ("generating", 1)  # the dead worker left it so
        killed_start = version.started_at

        second = start_worker(tmp_path, "second")
        wait(
            lambda: ReportVersion.objects.get(pk=version.pk).attempts == 2,
            seconds_until(killed_start + REDELIVERY_WINDOW),
            f"redelivery within {REDELIVERY_WINDOW.total_seconds():.0f} s of the killed render's start",
        )
        version.refresh_from_db()
        assert version.started_at - killed_start < REDELIVERY_WINDOW  # so the reaper would not have failed it
        wait(
            lambda: ReportVersion.objects.get(pk=version.pk).status in ("ready", "failed"),
            seconds_until(version.started_at + dt.timedelta(seconds=RENDER_ALLOWANCE)),
            "the redelivered render",
        )
        version.refresh_from_db()
        assert version.status == "ready", version.failure_reason
        assert version.attempts == 2
        with open(version.pdf.path, "rb") as handle:
            assert handle.read(5) == b"%PDF-"
        leftovers = [p for p in os.listdir(os.path.dirname(version.pdf.path)) if p.startswith(".tmp-")]
        assert leftovers == []  # the killed render's temporary file never became the report
    finally:
        for process in (first, second):
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:  # a warm shutdown waits for a render in progress
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(10)
