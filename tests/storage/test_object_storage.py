"""Every stored file on real S3-compatible object storage (SeaweedFS on loopback, tests/storage/conftest.py):
evidence, report PDFs and Word files made by the worker, the council's logo, kept uploads and spreadsheets, the
clean-up jobs, backup and restore, and what people see when the store is down."""

import datetime as dt
import hashlib
import io
import time

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from aims import services, spreadsheets
from aims.models import Evidence, ProgressUpdate, StagedUpload
from core.file_storage import file_names, file_write_whole
from reports import versions
from reports.models import ReportVersion
from tests import factories
from tests.aims.test_council_details import image
from tests.aims.test_progress_views import PDF, form_data
from tests.reports.test_reports import generate, make_report

pytestmark = [pytest.mark.storage, pytest.mark.django_db]


@pytest.fixture
def url(deliverable, open_period):
    return reverse("aims:progress_update", args=[deliverable.pk, open_period.pk])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_file_is_written_whole_under_its_name_and_listed(s3_storage):
    server, prefix = s3_storage
    assert file_write_whole("reports/x/report-1-v1.pdf", b"first") == "reports/x/report-1-v1.pdf"
    assert file_write_whole("reports/x/report-1-v1.pdf", b"second") == "reports/x/report-1-v1.pdf"  # replaced
    file_write_whole("evidence/2026/11/a.pdf", b"a")
    assert default_storage.open("reports/x/report-1-v1.pdf").read() == b"second"
    assert server.keys(prefix) == [f"{prefix}/evidence/2026/11/a.pdf", f"{prefix}/reports/x/report-1-v1.pdf"]
    assert file_names() == ["evidence/2026/11/a.pdf", "reports/x/report-1-v1.pdf"]
    assert file_names(folder="staged") == []


def test_evidence_is_uploaded_to_the_bucket_and_downloaded_only_by_those_who_may(client, s3_storage, url, officer,
                                                                                 board_member, outsider):  # fmt: skip
    server, prefix = s3_storage
    client.force_login(officer)
    upload = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    assert client.post(url, form_data(evidence_files=[upload])).status_code == 302
    evidence = Evidence.objects.get(kind="file")
    assert server.keys(f"{prefix}/evidence/") == [f"{prefix}/{evidence.file.name}"]
    assert server.client().get_object(Bucket=server.bucket, Key=f"{prefix}/{evidence.file.name}")["Body"].read() == PDF
    download = reverse("aims:evidence_download", args=[evidence.pk])
    for person in (officer, board_member):
        client.force_login(person)
        response = client.get(download)
        assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
        assert "minutes.pdf" in response["Content-Disposition"]
        content = body(response)
        assert content == PDF and hashlib.sha256(content).hexdigest() == evidence.sha256
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    client.force_login(outsider)
    assert client.get(download).status_code == 403
    client.logout()
    assert client.get(download)["Location"].startswith(reverse("login"))


def test_a_file_missing_from_the_bucket_is_a_404_not_a_500(client, s3_storage, url, officer):
    client.force_login(officer)
    client.post(url, form_data(evidence_files=[SimpleUploadedFile("plan.pdf", PDF)]))
    evidence = Evidence.objects.get(kind="file")
    default_storage.delete(evidence.file.name)
    assert client.get(reverse("aims:evidence_download", args=[evidence.pk])).status_code == 404


def test_a_file_kept_after_a_form_error_is_in_the_bucket_and_becomes_evidence(client, s3_storage, url, officer):
    server, prefix = s3_storage
    client.force_login(officer)
    files = [SimpleUploadedFile("tool.exe", b"MZ\x90\x00\x03"), SimpleUploadedFile("plan.pdf", PDF)]
    page = client.post(url, form_data(evidence_files=files)).content.decode()
    assert "Files you have added" in page and "Remove plan.pdf" in page
    staged = StagedUpload.objects.get()
    assert server.keys(f"{prefix}/staged/") == [f"{prefix}/{staged.file.name}"]
    assert client.post(url, form_data()).status_code == 302
    evidence = Evidence.objects.get(kind="file")
    assert evidence.original_name == "plan.pdf" and evidence.file.read() == PDF
    assert not StagedUpload.objects.exists()


