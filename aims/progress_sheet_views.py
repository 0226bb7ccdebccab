"""The progress sheet, for the strategy's leads (the programme office): "Download the progress sheet", "Upload the
progress sheet", "Check your changes" and "Create draft updates" (aims/progress_sheets.py)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from aims import progress_sheets, rules, spreadsheets
from aims.models import Strategy
from aims.spreadsheet_forms import SpreadsheetUploadForm
from core.errors import DomainError


def _strategy(request: HttpRequest, slug: str) -> Strategy:
    strategy = get_object_or_404(Strategy.objects.select_related("organisation"), slug=slug)
    if not rules.can_manage_strategy(request.user, strategy):
        raise PermissionDenied
    return strategy


class ProgressSheetUploadForm(SpreadsheetUploadForm):
    """The structure spreadsheet's upload (content checks, 5 MB), reading the progress sheet instead."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spreadsheet"].label = "Choose the progress sheet"
        self.fields["spreadsheet"].help_text = "The progress sheet (.xlsx) you downloaded, smaller than 5 MB."
        self.fields["spreadsheet"].error_messages["required"] = "Select the progress sheet"

    def clean_spreadsheet(self):
        upload = self.cleaned_data["spreadsheet"]
        if upload.size > spreadsheets.MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The progress sheet must be smaller than 5 MB")
        data = upload.read()
        try:
            spreadsheets.check_upload(data=data, name=upload.name)
            progress_sheets.progress_sheet_plan(strategy=self.strategy, data=data)
        except DomainError as exc:
            raise forms.ValidationError(str(exc)) from exc
        self.data_bytes = data
        return upload


@login_required
def progress_sheet_download(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(request, slug)
    period = progress_sheets.open_period(strategy=strategy)
    if period is None:  # the upload page says so
        return redirect("aims:progress_sheet_upload", slug=strategy.slug)
    data = progress_sheets.workbook_bytes(strategy=strategy, period=period)
    response = HttpResponse(data, content_type=spreadsheets.CONTENT_TYPE)
    name = f"{strategy.slug}-progress-{period.start_date.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def progress_sheet_upload(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(request, slug)
    period = progress_sheets.open_period(strategy=strategy)
    posted = request.method == "POST" and period is not None
    form = ProgressSheetUploadForm(
        request.POST if posted else None, request.FILES if posted else None, strategy=strategy
    )
    if posted and form.is_valid():
        token = spreadsheets.spreadsheet_stage(strategy=strategy, user=request.user, data=form.data_bytes)
        return redirect("aims:progress_sheet_check", slug=strategy.slug, token=token)
    context = {"strategy": strategy, "period": period, "form": form}
    return render(request, "aims/progress_sheet_upload.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def progress_sheet_check(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    strategy = _strategy(request, slug)
    data = spreadsheets.spreadsheet_staged(strategy=strategy, user=request.user, token=token)
    if data is None:
        raise Http404("No such upload: upload the progress sheet again")
    error = None
    try:
        if request.method == "POST":
            plan = progress_sheets.progress_sheet_apply(
                strategy=strategy, data=data, fingerprint=request.POST.get("fingerprint", ""), by=request.user
            )
            spreadsheets.spreadsheet_unstage(strategy=strategy, user=request.user, token=token)
            count = len(plan.rows)
            messages.success(
                request,
                f"{count} draft update{'' if count == 1 else 's'} created or changed, entered by you on behalf of "
                "their owners. Each owner checks and submits their update.",
            )
            return redirect("aims:strategy_detail", slug=strategy.slug)
    except DomainError as exc:
        error = str(exc)
    try:
        plan = progress_sheets.progress_sheet_plan(strategy=strategy, data=data)
    except DomainError as exc:  # the period closed since the upload
        plan, error = None, str(exc)
    context = {"strategy": strategy, "plan": plan, "error": error, "token": token}
    return render(request, "aims/progress_sheet_check.html", context)
