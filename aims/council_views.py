"""'Council details': the council's logo (with its alternative text) and the strategy's responsible officer, which
committee reports show. For the strategy's leads and superusers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from aims import council, rules
from aims.council_forms import CouncilDetailsForm
from aims.models import Strategy
from core.errors import DomainError


def _strategy(request: HttpRequest, slug: str) -> Strategy:
    strategy = get_object_or_404(Strategy.objects.select_related("organisation"), slug=slug)
    if not rules.can_edit_council_details(request.user, strategy):
        raise PermissionDenied
    return strategy


@login_required
def council_details(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(request, slug)
    organisation = strategy.organisation
    initial = {"responsible_officer": strategy.responsible_officer, "logo_alt_text": organisation.logo_alt_text}
    form = CouncilDetailsForm(
        request.POST or None, request.FILES or None, initial=initial, has_logo=bool(organisation.logo)
    )
    if request.method == "POST" and form.is_valid():
        try:
            council.council_details_update(
                strategy=strategy,
                responsible_officer=form.cleaned_data["responsible_officer"],
                logo_alt_text=form.cleaned_data["logo_alt_text"],
                logo_png=form.logo_png,
                remove_logo=form.cleaned_data.get("remove_logo", False),
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The council details were saved. New progress reports use them.")
            return redirect("aims:council_details", slug=strategy.slug)
    return render(
        request, "aims/council_details.html", {"strategy": strategy, "organisation": organisation, "form": form}
    )


@login_required
def council_logo(request: HttpRequest, slug: str) -> FileResponse:
    strategy = _strategy(request, slug)
    logo = strategy.organisation.logo
    if not logo:
        raise Http404("No logo")
    try:
        handle = logo.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The logo is missing from storage") from exc
    response = FileResponse(handle, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    return response
