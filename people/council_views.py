"""'Councils', for superusers: add a council and invite its first strategy lead, who can then set up its
strategies. Nobody needs the Django admin for this: a fresh install needs only `migrate` and `createsuperuser`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts.models import User
from aims import council, rules
from aims.models import Organisation
from core.errors import DomainError
from people import council_selectors, services
from people.council_forms import CouncilForm, CouncilLeadForm


def _superuser(request: HttpRequest) -> None:
    if not rules.can_manage_councils(request.user):
        raise PermissionDenied


@login_required
def council_list(request: HttpRequest) -> HttpResponse:
    _superuser(request)
    return render(request, "people/council_list.html", {"councils": council_selectors.council_list()})


@login_required
def council_add(request: HttpRequest) -> HttpResponse:
    _superuser(request)
    form = CouncilForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = council.organisation_create(**form.cleaned_data)
        except DomainError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, f"{organisation.name} was added. Now invite its first strategy lead.")
            return redirect("people:council_lead_invite", slug=organisation.slug)
    return render(request, "people/council_add.html", {"form": form})


@login_required
def council_lead_invite(request: HttpRequest, slug: str) -> HttpResponse:
    _superuser(request)
    organisation = get_object_or_404(Organisation, slug=slug)
    form = CouncilLeadForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.council_lead_invite(
                organisation=organisation,
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_error("email", str(exc))
        else:
            request.session["council_lead_invited"] = {"pk": invitation.person.pk, "created": invitation.created}
            return redirect("people:council_lead_invited", slug=organisation.slug, pk=invitation.person.pk)
    return render(request, "people/council_lead_invite.html", {"organisation": organisation, "form": form})


@login_required
def council_lead_invited(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _superuser(request)
    organisation = get_object_or_404(Organisation, slug=slug)
    person = get_object_or_404(User, pk=pk, council_leads__organisation=organisation)
    invited = request.session.get("council_lead_invited") or {}
    created = invited.get("pk") == person.pk and invited.get("created")
    context = {"organisation": organisation, "person": person, "created": created}
    return render(request, "people/council_lead_invited.html", context)
