"""Committee progress reports: list, create, edit, generate, follow the status, download, issue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from aims import rules
from aims.models import ReportingPeriod, Strategy
from core.errors import DomainError
from reports import services, versions
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


@login_required
def report_create(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(request, slug)
    if not rules.can_produce_reports(request.user, strategy):
        raise PermissionDenied
    if request.method == "POST":
        form = ProgressReportForm(request.POST, strategy=strategy)
        if form.is_valid():
            try:
                answers = services.ReportAnswers(**form.cleaned_data)
                report = services.report_create(strategy=strategy, user=request.user, answers=answers)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "The progress report was created. Choose “Generate PDF” when it is ready.")
                return redirect("reports:report_detail", pk=report.pk)
    else:
        periods = list(strategy.periods.exclude(status=ReportingPeriod.Status.UPCOMING).order_by("-start_date"))
        chosen = request.GET.get("period")
        period = next((p for p in periods if str(p.pk) == chosen), None) or next(
            (p for p in periods if p.status == ReportingPeriod.Status.CLOSED), periods[0] if periods else None
        )
        if period is None:
            messages.info(request, "This strategy has no reporting period to report on yet.")
            return redirect("reports:report_list", slug=strategy.slug)
        form = ProgressReportForm(
            initial=services.report_defaults(strategy=strategy, period=period, user=request.user), strategy=strategy
        )
    return render(request, "reports/report_form.html", {"strategy": strategy, "form": form, "report": None})


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk, write=True)
    strategy = report.strategy
    form = ProgressReportForm(request.POST or None, instance=report, strategy=strategy)
    if request.method == "POST" and form.is_valid():
        services.report_update(report=report, answers=services.ReportAnswers(**form.cleaned_data))
        messages.success(request, "Your changes were saved. Generate a new PDF to include them.")
        return redirect("reports:report_detail", pk=report.pk)
    return render(request, "reports/report_form.html", {"strategy": strategy, "form": form, "report": report})


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    versions = list(report.versions.select_related("requested_by", "issued_by").order_by("-number"))
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "strategy": report.strategy,
            "versions": versions,
            "latest": versions[0] if versions else None,
            "in_progress": any(v.in_progress for v in versions),
            "can_produce": rules.can_produce_reports(request.user, report.strategy),
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
@require_POST
def version_issue(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(ReportVersion.objects.select_related("report"), pk=pk)
    _report(request, version.report_id, write=True)
    try:
        versions.report_version_issue(version=version, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Version {version.number} is marked as issued to committee. It will not change.")
    return redirect("reports:report_detail", pk=version.report_id)


DOWNLOADS = {
    "pdf": ("pdf", "application/pdf", "PDF"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word version"),
}


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
    filename = f"{slugify(report.title)}-v{version.number}.{kind}"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
