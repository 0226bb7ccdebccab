"""Exempt information: marked text planted in every exemptable place never reaches a public output; the exempt
version has it all, marked "NOT FOR PUBLICATION" on every page, and only people with a role may download it."""

import datetime as dt
import io

import docx
import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Role
from aims import exempt
from aims.models import RAG, Evidence, ProgressUpdate, ReportingPeriod
from indicators.models import IndicatorActual
from reports import generation, services, versions
from reports.exempt import exempt_paragraphs, public_snapshot
from reports.models import ReportVersion
from reports.snapshot import snapshot_build
from tests import factories
from tests.indicators.helpers import indicator_with_periods

PLANTED = "PLANTED"  # every exempt text below holds it; nothing public may


def _planted(strategy, clerk):
    period = factories.PeriodFactory(
        strategy=strategy,
        label="April to September 2026",
        start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2026, 9, 30),
        deadline=dt.date(2026, 9, 30),
        status=ReportingPeriod.Status.CLOSED,
    )
    theme = factories.ThemeFactory(strategy=strategy, title="Public theme")
    owner = factories.UserFactory(username="owner-ex")
    factories.MembershipFactory(user=owner, strategy=strategy, role=Role.OFFICER)
    whole = factories.DeliverableFactory(
        strategy=strategy, theme=theme, owner=owner, reference="EX-01", exempt_paragraph=3,
        title=f"{PLANTED} contract renegotiation", description=f"{PLANTED} description",
        expected_outcome=f"{PLANTED} outcome", lead_service=f"{PLANTED} service",
    )  # fmt: skip
    factories.MilestoneFactory(deliverable=whole, title=f"{PLANTED} milestone")
    hidden = factories.ProgressUpdateFactory(
        deliverable=whole, period=period, state=ProgressUpdate.State.ACCEPTED, rag_status=RAG.RED,
        achieved=f"{PLANTED} achieved", next_steps=f"{PLANTED} next", risks_issues=f"{PLANTED} risk",
        corrective_action=f"{PLANTED} corrective",
    )  # fmt: skip
    Evidence.objects.create(update=hidden, kind=Evidence.Kind.LINK, title=f"{PLANTED} evidence",
                            url="https://example.org/x", added_by=owner)  # fmt: skip
    partly = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=owner, reference="EX-02",
                                          title="A public deliverable")  # fmt: skip
    factories.ProgressUpdateFactory(
        deliverable=partly, period=period, state=ProgressUpdate.State.ACCEPTED, rag_status=RAG.RED,
        achieved="Public words about progress", risks_issues=f"{PLANTED} named officer's illness",
        corrective_action=f"{PLANTED} disciplinary step", exempt_paragraph=1,
        exempt_fields=["risks_issues", "corrective_action"],
    )  # fmt: skip
    _planted_indicators(strategy, owner)
    defaults = services.report_defaults(strategy=strategy, period=period, user=clerk)
    defaults |= {
        "executive_summary": f"{PLANTED} summary",
        "implications_finance": f"{PLANTED} finance",
        "exempt_paragraph": 3,
        "exempt_sections": ["executive_summary", "implications_finance"],
    }
    answers = services.ReportAnswers(**defaults, meeting_date=dt.date(2026, 11, 12))
    report = services.report_create(strategy=strategy, user=clerk, answers=answers)
    return period, whole, partly, report


def _planted_indicators(strategy, owner):
    """An exempt indicator (paragraph 3) whose title, figures, note and corrective action are planted, and a public
    one whose note must still show. Quarterly from April 2025: the sixth quarter is the report's last."""
    hidden = indicator_with_periods(
        strategy=strategy, owner=owner, reference="KPI-X", title=f"{PLANTED} supplier penalty payments",
        targets=["75"] * 6, actuals=["70", "71", "72", "73", "74", "41.7"], exempt_paragraph=3, is_published=True,
    )  # fmt: skip
    IndicatorActual.objects.filter(period__indicator=hidden).update(
        note=f"{PLANTED} indicator note", corrective_action=f"{PLANTED} indicator corrective"
    )
    shown = indicator_with_periods(strategy=strategy, owner=owner, reference="KPI-P", title="Public indicator",
                                   targets=["75"] * 6, actuals=["80"] * 6, is_published=True)  # fmt: skip
    IndicatorActual.objects.filter(period__indicator=shown).update(note="Public indicator note")


