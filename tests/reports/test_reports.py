import dataclasses
import datetime as dt
import hashlib
import re
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from aims.models import RAG, ProgressUpdate, ReportingPeriod
from reports import generation, services, versions
from reports.forms import ProgressReportForm
from reports.models import ProgressReport, ReportVersion
from reports.pdf import FetchRefused, portal_url_fetcher, report_html
from reports.scheduled import reminders_send, roll_over_and_draft_reports
from reports.snapshot import snapshot_build
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 21)


@pytest.fixture
def closed_period(strategy):
    return factories.PeriodFactory(
        strategy=strategy, label="April to September 2026", start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2026, 9, 30), deadline=dt.date(2026, 9, 30), status=ReportingPeriod.Status.CLOSED,
    )  # fmt: skip


@pytest.fixture
def progress(strategy, theme, closed_period, officer, board_member):
    aim = factories.AimFactory(strategy=strategy, number=1, title="Innovative public services")
    theme.aims.set([aim])
    red = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, reference="CE-01",
                                       title="Publish council data <script>alert(1)</script>")  # fmt: skip
    green = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, reference="CE-02",
                                         title="New website")  # fmt: skip
    factories.ProgressUpdateFactory(
        deliverable=red, period=closed_period, rag_status=RAG.RED, percent_complete=30, state="accepted",
        corrective_action="Agency developers funded until March", achieved="Data catalogue drafted.",
    )  # fmt: skip
    update = factories.ProgressUpdateFactory(
        deliverable=green, period=closed_period, rag_status=RAG.GREEN, percent_complete=70, state="accepted",
        achieved="Beta site live for residents.",
    )  # fmt: skip
    factories.EvidenceFactory(update=update, kind="link", note="", title="Beta site", url="https://example.gov.uk/beta")
    return {"red": red, "green": green, "green_update": update}


def make_report(strategy, period, user, **overrides):
    values = services.report_defaults(strategy=strategy, period=period, user=user)
    values.update(meeting_date=dt.date(2026, 12, 8), reference_number="CP/12/26-27", **overrides)
    return services.report_create(strategy=strategy, user=user, answers=services.ReportAnswers(**values))


