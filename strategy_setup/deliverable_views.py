"""The Deliverables setup pages of a strategy, for its leads and superusers: list by theme, add, change, withdraw,
reinstate, remove, and each deliverable's milestones."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from aims import deliverable_setup as services
from aims import rules
from aims.models import Deliverable, Milestone, Strategy
from core.errors import DomainError
from strategy_setup.deliverable_forms import DeliverableForm, MilestoneForm, deliverable_initial
from strategy_setup.deliverable_selectors import deliverables_by_theme


def _strategy(request: HttpRequest, slug: str) -> Strategy:
    strategy = get_object_or_404(Strategy.objects.select_related("organisation"), slug=slug)
    if not rules.can_set_up_strategy(request.user, strategy):
        raise PermissionDenied
    return strategy


def _deliverable(strategy: Strategy, pk: int) -> Deliverable:
    return get_object_or_404(Deliverable.objects.select_related("owner", "theme"), pk=pk, strategy=strategy)


@login_required
def deliverable_list(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(request, slug)
    context = {"strategy": strategy, "themes": deliverables_by_theme(strategy=strategy)}
    return render(request, "strategy_setup/deliverable_list.html", context)


def _form_page(request, strategy, form, deliverable=None) -> HttpResponse:
    context = {"strategy": strategy, "form": form, "deliverable": deliverable}
    return render(request, "strategy_setup/deliverable_form.html", context)


@login_required
def deliverable_add(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(request, slug)
    form = DeliverableForm(request.POST if request.method == "POST" else None, strategy=strategy)
    if request.method == "POST" and form.is_valid():
        try:
            deliverable = services.deliverable_create(strategy=strategy, answers=form.answers())
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{deliverable.reference} {deliverable.title} was added. Add its milestones.")
            return redirect("strategy_setup:deliverable_milestones", slug=strategy.slug, pk=deliverable.pk)
    return _form_page(request, strategy, form)


@login_required
def deliverable_change(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    strategy = _strategy(request, slug)
    deliverable = _deliverable(strategy, pk)
    form = DeliverableForm(
        request.POST if request.method == "POST" else None,
        strategy=strategy,
        deliverable=deliverable,
        initial=deliverable_initial(deliverable),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.deliverable_update(deliverable=deliverable, answers=form.answers())
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{form.cleaned_data['reference']} was changed.")
            return redirect("strategy_setup:deliverable_list", slug=strategy.slug)
    return _form_page(request, strategy, form, deliverable)


def _set_active(request: HttpRequest, slug: str, pk: int, *, active: bool) -> HttpResponse:
    strategy = _strategy(request, slug)
    deliverable = _deliverable(strategy, pk)
    problem = ""
    if deliverable.is_active == active:
        problem = f"{deliverable.reference} is already {'active' if active else 'withdrawn'}."
    elif request.method == "POST":
        change = services.deliverable_reinstate if active else services.deliverable_withdraw
        try:
            change(deliverable=deliverable)
        except DomainError as exc:
            problem = str(exc)
        else:
            done = "reinstated: it counts in the figures again" if active else "withdrawn: it no longer counts"
            messages.success(request, f"{deliverable.reference} {deliverable.title} was {done}.")
            return redirect("strategy_setup:deliverable_list", slug=strategy.slug)
    context = {"strategy": strategy, "deliverable": deliverable, "reinstate": active, "problem": problem}
    status = 409 if problem and request.method == "POST" else 200
    return render(request, "strategy_setup/deliverable_withdraw.html", context, status=status)


@login_required
def deliverable_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _set_active(request, slug, pk, active=False)


@login_required
def deliverable_reinstate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _set_active(request, slug, pk, active=True)


@login_required
def deliverable_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    strategy = _strategy(request, slug)
    deliverable = _deliverable(strategy, pk)
    refusal = services.deliverable_removal_refusal(deliverable=deliverable)
    if request.method == "POST" and not refusal:
        try:
            services.deliverable_remove(deliverable=deliverable)
        except DomainError as exc:
            refusal = str(exc)
        else:
            messages.success(request, f"{deliverable.reference} {deliverable.title} was removed.")
            return redirect("strategy_setup:deliverable_list", slug=strategy.slug)
    context = {"strategy": strategy, "deliverable": deliverable, "refusal": refusal}
    status = 409 if refusal and request.method == "POST" else 200
    return render(request, "strategy_setup/deliverable_remove.html", context, status=status)


@login_required
def deliverable_milestones(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The deliverable's milestones, with "Add a milestone" below them: add one, then another, without JavaScript."""
    strategy = _strategy(request, slug)
    deliverable = _deliverable(strategy, pk)
    form = MilestoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            milestone = services.milestone_add(
                deliverable=deliverable, title=form.cleaned_data["title"], due_date=form.cleaned_data["due_date"]
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"“{milestone.title}” was added. Add another milestone, or go back.")
            return redirect("strategy_setup:deliverable_milestones", slug=strategy.slug, pk=deliverable.pk)
    context = {
        "strategy": strategy,
        "deliverable": deliverable,
        "form": form,
        "milestones": deliverable.milestones.all(),
    }
    return render(request, "strategy_setup/deliverable_milestones.html", context)


def _milestone(deliverable: Deliverable, pk: int) -> Milestone:
    return get_object_or_404(Milestone, pk=pk, deliverable=deliverable)


@login_required
def milestone_change(request: HttpRequest, slug: str, pk: int, milestone_pk: int) -> HttpResponse:
    strategy = _strategy(request, slug)
    deliverable = _deliverable(strategy, pk)
    milestone = _milestone(deliverable, milestone_pk)
    initial = {"title": milestone.title, "due_date": milestone.due_date}
    form = MilestoneForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_change(
                milestone=milestone, title=form.cleaned_data["title"], due_date=form.cleaned_data["due_date"]
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"“{milestone.title}” was changed.")
            return redirect("strategy_setup:deliverable_milestones", slug=strategy.slug, pk=deliverable.pk)
    context = {"strategy": strategy, "deliverable": deliverable, "milestone": milestone, "form": form}
    return render(request, "strategy_setup/deliverable_milestone_change.html", context)


@login_required
def milestone_remove(request: HttpRequest, slug: str, pk: int, milestone_pk: int) -> HttpResponse:
    strategy = _strategy(request, slug)
    deliverable = _deliverable(strategy, pk)
    milestone = _milestone(deliverable, milestone_pk)
    refusal = services.milestone_removal_refusal(milestone=milestone)
    if request.method == "POST" and not refusal:
        try:
            services.milestone_remove(milestone=milestone)
        except DomainError as exc:
            refusal = str(exc)
        else:
            messages.success(request, f"“{milestone.title}” was removed.")
            return redirect("strategy_setup:deliverable_milestones", slug=strategy.slug, pk=deliverable.pk)
    context = {"strategy": strategy, "deliverable": deliverable, "milestone": milestone, "refusal": refusal}
    status = 409 if refusal and request.method == "POST" else 200
    return render(request, "strategy_setup/deliverable_milestone_remove.html", context, status=status)