def _generate(report, clerk, django_capture_on_commit_callbacks) -> ReportVersion:
    """Request a version as "Generate PDF" does, then render it here as the worker would (the task's body): the
    test does not depend on a worker being up for the queue the request went to."""
    with django_capture_on_commit_callbacks(execute=False):
        version = versions.report_version_request(report=report, user=clerk)
    generation.report_version_generate(version_id=version.pk)
    version.refresh_from_db()
    assert version.status == ReportVersion.Status.READY, version.failure_reason
    return version


def _pdf_pages(field) -> list[str]:
    with field.open("rb") as handle:
        return [page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages]


def _docx_text(field) -> str:
    with field.open("rb") as handle:
        document = docx.Document(io.BytesIO(handle.read()))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    headers = [p.text for section in document.sections for p in section.header.paragraphs]
    return "\n".join([p.text for p in document.paragraphs] + cells + headers)


@pytest.fixture
def planted(strategy, clerk):
    return _planted(strategy, clerk)


def test_the_snapshot_knows_every_paragraph_and_the_public_copy_has_none_of_the_planted_text(planted):
    *_, report = planted
    snapshot = snapshot_build(report=report)
    assert exempt_paragraphs(snapshot) == [1, 3]
    assert PLANTED in str(snapshot)
    public = public_snapshot(snapshot)
    assert PLANTED not in str(public)
    assert exempt.notice(3) in str(public) and exempt.notice(1) in str(public)
    assert "Public words about progress" in str(public)
    indicators = {row["reference"]: row for row in public["indicators"]["rows"]}
    assert indicators["KPI-X"]["title"] == exempt.notice(3) and indicators["KPI-X"]["actual"] == ""
    assert indicators["KPI-X"]["series"] == [] and "41.7" not in str(public["indicators"])
    assert indicators["KPI-P"]["commentary"] == "Public indicator note"


def test_generate_pdf_makes_a_public_and_an_exempt_version_from_one_snapshot(
    planted, clerk, django_capture_on_commit_callbacks
):
    *_, report = planted
    version = _generate(report, clerk, django_capture_on_commit_callbacks)
    assert version.exempt_paragraphs == [1, 3]
    public_pages = _pdf_pages(version.pdf)
    public_text = "\n".join(public_pages)
    assert PLANTED not in public_text
    assert "Exempt information: not for publication by virtue of paragraph 3" in public_text.replace("\n", " ")
    assert "It is in the exempt version of this report" in public_text.replace("\n", " ")
    assert PLANTED not in _docx_text(version.docx)
    exempt_pages = _pdf_pages(version.exempt_pdf)
    assert all("NOT FOR PUBLICATION" in page and "paragraphs 1 and 3" in page for page in exempt_pages)
    assert f"{PLANTED} summary" in "\n".join(exempt_pages)
    assert f"{PLANTED} contract renegotiation" in "\n".join(exempt_pages).replace("\n", " ")
    assert f"{PLANTED} indicator note" in "\n".join(exempt_pages).replace("\n", " ")
    assert "Public indicator note" in public_text.replace("\n", " ")
    exempt_word = _docx_text(version.exempt_docx)
    assert f"{PLANTED} finance" in exempt_word and "NOT FOR PUBLICATION" in exempt_word


