"""Indicator pages: the strategy's list, set-up (leads), targets, the indicator's page, recording a figure (owner)
and reviewing one (board). Thin: permission, form, service, redirect."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from aims.models import Strategy
from core.errors import DomainError
from indicators import charts, rules, selectors, services
from indicators.forms import AnnualTargetForm, IndicatorForm, TargetsForm
from indicators.models import Indicator, IndicatorActual, MeasurementPeriod, Polarity
from indicators.status import Target
from indicators.units import format_value


def _strategy(request: HttpRequest, slug: str, *, manage: bool = False) -> Strategy:
    strategy = get_object_or_404(Strategy.objects.select_related("organisation"), slug=slug)
    if not rules.can_view_indicators(request.user, strategy):
        raise PermissionDenied
    if manage and not rules.can_manage_indicators(request.user, strategy):
        raise PermissionDenied
    return strategy


def _indicator(request: HttpRequest, slug: str, pk: int, *, manage: bool = False) -> Indicator:
    strategy = _strategy(request, slug, manage=manage)
    indicator = get_object_or_404(Indicator.objects.select_related("owner"), pk=pk, strategy=strategy)
    indicator.strategy = strategy
    return indicator


@login_required
def indicator_list(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(request, slug)
    summary = selectors.indicator_summary(strategy=strategy, period=None)
    return render(
        request,
        "indicators/indicator_list.html",
        {"strategy": strategy, "summary": summary, "can_manage": rules.can_manage_indicators(request.user, strategy)},
    )


@login_required
def indicator_add(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(request, slug, manage=True)
    form = IndicatorForm(request.POST or None, strategy=strategy, instance=Indicator(strategy=strategy))
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_create(strategy=strategy, data=form.cleaned_data, user=request.user)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{indicator.reference} {indicator.title} was added. Now set its targets.")
            return redirect("indicators:indicator_targets", slug, indicator.pk)
    return render(request, "indicators/indicator_form.html", {"strategy": strategy, "form": form, "indicator": None})


@login_required
def indicator_change(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    indicator = _indicator(request, slug, pk, manage=True)
    form = IndicatorForm(request.POST or None, strategy=indicator.strategy, instance=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(indicator=indicator, data=form.cleaned_data, user=request.user)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{form.cleaned_data['reference']} was changed.")
            return redirect("indicators:indicator_detail", slug, pk)
    indicator.refresh_from_db(fields=["reference", "title"])  # the heading says what is being changed, as saved
    return render(
        request,
        "indicators/indicator_form.html",
        {"strategy": indicator.strategy, "form": form, "indicator": indicator},
    )


def _years(periods) -> list[tuple[int, str]]:
    """The indicator's years, by the start of each year of the strategy (April to March for most councils)."""
    years: dict[int, list] = {}
    first = periods[0].start_date if periods else None
    for period in periods:
        offset = (period.start_date.year - first.year) * 12 + period.start_date.month - first.month
        years.setdefault(offset // 12, []).append(period)
    return [(n, f"{group[0].start_date:%B %Y} to {group[-1].end_date:%B %Y}") for n, group in years.items()]


@login_required
def indicator_targets(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    indicator = _indicator(request, slug, pk, manage=True)
    periods = list(MeasurementPeriod.objects.filter(indicator=indicator).select_related("target"))
    years = _years(periods)
    action = request.POST.get("action")
    form = TargetsForm(request.POST if action == "targets" else None, indicator=indicator, periods=periods)
    profile = AnnualTargetForm(request.POST if action == "profile" else None, years=years, prefix="annual")
    if action == "targets" and form.is_valid():
        try:
            services.indicator_targets_set(indicator=indicator, targets=form.targets(), user=request.user)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"The targets for {indicator.reference} were saved.")
            return redirect("indicators:indicator_detail", slug, pk)
    if action == "profile" and indicator.polarity != Polarity.RANGE and profile.is_valid():
        return _profile(request, indicator, periods, profile)
    return render(
        request,
        "indicators/indicator_targets.html",
        {"strategy": indicator.strategy, "indicator": indicator, "form": form, "profile": profile,
         "forms": [form, profile]},
    )  # fmt: skip


def _profile(request: HttpRequest, indicator: Indicator, periods, profile: AnnualTargetForm) -> HttpResponse:
    first = periods[0].start_date
    year = profile.cleaned_data["year"]
    chosen = [
        p for p in periods if ((p.start_date.year - first.year) * 12 + p.start_date.month - first.month) // 12 == year
    ]
    values = services.annual_target_profile(
        annual=profile.cleaned_data["annual"], periods=len(chosen), cumulative=profile.cleaned_data["how"] == "split",
        decimal_places=indicator.decimal_places,
    )  # fmt: skip
    targets = {p.pk: Target(value=v) for p, v in zip(chosen, values, strict=True)}
    services.indicator_targets_set(indicator=indicator, targets=targets, user=request.user)
    messages.success(request, f"The annual target was profiled into {len(chosen)} periods. Check them below.")
    return redirect("indicators:indicator_targets", indicator.strategy.slug, indicator.pk)


@login_required
def indicator_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    indicator = _indicator(request, slug, pk, manage=True)
    has_figures = IndicatorActual.objects.filter(period__indicator=indicator).exists()
    error = ""
    if request.method == "POST":
        try:
            services.indicator_remove(indicator=indicator, user=request.user)
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(request, f"{indicator.reference} {indicator.title} was removed.")
            return redirect("indicators:indicator_list", slug)
    return render(
        request,
        "indicators/indicator_remove.html",
        {"strategy": indicator.strategy, "indicator": indicator, "has_figures": has_figures, "error": error},
    )


@login_required
def indicator_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    strategy = _strategy(request, slug)
    try:
        indicator = selectors.indicator_get(pk=pk)
    except Indicator.DoesNotExist as exc:
        raise Http404("No such indicator") from exc
    if indicator.strategy_id != strategy.pk:
        raise Http404("No such indicator")
    row = selectors.indicator_row(indicator, as_at=dt.date.max)
    chart = charts.trend_chart(
        charts.series_points(row.series), title=f"{indicator.reference} {indicator.title}: target and actuals",
        chart_id="indicator-trend", unit=indicator.unit, decimal_places=indicator.decimal_places,
    )  # fmt: skip
    can_record = rules.can_record_actual(request.user, indicator)
    today = timezone.localdate()
    series = [{"row": r, "action": _action(r, today) if can_record else ""} for r in row.series]
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "strategy": strategy,
            "indicator": indicator,
            "row": row,
            "series": series,
            "baseline_text": format_value(indicator.baseline_value, indicator.unit, indicator.decimal_places),
            "chart": chart,
            "history": selectors.indicator_history(indicator=indicator),
            "can_manage": rules.can_manage_indicators(request.user, strategy),
        },
    )


def _action(row: selectors.PeriodRow, today: dt.date) -> str:
    """What the owner can do with a period's figure: record it, carry on with a draft, revise an accepted one."""
    if row.period.start_date > today:
        return ""
    if row.pending:
        return {"draft": "Change the draft", "returned": "Correct the returned figure"}.get(row.pending.state, "")
    return "Revise the figure" if row.reported else "Record the figure"
