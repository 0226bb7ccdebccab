"""Who owns a version left "generating" by a dead worker: redelivery while a redelivered task may still come,
the reaper after (reports.versions.redelivery_window), and never more than MAX_ATTEMPTS starts."""

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.utils import timezone
from kombu.transport.redis import Channel

from reports import generation, services, tasks, versions
from reports.models import ReportVersion
from tests import factories

pytestmark = pytest.mark.django_db
SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def report(strategy, clerk):
    period = factories.PeriodFactory(strategy=strategy, status="closed")
    defaults = services.report_defaults(strategy=strategy, period=period, user=clerk)
    answers = services.ReportAnswers(**defaults, meeting_date=dt.date(2026, 12, 8))
    return services.report_create(strategy=strategy, user=clerk, answers=answers)


def generating(report, clerk, *, started_at, attempts=1, number=1):
    return ReportVersion.objects.create(
        report=report, number=number, requested_by=clerk, status="generating", started_at=started_at,
        attempts=attempts,
    )  # fmt: skip


def test_the_broker_sweep_for_a_dead_workers_messages_is_set_not_left_to_kombus_100_s_default():
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert {"visibility_timeout", "unacked_restore_interval", "unacked_restore_throttle"} <= options.keys()
    assert set(options) <= set(Channel.from_transport_options)  # names kombu's Redis channel reads
    assert options["unacked_restore_interval"] * options["unacked_restore_throttle"] <= 10
    assert options["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT


def test_the_sweep_and_visibility_are_read_from_the_environment_and_reach_celery():
    """The worker-killed test gives its workers short values this way."""
    env = {
        **os.environ,
        "CELERY_VISIBILITY_TIMEOUT": "25",
        "CELERY_UNACKED_RESTORE_INTERVAL": "2",
        "CELERY_UNACKED_RESTORE_THROTTLE": "3",
        "CELERY_TASK_TIME_LIMIT": "20",
    }
    code = "import json; from strategy_portal.celery import app; print(json.dumps(app.conf.broker_transport_options))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert json.loads(out.splitlines()[-1]) == {
        "visibility_timeout": 25,
        "unacked_restore_interval": 2,
        "unacked_restore_throttle": 3,
    }
    env["CELERY_VISIBILITY_TIMEOUT"] = "20"  # not longer than the hard time limit
    refused = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert refused.returncode != 0 and "must be longer than CELERY_TASK_TIME_LIMIT" in refused.stderr


def test_redelivery_window_adds_visibility_sweep_time_limit_and_margin():
    options = {"visibility_timeout": 25, "unacked_restore_interval": 2, "unacked_restore_throttle": 3}
    window = versions.redelivery_window(transport_options=options, time_limit=20)
    assert window == dt.timedelta(seconds=25 + 2 * 3 + 20) + versions.REDELIVERY_MARGIN
    # kombu's own defaults when the sweep is not set: every 10 s, scanning on every 10th.
    assert (
        versions.redelivery_window(transport_options={"visibility_timeout": 25}, time_limit=20)
        == dt.timedelta(seconds=25 + 100 + 20) + versions.REDELIVERY_MARGIN
    )


def test_the_reaper_leaves_a_version_to_redelivery_while_one_may_still_come(report, clerk):
    started = timezone.now()
    version = generating(report, clerk, started_at=started)
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    sweep = options.get("unacked_restore_interval", Channel.unacked_restore_interval) * options.get(
        "unacked_restore_throttle", Channel.unacked_restore_throttle
    )
    # The broker may give the dead worker's message back this late, and a busy worker take it a time limit later.
    redelivered_by = started + dt.timedelta(seconds=options["visibility_timeout"] + sweep)
    assert versions.report_versions_reap(now=redelivered_by) == 0
    assert versions.report_versions_reap(now=redelivered_by + settings.CELERY_TASK_TIME_LIMIT * SECOND) == 0

    window = versions.redelivery_window()
    assert versions.report_versions_reap(now=started + window - SECOND) == 0
    version.refresh_from_db()
    assert version.status == "generating"

    assert versions.report_versions_reap(now=started + window + SECOND) == 1
    version.refresh_from_db()
    assert version.status == "failed" and "Generate PDF" in version.failure_reason
    # A redelivery arriving after all finds the version failed and leaves it so.
    assert generation.report_version_generate(version_id=version.pk) is None
    version.refresh_from_db()
    assert version.status == "failed" and version.attempts == 1


def test_a_version_started_max_attempts_times_is_failed_with_a_reason_not_started_again(report, clerk):
    version = generating(report, clerk, started_at=timezone.now(), attempts=versions.MAX_ATTEMPTS)
    result = tasks.report_version_generate_task.apply((version.pk,)).get()
    assert result == "skipped"
    version.refresh_from_db()
    assert version.status == "failed" and version.attempts == versions.MAX_ATTEMPTS
    assert f"stopped {versions.MAX_ATTEMPTS} times" in version.failure_reason
    assert not version.pdf and version.finished_at


def test_a_version_started_fewer_times_is_rendered_again(report, clerk):
    version = generating(report, clerk, started_at=timezone.now(), attempts=versions.MAX_ATTEMPTS - 1)
    assert tasks.report_version_generate_task.apply((version.pk,)).get() == "ready"
    version.refresh_from_db()
    assert version.status == "ready" and version.attempts == versions.MAX_ATTEMPTS


def test_database_retries_fit_in_the_attempts():
    """Each retry starts the version again; the last retry, not MAX_ATTEMPTS, gives the database's reason."""
    assert tasks.report_version_generate_task.max_retries == versions.MAX_ATTEMPTS - 1
