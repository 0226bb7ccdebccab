"""The strategy as a spreadsheet: "Download as spreadsheet", "Upload a spreadsheet", "Check your changes" and
"Apply changes". For the strategy's leads and superusers. The uploaded workbook is kept in the portal's private
file storage under a random token that names it for its uploader and strategy only (not in the session: a
session store is no place for 5 MB, and the file is shared by every web process as evidence is), and the apply
step re-reads that same file and writes only if it would still make exactly the changes that were checked."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from aims import rules, spreadsheets
from aims.models import Strategy
from aims.spreadsheet_forms import SpreadsheetUploadForm


def _strategy(request: HttpRequest, slug: str) -> Strategy:
    strategy = get_object_or_404(Strategy.objects.select_related("organisation"), slug=slug)
    if not rules.can_manage_strategy(request.user, strategy):
        raise PermissionDenied
    return strategy


@login_required
def spreadsheet_download(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(request, slug)
    response = HttpResponse(spreadsheets.workbook_bytes(strategy=strategy), content_type=spreadsheets.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{strategy.slug}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def spreadsheet_upload(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(request, slug)
    posted = request.method == "POST"  # bound even when empty, so sending no file says "Select a spreadsheet"
    form = SpreadsheetUploadForm(request.POST if posted else None, request.FILES if posted else None, strategy=strategy)
    if posted and form.is_valid():
        token = spreadsheets.spreadsheet_stage(strategy=strategy, user=request.user, data=form.data_bytes)
        return redirect("aims:spreadsheet_check", slug=strategy.slug, token=token)
    return render(request, "aims/spreadsheet_upload.html", {"strategy": strategy, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def spreadsheet_check(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    strategy = _strategy(request, slug)
    data = spreadsheets.spreadsheet_staged(strategy=strategy, user=request.user, token=token)
    if data is None:
        raise Http404("No such upload: upload the spreadsheet again")
    error = None
    if request.method == "POST":
        try:
            plan = spreadsheets.spreadsheet_apply(
                strategy=strategy, data=data, fingerprint=request.POST.get("fingerprint", "")
            )
        except spreadsheets.SpreadsheetError as exc:
            error = str(exc)
        else:
            spreadsheets.spreadsheet_unstage(strategy=strategy, user=request.user, token=token)
            count = plan.change_count
            messages.success(request, f"The spreadsheet was applied: {count} change{'' if count == 1 else 's'} saved.")
            return redirect("aims:strategy_detail", slug=strategy.slug)
    plan = spreadsheets.spreadsheet_plan(strategy=strategy, data=data)
    context = {"strategy": strategy, "plan": plan, "error": error, "token": token}
    return render(request, "aims/spreadsheet_check.html", context)