def test_nothing_planted_reaches_the_public_pages_or_open_data(
    client, strategy, planted, clerk, django_capture_on_commit_callbacks
):
    period, whole, partly, report = planted
    version = _generate(report, clerk, django_capture_on_commit_callbacks)
    versions.report_version_issue(version=version, user=clerk)
    strategy.is_published = True
    strategy.save()
    urls = [
        reverse("public:index"),
        reverse("public:strategy", args=[strategy.slug]),
        reverse("public:open_data", args=[strategy.slug]),
        reverse("public:deliverable", args=[strategy.slug, partly.pk]),
        *[reverse("public:data_all", args=[strategy.slug, fmt]) for fmt in ("csv", "json")],
        *[reverse("public:data_period", args=[strategy.slug, period.pk, fmt]) for fmt in ("csv", "json")],
        *[reverse("public:data_indicators", args=[strategy.slug, fmt]) for fmt in ("csv", "json")],
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert PLANTED not in response.content.decode(), url
    assert exempt.notice(3) in client.get(reverse("public:strategy", args=[strategy.slug])).content.decode()
    partly_page = client.get(reverse("public:deliverable", args=[strategy.slug, partly.pk])).content.decode()
    assert "Public words about progress" in partly_page and exempt.notice(1) in partly_page
    assert client.get(reverse("public:deliverable", args=[strategy.slug, whole.pk])).status_code == 404
    api = [f"/api/strategies/{strategy.slug}", f"/api/strategies/{strategy.slug}/deliverables",
           f"/api/deliverables/{whole.pk}", f"/api/deliverables/{partly.pk}/updates",
           f"/api/deliverables/{whole.pk}/updates", f"/api/strategies/{strategy.slug}/themes"]  # fmt: skip
    for url in api:
        response = client.get(url)
        assert response.status_code == 200, url
        assert PLANTED not in response.content.decode(), url
    assert exempt.notice(3) in client.get(f"/api/deliverables/{whole.pk}").content.decode()
    download = client.get(reverse("public:report_download", args=[strategy.slug, version.pk]))
    pages = PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages
    assert PLANTED not in "\n".join(page.extract_text() for page in pages)


@pytest.mark.parametrize("name", ["reports:version_download_exempt", "reports:version_download_exempt_docx"])
def test_the_exempt_version_is_for_people_with_a_role_only(
    client, planted, clerk, board_member, lead, outsider, django_capture_on_commit_callbacks, name
):
    *_, report = planted
    version = _generate(report, clerk, django_capture_on_commit_callbacks)
    url = reverse(name, args=[version.pk])
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    for person in (clerk, board_member, lead):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert ".exempt." in response["Content-Disposition"]


def test_a_report_with_nothing_exempt_has_no_exempt_version(
    client, strategy, clerk, django_capture_on_commit_callbacks
):
    period = factories.PeriodFactory(strategy=strategy, status=ReportingPeriod.Status.CLOSED)
    defaults = services.report_defaults(strategy=strategy, period=period, user=clerk)
    report = services.report_create(
        strategy=strategy, user=clerk, answers=services.ReportAnswers(**defaults, meeting_date=dt.date(2027, 5, 1))
    )
    version = _generate(report, clerk, django_capture_on_commit_callbacks)
    assert version.exempt_paragraphs == [] and not version.exempt_pdf
    client.force_login(clerk)
    assert client.get(reverse("reports:version_download_exempt", args=[version.pk])).status_code == 404


def test_marking_a_field_exempt_needs_a_paragraph_and_a_paragraph_needs_a_field():
    from aims.forms import ProgressUpdateForm

    base = {"version": "1", "rag_status": "green", "percent_complete": "10", "achieved": "x"}
    base |= {f"{prefix}-{key}": "0" for prefix in ("links", "figures") for key in ("TOTAL_FORMS", "INITIAL_FORMS")}
    form = ProgressUpdateForm({**base, "exempt_fields": ["risks_issues"]})
    assert not form.is_valid()
    assert form.errors["exempt_paragraph"] == ["Select the paragraph of Schedule 12A that makes these parts exempt"]
    form = ProgressUpdateForm({**base, "exempt_paragraph": "4"})
    assert not form.is_valid()
    assert form.errors["exempt_fields"] == ["Select which parts hold exempt information, or choose no paragraph"]
    form = ProgressUpdateForm({**base, "exempt_paragraph": "4", "exempt_fields": ["risks_issues"]})
    assert form.is_valid(), form.errors
    assert form.answers().exempt_paragraph == 4 and form.answers().exempt_fields == ("risks_issues",)
