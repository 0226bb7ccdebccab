"""The Reporting periods setup pages of a strategy, for its leads and superusers: the periods with their labels and
deadlines, generating the missing ones, changing one, closing the open one early and opening the next."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from aims import periods as services
from aims import rules
from aims.models import ProgressUpdate, ReportingPeriod, Strategy
from core.errors import DomainError
from strategy_setup.period_forms import PeriodForm
from strategy_setup.period_selectors import periods_with_counts, recent_period_changes


def _strategy(request: HttpRequest, slug: str) -> Strategy:
    strategy = get_object_or_404(Strategy.objects.select_related("organisation"), slug=slug)
    if not rules.can_set_up_strategy(request.user, strategy):
        raise PermissionDenied
    return strategy


def _period(strategy: Strategy, pk: int) -> ReportingPeriod:
    return get_object_or_404(ReportingPeriod.objects.select_related("strategy"), pk=pk, strategy=strategy)


@login_required
def period_list(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(request, slug)
    periods = list(periods_with_counts(strategy=strategy))
    context = {
        "strategy": strategy,
        "periods": periods,
        "open_period": next((p for p in periods if p.is_open), None),
        "next_period": next((p for p in periods if p.status == ReportingPeriod.Status.UPCOMING), None),
        "changes": recent_period_changes(strategy=strategy),
    }
    return render(request, "strategy_setup/period_list.html", context)


@login_required
@require_POST
def period_generate(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(request, slug)
    added = services.reporting_periods_add_missing(strategy=strategy)
    if added:
        count = "1 reporting period was" if len(added) == 1 else f"{len(added)} reporting periods were"
        messages.success(request, f"{count} added.")
    else:
        messages.info(request, "No reporting periods were missing: nothing was added.")
    return redirect("strategy_setup:period_list", slug=strategy.slug)


@login_required
def period_change(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    strategy = _strategy(request, slug)
    period = _period(strategy, pk)
    initial = {"label": period.label, "deadline": period.deadline}
    form = PeriodForm(request.POST if request.method == "POST" else None, initial=initial, period=period)
    if request.method == "POST" and form.is_valid():
        try:
            services.reporting_period_change(
                period=period, label=form.cleaned_data["label"], deadline=form.cleaned_data["deadline"]
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{period.label} was changed.")
            return redirect("strategy_setup:period_list", slug=strategy.slug)
    return render(request, "strategy_setup/period_change.html", {"strategy": strategy, "period": period, "form": form})


@login_required
def period_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """ "Close the current period early": a confirmation page saying what will happen, then the close."""
    strategy = _strategy(request, slug)
    period = _period(strategy, pk)
    problem = "" if period.is_open else f"{period.label} is not open, so it cannot be closed."
    if request.method == "POST" and not problem:
        try:
            services.reporting_period_close(period=period)
        except DomainError as exc:
            problem = str(exc)
        else:
            messages.success(
                request,
                f"{period.label} is closed. Officers can no longer record progress for it; its report can be drafted.",
            )
            return redirect("strategy_setup:period_list", slug=strategy.slug)
    deliverables = strategy.deliverables.filter(is_active=True)
    context = {
        "strategy": strategy,
        "period": period,
        "problem": problem,
        "active_count": deliverables.count(),
        "submitted_count": period.updates.filter(
            deliverable__is_active=True,
            state__in=[ProgressUpdate.State.SUBMITTED, ProgressUpdate.State.ACCEPTED],
        ).count(),
    }
    status = 409 if problem and request.method == "POST" else 200
    return render(request, "strategy_setup/period_close.html", context, status=status)


@login_required
def period_open_next(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Open the next period": a confirmation page naming the period, then the opening."""
    strategy = _strategy(request, slug)
    period = services.next_period(strategy=strategy)
    current = strategy.periods.filter(status=ReportingPeriod.Status.OPEN).first()
    problem = ""
    if current is not None:
        problem = f"{current.label} is still open: close it before opening the next period."
    elif period is None:
        problem = "There is no upcoming reporting period to open: generate the reporting periods first."
    if request.method == "POST" and not problem:
        try:
            period = services.reporting_period_open_next(strategy=strategy)
        except DomainError as exc:
            problem = str(exc)
        else:
            messages.success(request, f"{period.label} is open. Officers can record progress for it now.")
            return redirect("strategy_setup:period_list", slug=strategy.slug)
    context = {"strategy": strategy, "period": period, "problem": problem}
    status = 409 if problem and request.method == "POST" else 200
    return render(request, "strategy_setup/period_open_next.html", context, status=status)