def pdf_text(version) -> str:
    """The PDF's text with white space folded, so words wrapped in a table cell still match."""
    out = subprocess.run(["pdftotext", version.pdf.path, "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def pdf_info(version) -> str:
    return subprocess.run(["pdfinfo", version.pdf.path], capture_output=True, text=True, check=True).stdout


def generate(report, user):
    version = ReportVersion.objects.create(report=report, number=report.versions.count() + 1, requested_by=user)
    return generation.report_version_generate(version_id=version.pk)


def test_report_pages_anonymous_wrong_role_right_role(client, strategy, closed_period, clerk, officer, outsider,
                                                      board_member):  # fmt: skip
    report = make_report(strategy, closed_period, clerk)
    read_urls = [
        reverse("reports:report_list", args=[strategy.slug]),
        reverse("reports:report_detail", args=[report.pk]),
        reverse("reports:report_status", args=[report.pk]),
    ]
    write_gets = [
        reverse("reports:report_create", args=[strategy.slug]),
        reverse("reports:report_edit", args=[report.pk]),
    ]
    generate_url = reverse("reports:report_generate", args=[report.pk])
    for url in read_urls + write_gets:
        assert client.get(url).status_code == 302
    for person in (officer, outsider):
        client.force_login(person)
        for url in read_urls + write_gets:
            assert client.get(url).status_code == 403, url
        assert client.post(generate_url).status_code == 403
    client.force_login(board_member)  # the board may read reports but not produce them
    for url in read_urls:
        assert client.get(url).status_code == 200
    for url in write_gets:
        assert client.get(url).status_code == 403
    assert client.post(generate_url).status_code == 403
    assert not ReportVersion.objects.exists()
    client.force_login(clerk)
    for url in read_urls + write_gets:
        assert client.get(url).status_code == 200


def test_create_form_is_prefilled_and_validates(client, strategy, closed_period, progress, clerk):
    client.force_login(clerk)
    url = reverse("reports:report_create", args=[strategy.slug])
    page = client.get(url).content.decode()
    assert "Create a progress report" in page
    assert "Of 2 deliverables" in page  # executive summary drafted from the figures
    assert "Six-monthly Progress Report" in page
    for heading in ["Legal", "Finance", "Policy", "Equality", "Human Resources", "Risk Management",
                    "Rural Communities", "Children and Young People", "Public Health", "Climate Change"]:  # fmt: skip
        assert heading in page
    response = client.post(url, {"period": closed_period.pk, "committee": "", "meeting_date": "31/02/2026",
                                 "scope": "full", "marking": "OFFICIAL"})  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "Enter the committee name" in page and "Enter the executive summary" in page
    assert not ProgressReport.objects.exists()


def test_report_answers_are_the_forms_fields_and_the_defaults_all_but_the_meeting_date(strategy, closed_period, clerk):
    names = [f.name for f in dataclasses.fields(services.ReportAnswers)]
    assert sorted(names) == sorted(ProgressReportForm._meta.fields)
    defaults = services.report_defaults(strategy=strategy, period=closed_period, user=clerk)
    assert set(names) - set(defaults) >= {"meeting_date"} and set(defaults) <= set(names)


def test_a_report_is_created_and_changed_through_its_form(client, strategy, closed_period, progress, clerk):
    client.force_login(clerk)
    create = reverse("reports:report_create", args=[strategy.slug])
    form = client.get(create).context["form"]
    data = {name: value for name, value in form.initial.items() if name != "period"}
    data.update(period=closed_period.pk, meeting_date_0="8", meeting_date_1="12", meeting_date_2="2026",
                reference_number="CP/1", scope="exceptions")  # fmt: skip
    response = client.post(create, data)
    report = ProgressReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:report_detail", args=[report.pk])
    assert (report.meeting_date, report.reference_number, report.scope) == (dt.date(2026, 12, 8), "CP/1", "exceptions")
    assert (report.strategy, report.period, report.created_by, report.created_automatically) == (
        strategy, closed_period, clerk, False
    )  # fmt: skip
    data.update(committee="Scrutiny Committee", implications_legal="None beyond the Council's duties.")
    assert client.post(reverse("reports:report_edit", args=[report.pk]), data).status_code == 302
    report.refresh_from_db()
    assert (report.committee, report.implications_legal) == ("Scrutiny Committee", "None beyond the Council's duties.")


def test_generated_pdf_has_the_committee_layout_figures_and_tags(strategy, closed_period, progress, clerk):
    report = make_report(strategy, closed_period, clerk, executive_summary="First point.\n\nSecond <b>point</b>.")
    version = generate(report, clerk)
    assert version.status == "ready" and version.page_count >= 3
    info = pdf_info(version)
    assert "Tagged:          yes" in info
    assert "Page size:       595.276 x 841.89 pts (A4)" in info
    assert f"Title:           {report.title}" in info
    text = pdf_text(version)
    for heading in ["1. Executive Summary", "2. Recommendations", "3. Reasons for Recommendations",
                    "4. Other Options Considered", "5. Background", "6. Consultation and Engagement",
                    "7. Implications", "Access to Information", "Appendix A", "Appendix B: Index of evidence",
                    "Date of Meeting", "Report Reference No", "Ward(s) Affected"]:  # fmt: skip
        assert heading in text, heading
    assert "1.1." in text and "1.2." in text and "Second <b>point</b>." in text  # numbered, escaped
    assert "Agency developers funded until March" in text  # the red deliverable's corrective action
    assert "Publish council data <script>alert(1)</script>" in text
    assert "OFFICIAL" in text and f"Page 1 of {version.page_count}" in text
    assert "Beta site" in text  # evidence index
    assert "Overall the strategy is 50.0% complete" in text  # (30 + 70) / 2

    reader = PdfReader(version.pdf.path)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB" and root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    bookmarks = []

    def walk(items):
        for item in items:
            walk(item) if isinstance(item, list) else bookmarks.append(item.title)

    walk(reader.outline)
    for section in ["1. Executive Summary", "5. Background", "Exceptions", "7.1. Legal", "Access to Information",
                    "Appendix B: Index of evidence"]:  # fmt: skip
        assert section in bookmarks
    fonts = subprocess.run(["pdffonts", version.pdf.path], capture_output=True, text=True, check=True).stdout
    font_rows = fonts.splitlines()[2:]
    assert font_rows and all(" yes " in row for row in font_rows)  # every font embedded


def test_the_dashboard_and_the_report_draw_the_same_charts(client, strategy, closed_period, progress, clerk,
                                                          board_member):  # fmt: skip
    report = make_report(strategy, closed_period, clerk, include_submitted=True)  # counts what the dashboard counts
    html = report_html(snapshot_build(report=report))
    client.force_login(board_member)
    page = client.get(reverse("reports:dashboard", args=[strategy.slug]), {"period": closed_period.pk})
    assert list(page.context["charts"]) == ["summary", "aims", "trend"]
    for chart in page.context["charts"].values():
        assert chart in html


def test_issued_version_never_changes_and_regenerating_makes_a_new_one(strategy, closed_period, progress, clerk):
    report = make_report(strategy, closed_period, clerk)
    v1 = generate(report, clerk)
    versions.report_version_issue(version=v1, user=clerk)
    sha, snapshot = v1.pdf_sha256, v1.snapshot
    update = progress["green_update"]
    update.rag_status, update.percent_complete = RAG.COMPLETE, 100
    update.save()
    report.title = "Changed title"
    report.save()
    v2 = generate(report, clerk)
    v1.refresh_from_db()
    assert (v1.pdf_sha256, v1.snapshot) == (sha, snapshot)
    assert hashlib.sha256(Path(v1.pdf.path).read_bytes()).hexdigest() == sha
    assert v2.number == 2 and v2.pdf.name != v1.pdf.name
    assert "Changed title" in pdf_text(v2) and "Changed title" not in pdf_text(v1)
    with pytest.raises(services.DomainError, match="already issued"):
        versions.report_version_issue(version=v1, user=clerk)


def test_generation_is_idempotent(strategy, closed_period, progress, clerk):
    report = make_report(strategy, closed_period, clerk)
    version = generate(report, clerk)
    assert generation.report_version_generate(version_id=version.pk) is None  # a redelivered task does nothing
    assert ReportVersion.objects.count() == 1


def test_only_one_version_in_progress(strategy, closed_period, clerk):
    report = make_report(strategy, closed_period, clerk)
    versions.report_version_request(report=report, user=clerk)
    with pytest.raises(services.DomainError, match="already being generated"):
        versions.report_version_request(report=report, user=clerk)


def test_a_version_whose_worker_died_is_failed_with_a_reason(strategy, closed_period, clerk):
    report = make_report(strategy, closed_period, clerk)
    version = ReportVersion.objects.create(
        report=report, number=1, requested_by=clerk, status="generating",
        started_at=timezone.now() - versions.redelivery_window() - dt.timedelta(minutes=1),  # no redelivery now
    )  # fmt: skip
    fresh = ReportVersion.objects.create(report=report, number=2, requested_by=clerk, status="generating",
                                         started_at=timezone.now())  # fmt: skip
    assert versions.report_versions_reap() == 1
    version.refresh_from_db()
    fresh.refresh_from_db()
    assert version.status == "failed" and "Generate PDF" in version.failure_reason
    assert fresh.status == "generating"


def test_a_version_whose_task_was_lost_before_any_worker_took_it_is_failed(strategy, closed_period, clerk):
    report = make_report(strategy, closed_period, clerk)
    lost = ReportVersion.objects.create(report=report, number=1, requested_by=clerk, status="queued")
    ReportVersion.objects.filter(pk=lost.pk).update(requested_at=timezone.now() - dt.timedelta(hours=2))
    waiting = ReportVersion.objects.create(report=report, number=2, requested_by=clerk, status="queued")
    assert versions.report_versions_reap() == 1
    lost.refresh_from_db()
    waiting.refresh_from_db()
    assert lost.status == "failed" and "never picked up" in lost.failure_reason
    assert waiting.status == "queued"


def test_the_renderer_fetches_only_the_portals_static_files():
    assert portal_url_fetcher("/static/css/portal.css")["string"]
    for url in ["http://169.254.169.254/latest", "https://example.org/x.png", "file:///etc/passwd",
                "/static/../../etc/passwd", "data:text/html,hi"]:  # fmt: skip
        with pytest.raises(FetchRefused):
            portal_url_fetcher(url)


def test_markup_in_report_text_cannot_fetch_anything(strategy, closed_period, progress, clerk, monkeypatch):
    asked = []
    from reports import pdf

    original = pdf.portal_url_fetcher

    def spy(url, *args, **kwargs):
        asked.append(url)
        return original(url, *args, **kwargs)

    monkeypatch.setattr(pdf, "portal_url_fetcher", spy)
    report = make_report(
        strategy, closed_period, clerk,
        executive_summary='<img src="http://attacker.example/x.png"><link rel=stylesheet href="file:///etc/passwd">',
    )  # fmt: skip
    version = generate(report, clerk)
    assert version.status == "ready"
    assert asked == []  # escaped text, so nothing to fetch
    assert '<img src="http://attacker.example/x.png">' in pdf_text(version)


def test_download_and_issue_views(client, strategy, closed_period, progress, clerk, board_member):
    report = make_report(strategy, closed_period, clerk)
    version = generate(report, clerk)
    client.force_login(board_member)
    response = client.get(reverse("reports:version_download", args=[version.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert client.post(reverse("reports:version_issue", args=[version.pk])).status_code == 403
    client.force_login(clerk)
    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert "Download PDF" in page and "Mark version 1 as issued" in page
    assert client.get(reverse("reports:version_issue", args=[version.pk])).status_code == 200
    assert client.post(reverse("reports:version_issue", args=[version.pk])).status_code == 302
    version.refresh_from_db()
    assert version.is_issued
    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert "Issued" in page and "Mark version 1 as issued" not in page


def test_status_page_explains_a_failure(client, strategy, closed_period, clerk):
    report = make_report(strategy, closed_period, clerk)
    ReportVersion.objects.create(report=report, number=1, requested_by=clerk, status="failed",
                                 failure_reason="The report took too long to generate.")  # fmt: skip
    client.force_login(clerk)
    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert "Version 1 could not be generated" in page and "The report took too long to generate." in page
    assert client.get(reverse("reports:report_status", args=[report.pk])).json()["versions"][0]["status"] == "failed"


def test_period_end_drafts_one_report_and_tells_clerks(strategy, clerk, lead, django_capture_on_commit_callbacks):
    from aims.services import reporting_periods_generate

    reporting_periods_generate(strategy=strategy, today=dt.date(2026, 9, 15))
    with django_capture_on_commit_callbacks():
        drafted = roll_over_and_draft_reports(today=dt.date(2026, 10, 1))
    assert [r.period.label for r in drafted] == ["April to September 2026"]
    assert strategy.periods.get(status="open").label == "October 2026 to March 2027"
    report = drafted[0]
    assert report.created_automatically and report.versions.get().status == "queued"
    assert [m.to for m in mail.outbox] == [[clerk.email]]
    assert roll_over_and_draft_reports(today=dt.date(2026, 10, 2)) == []  # nothing twice
    assert ProgressReport.objects.count() == 1


def test_reminders_before_and_on_the_deadline_and_board_digest(strategy, open_period, deliverable, officer,
                                                               board_member, settings):  # fmt: skip
    settings.REMINDER_DAYS_BEFORE_DEADLINE = 7
    deadline = open_period.deadline
    assert reminders_send(today=deadline - dt.timedelta(days=8)) == {"officer": 0, "board": 0}
    assert reminders_send(today=deadline - dt.timedelta(days=7))["officer"] == 1
    assert mail.outbox[-1].to == [officer.email] and deliverable.reference in mail.outbox[-1].body
    assert reminders_send(today=deadline - dt.timedelta(days=7))["officer"] == 0  # not twice
    assert reminders_send(today=deadline)["officer"] == 1
    factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period, state=ProgressUpdate.State.SUBMITTED)
    monday = dt.date(2026, 11, 23)
    assert reminders_send(today=monday) == {"officer": 0, "board": 1}
    assert mail.outbox[-1].to == [board_member.email] and "waiting for review" in mail.outbox[-1].subject


def test_issuing_asks_first_and_says_what_it_means(client, strategy, closed_period, progress, clerk, board_member):
    """Found in review: "Mark version N as issued" issued at once, with no way back."""
    report = make_report(strategy, closed_period, clerk)
    version = generate(report, clerk)
    url = reverse("reports:version_issue", args=[version.pk])
    client.force_login(board_member)
    assert client.get(url).status_code == 403
    client.force_login(clerk)
    detail = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert f'href="{url}"' in detail  # the table's action leads to the question, it does not issue
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Are you sure you want to mark version 1 as issued?" in page
    assert "You cannot undo this." in page and "never change" in page
    assert re.search(
        r'<button type="submit" class="govuk-button govuk-button--warning"[^>]*>Mark version 1 as issued<', page
    )
    version.refresh_from_db()
    assert not version.is_issued  # asking changes nothing
    response = client.post(url, follow=True)
    version.refresh_from_db()
    assert version.is_issued
    assert "govuk-notification-banner--success" in response.content.decode()
    assert "issued to committee" in response.content.decode()
    # Asked again once issued: told so, on the report page.
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:report_detail", args=[report.pk])
    assert "was already issued" in response.content.decode()


def test_after_issuing_the_main_download_is_the_issued_version(client, strategy, closed_period, progress, clerk):
    """Found in review: generating again after issuing made the newest version the page's "Download PDF"."""
    report = make_report(strategy, closed_period, clerk)
    issued = generate(report, clerk)
    versions.report_version_issue(version=issued, user=clerk)
    newer = generate(report, clerk)
    assert newer.status == "ready" and newer.number == 2
    client.force_login(clerk)
    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    main = re.search(r'<a class="govuk-button" data-module="govuk-button" href="([^"]+)">Download PDF</a>', page)
    assert main.group(1) == reverse("reports:version_download", args=[issued.pk])
    assert "Version 1 was issued to committee on" in page
    assert "Version 2 is ready but not issued" in page