def test_the_nightly_clean_up_removes_kept_files_from_the_bucket(s3_storage, deliverable, strategy, officer,
                                                                 open_period):  # fmt: skip
    server, prefix = s3_storage
    closed = factories.PeriodFactory(strategy=strategy, status="closed", start_date="2025-04-01", end_date="2025-09-30")

    def kept(period, name):
        upload = SimpleUploadedFile(name, PDF, content_type="application/pdf")
        from aims.evidence_files import check_evidence_file

        checked = check_evidence_file(upload)
        return services.staged_upload_create(
            user=officer, deliverable=deliverable, period=period, source=upload, checked=checked
        )

    waiting, lost_cause = kept(open_period, "open.pdf"), kept(closed, "closed.pdf")
    assert len(server.keys(f"{prefix}/staged/")) == 2
    StagedUpload.objects.update(created_at=timezone.now() - dt.timedelta(days=30))
    assert services.staged_uploads_clean() == 1
    assert list(StagedUpload.objects.all()) == [waiting]
    assert server.keys(f"{prefix}/staged/") == [f"{prefix}/{waiting.file.name}"]
    assert lost_cause.file.name not in file_names()


def test_kept_spreadsheets_are_in_the_bucket_and_the_stale_ones_cleaned_up(s3_storage, strategy, lead):
    server, prefix = s3_storage
    old = spreadsheets.spreadsheet_stage(strategy=strategy, user=lead, data=b"old")
    time.sleep(2.5)  # object storage keeps modification times to the second, and they cannot be set
    new = spreadsheets.spreadsheet_stage(strategy=strategy, user=lead, data=b"new")
    assert len(server.keys(f"{prefix}/spreadsheets/staged/")) == 2
    assert spreadsheets.spreadsheets_staged_clean(older_than=dt.timedelta(seconds=1.5)) == 1
    assert spreadsheets.spreadsheet_staged(strategy=strategy, user=lead, token=old) is None
    assert spreadsheets.spreadsheet_staged(strategy=strategy, user=lead, token=new) == b"new"
    spreadsheets.spreadsheet_unstage(strategy=strategy, user=lead, token=new)
    assert server.keys(f"{prefix}/spreadsheets/") == []


def test_a_spreadsheet_is_checked_and_applied_from_the_bucket(client, s3_storage, strategy, lead, open_period, theme):
    factories.DeliverableFactory(strategy=strategy, theme=theme, reference="CE-07", title="Chatbot pilot")
    from openpyxl import load_workbook

    from tests.aims.test_spreadsheets import column_of, row_of, to_bytes

    wb = load_workbook(io.BytesIO(spreadsheets.workbook_bytes(strategy=strategy)))
    ws = wb["Deliverables"]
    ws.cell(row=row_of(ws, "Reference", "CE-07"), column=column_of(ws, "Title")).value = "Chatbot for council tax"
    client.force_login(lead)
    response = client.post(
        reverse("aims:spreadsheet_upload", args=[strategy.slug]),
        {"spreadsheet": SimpleUploadedFile("s.xlsx", to_bytes(wb))},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    fingerprint = spreadsheets.spreadsheet_plan(strategy=strategy, data=to_bytes(wb)).fingerprint
    applied = client.post(response["Location"], {"fingerprint": fingerprint}, follow=True).content.decode()
    assert "Check your changes" in page and "The spreadsheet was applied: 1 change saved." in applied
    assert file_names(folder="spreadsheets") == []


def test_a_logo_is_stored_in_the_bucket_served_and_replaced(client, s3_storage, strategy, lead, officer, outsider,
                                                            django_capture_on_commit_callbacks):  # fmt: skip
    server, prefix = s3_storage
    client.force_login(lead)
    url = reverse("aims:council_details", args=[strategy.slug])
    answers = {"responsible_officer": "Director of Digital", "logo_alt_text": "Borough Council"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {**answers, "logo": SimpleUploadedFile("a.png", image())}).status_code == 302
    strategy.organisation.refresh_from_db()
    first = strategy.organisation.logo.name
    assert server.keys(f"{prefix}/logos/") == [f"{prefix}/{first}"]
    logo_url = reverse("aims:council_logo", args=[strategy.slug])
    response = client.get(logo_url)
    assert response.status_code == 200 and body(response).startswith(b"\x89PNG")
    client.force_login(outsider)
    assert client.get(logo_url).status_code == 403
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**answers, "logo": SimpleUploadedFile("b.jpg", image("JPEG"), content_type="image/jpeg")})
    strategy.organisation.refresh_from_db()
    assert strategy.organisation.logo.name != first
    assert server.keys(f"{prefix}/logos/") == [f"{prefix}/{strategy.organisation.logo.name}"]  # the old one deleted


