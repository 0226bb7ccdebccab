"""A worker killed in the middle of rendering a report: the report is redelivered and finished, never left
"generating" for ever. Real worker processes on Redis, real SIGKILL."""

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

from aims.models import Deliverable, ProgressUpdate
from reports import services
from reports.models import ReportVersion
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def start_worker(tmp_path, name):
    db = connection.settings_dict
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        # Short limits so redelivery happens within the test; production keeps visibility > time limit too.
        "CELERY_TASK_TIME_LIMIT": "20",
        "CELERY_TASK_SOFT_TIME_LIMIT": "15",
        "CELERY_VISIBILITY_TIMEOUT": "25",
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
    raise AssertionError(f"timed out waiting for {what}")


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
    values = services.report_defaults(strategy=strategy, period=period, user=clerk)
    values["meeting_date"] = dt.date(2026, 12, 8)
    return services.report_create(strategy=strategy, user=clerk, values=values)


def test_worker_killed_mid_render_is_redelivered_and_finished(big_report, clerk, tmp_path):
    first = start_worker(tmp_path, "first")
    second = None
    try:
        version = services.report_version_request(report=big_report, user=clerk)
        wait(lambda: ReportVersion.objects.get(pk=version.pk).status == "generating", 60, "the render to start")
        time.sleep(0.5)  # well inside the render
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
        assert ReportVersion.objects.get(pk=version.pk).status == "generating"  # the dead worker left it so

        second = start_worker(tmp_path, "second")
        wait(lambda: ReportVersion.objects.get(pk=version.pk).status in ("ready", "failed"), 120, "redelivery")
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
                process.wait(30)
