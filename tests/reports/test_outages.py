"""With the task queue unreachable, "Generate PDF" says so rather than leaving a report queued for ever, and the
health endpoint reports it."""

import datetime as dt

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError

from reports.models import ReportVersion
from reports.services import ReportAnswers, report_create, report_defaults
from reports.tasks import report_version_generate_task
from tests import factories

pytestmark = pytest.mark.django_db


def test_generate_with_the_queue_down_fails_clearly(client, strategy, clerk, monkeypatch,
                                                     django_capture_on_commit_callbacks):  # fmt: skip
    def refused(*args, **kwargs):  # what kombu raises when Redis refuses the connection
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(report_version_generate_task, "apply_async", refused)
    period = factories.PeriodFactory(strategy=strategy, status="closed")
    defaults = report_defaults(strategy=strategy, period=period, user=clerk)
    answers = ReportAnswers(**defaults, meeting_date=dt.date(2026, 12, 8))
    report = report_create(strategy=strategy, user=clerk, answers=answers)
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_generate", args=[report.pk]))
    assert response.status_code == 302
    version = ReportVersion.objects.get()
    assert version.status == "failed" and "task service is unavailable" in version.failure_reason
    page = client.get(response["Location"]).content.decode()
    assert "could not be generated" in page and "try “Generate PDF” again" in page


def test_health_reports_an_unreachable_broker_as_degraded(client, settings):
    """Pages still work without Redis, so a load balancer must not take every web process out: 200 "degraded",
    with what is down named for monitoring. (Database down: 503, see tests/integration/test_real_outage.py.)"""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # a closed port: a real refused connection
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "checks": {"database": "ok", "broker": "unavailable"}}