def test_a_report_is_generated_into_the_bucket_with_the_logo_and_downloaded(client, s3_storage, strategy,
                                                                            closed_period, progress, clerk,
                                                                            outsider):  # fmt: skip
    server, prefix = s3_storage
    from aims.council import council_details_update

    council_details_update(strategy=strategy, responsible_officer="Director", logo_alt_text="Crest", logo_png=image())
    version = generate(make_report(strategy, closed_period, clerk), clerk)
    assert version.status == ReportVersion.Status.READY
    assert server.keys(f"{prefix}/reports/") == [f"{prefix}/{version.docx.name}", f"{prefix}/{version.pdf.name}"]
    assert version.snapshot["logo"]["alt"] == "Crest", "the logo was read from the bucket into the snapshot"
    versions.report_version_issue(version=version, user=clerk)
    client.force_login(clerk)
    for name, field in (("reports:version_download", "pdf"), ("reports:version_download_docx", "docx")):
        response = client.get(reverse(name, args=[version.pk]))
        assert response.status_code == 200
        content = body(response)
        assert hashlib.sha256(content).hexdigest() == getattr(version, f"{field}_sha256")  # the issued file
    assert content.startswith(b"PK")
    client.force_login(outsider)
    assert client.get(reverse("reports:version_download", args=[version.pk])).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_worker_generates_the_requested_version_into_the_bucket(
    client, s3_storage, celery_worker_real, strategy, closed_period, progress, clerk
):
    server, prefix = s3_storage
    report = make_report(strategy, closed_period, clerk)
    client.force_login(clerk)
    assert client.post(reverse("reports:report_generate", args=[report.pk])).status_code == 302
    version = report.versions.get()
    deadline = time.monotonic() + 120
    while version.status in (ReportVersion.Status.QUEUED, ReportVersion.Status.GENERATING):
        assert time.monotonic() < deadline, "the worker did not finish the version in 2 minutes"
        time.sleep(0.5)
        version.refresh_from_db()
    assert version.status == ReportVersion.Status.READY, version.failure_reason
    assert version.attempts == 1
    assert server.keys(f"{prefix}/reports/") == [f"{prefix}/{version.docx.name}", f"{prefix}/{version.pdf.name}"]
    content = body(client.get(reverse("reports:version_download", args=[version.pk])))
    assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == version.pdf_sha256


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_cover_the_bucket(
    s3_storage, strategy, deliverable, open_period, officer, clerk, closed_period, progress, tmp_path
):
    from django.core.management import call_command

    from aims.council import council_details_update

    server, prefix = s3_storage
    council_details_update(strategy=strategy, responsible_officer="Director", logo_alt_text="Crest", logo_png=image())
    update = factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period, author=officer)
    from aims.evidence_files import check_evidence_file

    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    services.staged_upload_create(user=officer, deliverable=deliverable, period=open_period, source=upload,
                                  checked=check_evidence_file(upload))  # fmt: skip
    factories.EvidenceFactory(update=update, kind="note", note="n")
    version = generate(make_report(strategy, closed_period, clerk), clerk)
    before = {name: default_storage.open(name).read() for name in file_names()}
    assert {name.split("/")[0] for name in before} == {"logos", "staged", "reports"}
    backup = tmp_path / "portal.tar.gz"
    call_command("portal_backup", str(backup), verbosity=0)

    call_command("flush", interactive=False, verbosity=0)
    for name in before:
        default_storage.delete(name)
    assert server.keys(f"{prefix}/") == []
    call_command("portal_restore", str(backup), verbosity=0)
    assert server.keys(f"{prefix}/") == sorted(f"{prefix}/{name}" for name in before)
    assert {name: default_storage.open(name).read() for name in file_names()} == before
    restored = ReportVersion.objects.get(pk=version.pk)
    assert hashlib.sha256(restored.pdf.read()).hexdigest() == version.pdf_sha256


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_local_files_restores_into_the_bucket(s3_storage, settings, tmp_path, strategy):
    """Moving a portal from local files to object storage: back up with files on disk, restore with S3 set."""
    from django.core.management import call_command

    from aims.council import council_details_update

    s3 = settings.STORAGES
    settings.STORAGES = {**s3, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.MEDIA_ROOT = tmp_path / "local-media"
    council_details_update(strategy=strategy, responsible_officer="Director", logo_alt_text="Crest", logo_png=image())
    logo = strategy.organisation.__class__.objects.get(pk=strategy.organisation_id).logo.name
    assert (settings.MEDIA_ROOT / logo).exists()
    call_command("portal_backup", str(tmp_path / "b.tar.gz"), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    settings.STORAGES, settings.MEDIA_ROOT = s3, tmp_path / "must-stay-empty"
    call_command("portal_restore", str(tmp_path / "b.tar.gz"), verbosity=0)
    server, prefix = s3_storage
    assert server.keys(f"{prefix}/") == [f"{prefix}/{logo}"]
    assert default_storage.open(logo).read() == image()


def test_a_store_outage_says_the_service_is_unavailable_saves_nothing_and_recovers(
    client, s3_storage, url, officer, clerk, strategy, closed_period, progress, deliverable
):
    """SeaweedFS stopped for real (then started again on its folder): uploads and downloads answer with the
    "service unavailable" page, nothing is half-saved, a report fails with a reason after its retries, and
    everything works again once the store is back."""
    server, prefix = s3_storage
    client.force_login(officer)
    client.post(url, form_data(evidence_files=[SimpleUploadedFile("before.pdf", PDF)]))
    evidence = Evidence.objects.get(kind="file")
    download = reverse("aims:evidence_download", args=[evidence.pk])
    assert client.get("/health/").json()["checks"]["storage"] == "ok"
    server.stop()
    try:
        health = client.get("/health/")
        assert health.status_code == 200 and health.json()["status"] == "degraded"
        assert health.json()["checks"]["storage"] == "unavailable"
        started = time.monotonic()
        response = client.get(download)
        assert response.status_code == 503 and "Sorry, the service is unavailable" in response.content.decode()
        assert time.monotonic() - started < 15, "a store that is down must not hold a web worker for long"
        response = client.post(url, form_data(version="1", evidence_files=[SimpleUploadedFile("during.pdf", PDF)]))
        page = response.content.decode()
        assert response.status_code == 503 and "Your change has not been saved" in page
        assert list(Evidence.objects.filter(kind="file").values_list("original_name", flat=True)) == ["before.pdf"]
        assert ProgressUpdate.objects.get(deliverable=deliverable).version == 1 and not StagedUpload.objects.exists()
        from reports.tasks import report_version_generate_task

        report = make_report(strategy, closed_period, clerk)
        version = ReportVersion.objects.create(report=report, number=1, requested_by=clerk)
        assert report_version_generate_task.apply(args=[version.pk]).get() == "failed"  # eager: retries at once
        version.refresh_from_db()
        assert version.status == ReportVersion.Status.FAILED
        assert version.failure_reason.startswith("The file store could not be reached while saving the report.")
    finally:
        server.start()
    response = client.get(download)
    assert response.status_code == 200 and body(response) == PDF
    response = client.post(url, form_data(version="1", evidence_files=[SimpleUploadedFile("after.pdf", PDF)]))
    assert response.status_code == 302 and Evidence.objects.filter(original_name="after.pdf").exists()
