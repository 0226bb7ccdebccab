import datetime as dt
import subprocess
import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from aims.models import Strategy
from reports.models import ReportVersion

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def wait_for(version_id: int, timeout: float = 90) -> ReportVersion:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        version = ReportVersion.objects.get(pk=version_id)
        if version.status in (ReportVersion.Status.READY, ReportVersion.Status.FAILED):
            return version
        time.sleep(0.5)
    raise AssertionError(f"version {version_id} still {version.status} after {timeout}s")


def test_clerk_generates_the_committee_pdf_on_a_real_worker(celery_worker_real, client, tmp_path):
    call_command("load_demo", verbosity=0)
    strategy = Strategy.objects.get(slug="cheshire-east-digital-strategy")
    period = strategy.periods.filter(status="closed").order_by("-start_date").first()
    client.force_login(User.objects.get(username="clerk"))
    form = client.get(reverse("reports:report_create", args=[strategy.slug]), {"period": period.pk}).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(period=period.pk, meeting_date_0="8", meeting_date_1="12", meeting_date_2="2026",
                reference_number="CP/12/26-27", scope="full")  # fmt: skip
    response = client.post(reverse("reports:report_create", args=[strategy.slug]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    report_url = response["Location"]

    response = client.post(report_url + "generate/")
    assert response.status_code == 302
    version = ReportVersion.objects.get()
    version = wait_for(version.pk)
    assert version.status == "ready", version.failure_reason

    download = client.get(reverse("reports:version_download", args=[version.pk]))
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"".join(download.streaming_content))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    snapshot = version.snapshot
    assert f"There are {snapshot['summary']['total']} deliverables in scope" in text
    red = [r for r in snapshot["exceptions"] if r["status"] == "red"]
    assert red and " ".join(red[0]["corrective_action"].split())[:40] in text
    assert f"Page 1 of {version.page_count}" in text
    assert "5. Background" in text and "Appendix B: Index of evidence" in text


def test_a_duplicate_delivery_makes_no_second_report(celery_worker_real):
    from reports.tasks import report_version_generate_task
    from tests import factories

    clerk = factories.UserFactory(username="clerk-x")
    strategy = factories.StrategyFactory()
    period = factories.PeriodFactory(strategy=strategy, status="closed")
    from reports.services import ReportAnswers, report_create, report_defaults

    defaults = report_defaults(strategy=strategy, period=period, user=clerk)

    answers = ReportAnswers(**defaults, meeting_date=dt.date(2026, 12, 8))
    report = report_create(strategy=strategy, user=clerk, answers=answers)
    version = ReportVersion.objects.create(report=report, number=1, requested_by=clerk)
    first = report_version_generate_task.delay(version.pk)
    second = report_version_generate_task.delay(version.pk)
    results = sorted([first.get(timeout=90), second.get(timeout=90)])
    assert results == ["ready", "skipped"]
    assert ReportVersion.objects.count() == 1
    version.refresh_from_db()
    assert version.attempts == 1 and version.status == "ready"
