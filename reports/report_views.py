"""Committee progress reports: list, create, edit, generate, follow the status, download, issue."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST

from aims import rules
from aims.models import ReportingPeriod, Strategy
from core.errors import DomainError
from reports import drafting, selectors, services, versions
from reports.forms import ProgressReportForm
from reports.models import ProgressReport, ReportVersion


def _strategy(request: HttpRequest, slug: str) -> Strategy:
    strategy = get_object_or_404(Strategy.objects.select_related("organisation"), slug=slug)
    if not rules.can_view_reports(request.user, strategy):
        raise PermissionDenied
    return strategy


def _report(request: HttpRequest, pk: int, *, write: bool = False) -> ProgressReport:
    report = get_object_or_404(ProgressReport.objects.select_related("strategy__organisation", "period"), pk=pk)
    allowed = rules.can_produce_reports if write else rules.can_view_reports
    if not allowed(request.user, report.strategy):
        raise PermissionDenied
    return report


@login_required
def report_index(request: HttpRequest) -> HttpResponse:
    strategies = [s for s in rules.visible_strategies(request.user).select_related("organisation")
                  if rules.can_view_reports(request.user, s)]  # fmt: skip
    if len(strategies) == 1:
        return redirect("reports:report_list", slug=strategies[0].slug)
    return render(request, "reports/report_index.html", {"strategies": strategies})


@login_required
def report_list(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(request, slug)
    reports = list(strategy.reports.select_related("period").prefetch_related("versions").order_by("-meeting_date"))
    return render(
        request,
        "reports/report_list.html",
        {"strategy": strategy, "reports": reports, "can_produce": rules.can_produce_reports(request.user, strategy)},
    )


def _periods(strategy: Strategy) -> list[ReportingPeriod]:
    return list(strategy.periods.exclude(status=ReportingPeriod.Status.UPCOMING).order_by("-start_date"))


def _posted_choices(data, periods: list[ReportingPeriod]) -> tuple[ReportingPeriod | None, bool]:
    """The period and "Include updates not yet reviewed" as posted, read as the form will read them."""
    period = next((p for p in periods if str(p.pk) == data.get("period")), None)
    return period, forms.CheckboxInput().value_from_datadict(data, None, "include_submitted")


def _form_page(request, strategy, form, *, report, drafts, offers=(), show_errors=True) -> HttpResponse:
    form.show_errors(show_errors)
    context = {"strategy": strategy, "form": form, "report": report, "drafts": drafts, "offers": offers}
    return render(request, "reports/report_form.html", context)


def _report_form_post(request: HttpRequest, strategy: Strategy, report: ProgressReport | None) -> HttpResponse:
    """Create or change a report from its form. The drafted text follows the chosen period and counting
    (reports/drafting.py); only "Create report" or "Save changes", with no draft to decide on, saves."""
    data = request.POST.copy()
    period, include_submitted = _posted_choices(data, _periods(strategy))
    drafts, offers = None, []
    if period is not None:
        drafts = drafting.report_drafts(strategy=strategy, period=period, include_submitted=include_submitted)
        redraft = data.get("action") == "redraft"
        offers = drafting.drafts_follow(data=data, drafts=drafts, redraft=redraft)
    form = ProgressReportForm(data, instance=report, strategy=strategy)
    if data.get("action") == "redraft" or data.get("draft_choice") or offers:
        return _form_page(request, strategy, form, report=report, drafts=drafts, offers=offers, show_errors=False)
    if form.is_valid():
        answers = services.ReportAnswers.of(form.cleaned_data)
        try:
            if report is None:
                report = services.report_create(strategy=strategy, user=request.user, answers=answers)
                messages.success(request, "The progress report was created. Choose “Generate PDF” when it is ready.")
            else:
                services.report_update(report=report, answers=answers)
                messages.success(request, "Your changes were saved. Generate a new PDF to include them.")
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("reports:report_detail", pk=report.pk)
    return _form_page(request, strategy, form, report=report, drafts=drafts)


@login_required
def report_create(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(request, slug)
    if not rules.can_produce_reports(request.user, strategy):
        raise PermissionDenied
    if request.method == "POST":
        return _report_form_post(request, strategy, None)
    periods = _periods(strategy)
    chosen = request.GET.get("period")
    period = next((p for p in periods if str(p.pk) == chosen), None) or next(
        (p for p in periods if p.status == ReportingPeriod.Status.CLOSED), periods[0] if periods else None
    )
    if period is None:
        messages.info(request, "This strategy has no reporting period to report on yet.")
        return redirect("reports:report_list", slug=strategy.slug)
    drafts = drafting.report_drafts(
        strategy=strategy, period=period, include_submitted=selectors.INCLUDE_SUBMITTED_DEFAULT
    )
    initial = services.report_defaults(strategy=strategy, period=period, user=request.user, drafts=drafts)
    form = ProgressReportForm(initial={**initial, **drafts.marks()}, strategy=strategy)
    return _form_page(request, strategy, form, report=None, drafts=drafts)


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk, write=True)
    strategy = report.strategy
    if request.method == "POST":
        return _report_form_post(request, strategy, report)
    # The stored text is judged against the draft for its choices now: if the figures moved since, it counts
    # as edited, so it is offered a new draft rather than replaced.
    drafts = drafting.report_drafts(strategy=strategy, period=report.period, include_submitted=report.include_submitted)
    form = ProgressReportForm(instance=report, initial=drafts.marks(), strategy=strategy)
    return _form_page(request, strategy, form, report=report, drafts=drafts)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    versions = list(report.versions.select_related("requested_by", "issued_by").order_by("-number"))
    awaiting = selectors.awaiting_review_count(strategy=report.strategy, period=report.period)
    ready = [v for v in versions if v.status == ReportVersion.Status.READY]
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "strategy": report.strategy,
            "versions": versions,
            "latest": versions[0] if versions else None,
            # The main download: the version issued to committee once there is one, else the newest ready one.
            "main": next((v for v in ready if v.issued_at), ready[0] if ready else None),
            "in_progress": any(v.in_progress for v in versions),
            "can_produce": rules.can_produce_reports(request.user, report.strategy),
            "awaiting_review": awaiting,
            "report_counting": selectors.counted_updates_description(
                include_submitted=report.include_submitted, awaiting_review=awaiting
            ),
        },
    )


@login_required
@require_POST
def report_generate(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk, write=True)
    try:
        version = versions.report_version_request(report=report, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Version {version.number} is being generated. This page shows when it is ready.")
    return redirect("reports:report_detail", pk=report.pk)


@login_required
def report_status(request: HttpRequest, pk: int) -> JsonResponse:
    report = _report(request, pk)
    versions = report.versions.order_by("-number").values("number", "status", "failure_reason")
    return JsonResponse({"versions": list(versions)})


@login_required
@require_http_methods(["GET", "POST"])
def version_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issuing cannot be undone: GET asks "Are you sure…" and says what it means, POST issues."""
    version = get_object_or_404(ReportVersion.objects.select_related("report", "requested_by"), pk=pk)
    report = _report(request, version.report_id, write=True)
    if request.method == "GET":
        refusal = versions.report_version_issue_refusal(version=version)
        if refusal:
            messages.info(request, refusal)
            return redirect("reports:report_detail", pk=report.pk)
        return render(
            request,
            "reports/version_issue_confirm.html",
            {"version": version, "report": report, "strategy": report.strategy},
        )
    try:
        versions.report_version_issue(version=version, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Version {version.number} is marked as issued to committee. It will not change, and it is now the "
            "report's main download.",
        )
    return redirect("reports:report_detail", pk=version.report_id)


DOWNLOADS = {
    "pdf": ("pdf", "application/pdf", "PDF"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word version"),
    # The exempt version (reports.exempt): for whoever may read the report, that is people with a role in the
    # strategy; never on the public pages.
    "exempt_pdf": ("exempt_pdf", "application/pdf", "exempt version"),
    "exempt_docx": (
        "exempt_docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "exempt Word version",
    ),
}
SUFFIXES = {"pdf": "pdf", "docx": "docx", "exempt_pdf": "exempt.pdf", "exempt_docx": "exempt.docx"}


@login_required
def version_download(request: HttpRequest, pk: int, kind: str = "pdf") -> FileResponse:
    """A ready version's PDF or Word file, for whoever may read the report."""
    version = get_object_or_404(ReportVersion.objects.select_related("report__strategy"), pk=pk)
    report = _report(request, version.report_id)
    field, content_type, noun = DOWNLOADS[kind]
    file = getattr(version, field)
    if version.status != ReportVersion.Status.READY or not file:
        raise Http404(f"This version has no {noun}")
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(f"The {noun} is missing from storage") from exc
    filename = f"{slugify(report.title)}-v{version.number}.{SUFFIXES[kind]}"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
