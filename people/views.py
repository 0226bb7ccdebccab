"""The People and roles pages of a strategy, for its leads and superusers; "Set your password" from an invitation."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy

from accounts.models import Membership, User
from accounts.views import PasswordResetConfirmView
from aims import rules
from aims.models import Strategy
from core.errors import DomainError
from people import selectors, services
from people.forms import DeactivateForm, InviteForm, RolesForm
from people.tokens import invitation_token


def _strategy(request: HttpRequest, slug: str) -> Strategy:
    strategy = get_object_or_404(Strategy.objects.select_related("organisation"), slug=slug)
    if not rules.can_manage_people(request.user, strategy):
        raise PermissionDenied
    return strategy


def _member(strategy: Strategy, pk: int) -> User:
    person = get_object_or_404(User, pk=pk)
    if not Membership.objects.filter(strategy=strategy, user=person).exists():
        raise Http404("Not in this strategy")
    return person


@login_required
def people_list(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(request, slug)
    people = selectors.people_with_roles(strategy=strategy)
    context = {
        "strategy": strategy,
        "people": people,
        "deactivatable": rules.deactivatable_people(request.user, [row.person for row in people]),
        "changes": selectors.recent_role_changes(strategy=strategy),
    }
    return render(request, "people/people_list.html", context)


@login_required
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(request, slug)
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.person_invite(
                strategy=strategy,
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                roles=form.cleaned_data["roles"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            request.session["people_invited"] = {"pk": invitation.person.pk, "created": invitation.created}
            return redirect("people:invite_sent", slug=strategy.slug, pk=invitation.person.pk)
    return render(request, "people/invite.html", {"strategy": strategy, "form": form})


@login_required
def invite_sent(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    strategy = _strategy(request, slug)
    person = _member(strategy, pk)
    invited = request.session.get("people_invited") or {}
    created = invited.get("pk") == person.pk and invited.get("created")
    context = {"strategy": strategy, "person": person, "created": created}
    return render(request, "people/invite_sent.html", context)


@login_required
def roles_change(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    strategy = _strategy(request, slug)
    person = _member(strategy, pk)
    initial = {"roles": selectors.person_roles(strategy=strategy, person=person)}
    form = RolesForm(request.POST if request.method == "POST" else None, initial=initial, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.roles_change(strategy=strategy, person=person, roles=form.cleaned_data["roles"], by=request.user)
        except DomainError as exc:
            form.add_error("roles", str(exc))
        else:
            messages.success(request, f"The roles of {person} were changed.")
            return redirect("people:people_list", slug=strategy.slug)
    return render(request, "people/roles_change.html", {"strategy": strategy, "person": person, "form": form})


@login_required
def person_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    strategy = _strategy(request, slug)
    person = _member(strategy, pk)
    refusal = services.removal_refusal(strategy=strategy, person=person)
    if request.method == "POST" and not refusal:
        try:
            services.person_remove(strategy=strategy, person=person, by=request.user)
        except DomainError as exc:
            refusal = str(exc)
        else:
            messages.success(request, f"{person} was removed from {strategy.title}.")
            return redirect("people:people_list", slug=strategy.slug)
    context = {
        "strategy": strategy,
        "person": person,
        "refusal": refusal,
        "can_deactivate": rules.can_deactivate_person(request.user, person),
    }
    return render(request, "people/person_remove.html", context, status=409 if refusal and request.POST else 200)


@login_required
def person_deactivate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    strategy = _strategy(request, slug)
    person = _member(strategy, pk)
    if not rules.can_deactivate_person(request.user, person):
        raise PermissionDenied
    officers = selectors.strategy_officers(strategy=strategy, exclude=person)
    form = DeactivateForm(request.POST if request.method == "POST" else None, officers=officers)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_deactivate(person=person, reassign_to=form.cleaned_data["reassign_to"], by=request.user)
        except DomainError as exc:
            form.add_error("reassign_to", str(exc))
        else:
            taker = form.cleaned_data["reassign_to"]
            messages.success(request, f"{person}'s account was deactivated. {taker} now owns their deliverables.")
            return redirect("people:people_list", slug=strategy.slug)
    context = {"strategy": strategy, "person": person, "form": form, "has_officers": officers.exists()}
    return render(request, "people/person_deactivate.html", context)


class SetPasswordView(PasswordResetConfirmView):
    """The link in an invitation: Django's reset confirmation with the invitation token and its own page."""

    token_generator = invitation_token
    template_name = "people/set_password.html"
    success_url = reverse_lazy("login")

    def get_user(self, uidb64):
        # A deactivated account's invitation is spent: it could set a password, but never sign in with it.
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "days": settings.INVITATION_TIMEOUT // 86400}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password is set. Sign in with your username and new password.")
        return response
