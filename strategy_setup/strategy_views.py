"""'Set up a new strategy' (the form, "Check your answers", the confirmation), the strategy's task list, and
"Strategy details" (a summary list with Change links, the same form). For leads of the strategy (of a council, to
create one) and superusers."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from aims import rules
from aims.models import Strategy
from core import wording
from core.errors import DomainError
from strategy_setup import strategies, tasks
from strategy_setup.strategy_forms import StrategyDetailsForm

NEW = "strategy_setup_new"  # the answers of "Set up a new strategy", kept in the session until it is created


def setup_strategy(request: HttpRequest, slug: str) -> Strategy:
    """The strategy at `slug`, if this person may set it up (its leads, superusers); 403 otherwise."""
    strategy = get_object_or_404(Strategy.objects.select_related("organisation"), slug=slug)
    if not rules.can_set_up_strategy(request.user, strategy):
        raise PermissionDenied
    return strategy


def _councils(request: HttpRequest):
    if not rules.can_create_strategy(request.user):
        raise PermissionDenied
    return rules.councils_led(request.user).order_by("name")


@login_required
def strategy_create(request: HttpRequest) -> HttpResponse:
    councils = _councils(request)
    if request.method == "POST":
        form = StrategyDetailsForm(request.POST, councils=councils)
        if form.is_valid():
            request.session[NEW] = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
            return redirect("strategy_setup:strategy_create_check")
    else:  # back from "Check your answers" through a Change link: the answers given so far
        saved = request.session.get(NEW)
        form = StrategyDetailsForm(saved, councils=councils) if saved else StrategyDetailsForm(councils=councils)
    return render(request, "strategy_setup/strategy_form.html", {"form": form, "creating": True})


def answers(form: StrategyDetailsForm) -> list[tuple[str, str, str]]:
    """(question, answer, id of the input to change it) for "Check your answers" and "Strategy details"."""
    data = form.cleaned_data if form.is_bound else form.initial
    rows = []
    for name, field in form.fields.items():
        value = data.get(name)
        if name in ("cadence", "status"):
            value = dict(field.choices).get(value, value)
            value = getattr(value, "label", value)
        elif hasattr(value, "year"):
            value = wording.govuk_date(value)
        elif isinstance(value, bool) or isinstance(field, forms.BooleanField):
            value = "Yes" if value else "No"
        anchor = f"id_{name}_0" if name.endswith("_date") or name == "adopted_on" else f"id_{name}"
        if name in ("cadence", "status"):
            anchor = f"id_{name}_1"
        rows.append((field.label, str(value or "") or "Not given", anchor))
    return rows


@login_required
def strategy_create_check(request: HttpRequest) -> HttpResponse:
    councils = _councils(request)
    saved = request.session.get(NEW)
    form = StrategyDetailsForm(saved, councils=councils) if saved else None
    if form is None or not form.is_valid():
        return redirect("strategy_setup:strategy_create")
    problem = None
    if request.method == "POST":
        try:
            strategy = strategies.strategy_create(
                organisation=form.cleaned_data["organisation"], details=form.details(), by=request.user
            )
        except DomainError as exc:
            problem = str(exc)
        else:
            del request.session[NEW]
            return redirect("strategy_setup:strategy_created", slug=strategy.slug)
    context = {"answers": answers(form), "problem": problem}
    return render(request, "strategy_setup/strategy_check.html", context, status=400 if problem else 200)


@login_required
def strategy_created(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = setup_strategy(request, slug)
    return render(request, "strategy_setup/strategy_created.html", {"strategy": strategy})


@login_required
def task_list(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = setup_strategy(request, slug)
    return render(
        request, "strategy_setup/task_list.html", {"strategy": strategy, "tasks": tasks.task_list(strategy=strategy)}
    )


@login_required
def details(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = setup_strategy(request, slug)
    form = StrategyDetailsForm(initial=StrategyDetailsForm.initial_for(strategy))
    rows = [("Council", strategy.organisation.name, None), *answers(form)]
    return render(request, "strategy_setup/details.html", {"strategy": strategy, "answers": rows})


@login_required
def details_change(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = setup_strategy(request, slug)
    initial = StrategyDetailsForm.initial_for(strategy)
    form = StrategyDetailsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            strategies.strategy_change(strategy=strategy, details=form.details(), by=request.user)
        except DomainError as exc:
            strategy.refresh_from_db()  # the page shows the strategy as it is, not the answers refused
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The strategy's details were saved.")
            return redirect("strategy_setup:details", slug=strategy.slug)
    context = {"form": form, "strategy": strategy, "creating": False}
    return render(request, "strategy_setup/strategy_form.html", context)
