from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.text import slugify

from aims import rules
from aims.models import Deliverable, Strategy
from aims.rag import RAG_TABLE
from aims.selectors import strategy_list
from core.page_cache import cached_body
from indicators import charts as indicator_charts
from indicators import selectors as indicator_selectors
from indicators import status as indicator_status
from reports import charts, selectors
from reports.exports import deliverables_csv, indicators_csv
from reports.filters import DeliverableFilter, active_filter_description, filter_rows

PAGE_SIZE = 50


@login_required
def dashboard_index(request: HttpRequest) -> HttpResponse:
    strategies = list(strategy_list(user=request.user))
    if len(strategies) == 1:
        return redirect("reports:dashboard", slug=strategies[0].slug)
    return render(request, "reports/dashboard_index.html", {"strategies": strategies})


def _strategy_and_period(request: HttpRequest, slug: str):
    strategy = get_object_or_404(Strategy.objects.select_related("organisation"), slug=slug)
    if not rules.can_view_strategy(request.user, strategy):
        raise PermissionDenied
    periods = selectors.period_list(strategy=strategy)
    period = None
    chosen = request.GET.get("period")
    if chosen:
        period = next((p for p in periods if str(p.pk) == chosen), None)
        if period is None:
            raise Http404("No such reporting period")
    else:
        period = selectors.period_default(periods=periods)
    return strategy, periods, period


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    strategy, periods, period = _strategy_and_period(request, slug)
    if period is None:
        return render(request, "reports/dashboard.html", {"strategy": strategy, "period": None, "periods": periods})
    # The body is the same for everyone who may see it, so it is cached (core/page_cache.py): the key holds the
    # strategy's data_version, so a cached body can never show figures older than the data.
    body = cached_body(
        ["dashboard", strategy.pk, strategy.data_version, period.pk, request.GET.urlencode()],
        lambda: render_to_string(
            "reports/includes/dashboard_body.html", _dashboard_context(request, strategy, periods, period)
        ),
    )
    return render(request, "reports/dashboard.html", {"strategy": strategy, "period": period, "body": body})


def _include_submitted(request: HttpRequest) -> bool:
    """The reader's choice "Include updates not yet reviewed"; selectors.counted_states says what it means."""
    return request.GET.get("include_submitted") == "yes"


def _dashboard_context(request: HttpRequest, strategy, periods, period) -> dict:
    include_submitted = _include_submitted(request)
    figures = selectors.period_figures(
        strategy=strategy, period=period, periods=periods, include_submitted=include_submitted
    )
    filterset = DeliverableFilter(
        request.GET or None, queryset=Deliverable.objects.none(), strategy=strategy, as_at=figures.as_at
    )
    page = Paginator(filter_rows(figures.rows, filterset), PAGE_SIZE).get_page(request.GET.get("page"))
    table_rows = page.object_list
    query = request.GET.copy()
    query.pop("page", None)
    chase_query = request.GET.copy()
    chase_query.pop("chase_page", None)
    trend = selectors.rag_trend(strategy=strategy, periods=periods, up_to=period, include_submitted=include_submitted)
    open_period = next((p for p in periods if p.is_open), None)
    return {
        "strategy": strategy,
        "periods": periods,
        "period": period,
        "figures": figures,
        "summary": figures.summary,
        "rag_items": [(status.key, status.label, figures.summary.counts[status.key]) for status in RAG_TABLE],
        "furthest_behind": figures.furthest_behind,
        "trend": trend,
        "open_period": open_period,
        "chase": (
            selectors.chase_list_page(strategy=strategy, period=open_period, number=request.GET.get("chase_page"))
            if open_period
            else None
        ),
        "querystring_without_chase_page": chase_query.urlencode(),
        "coverage": selectors.principle_coverage(strategy=strategy),
        "filter": filterset,
        "filter_description": active_filter_description(filterset),
        "page_obj": page,
        "table_rows": table_rows,
        "querystring_without_page": query.urlencode(),
        "period_query": f"period={period.pk}" + ("&include_submitted=yes" if include_submitted else ""),
        "include_submitted": include_submitted,
        "rag_statuses": RAG_TABLE,
        "indicators": _indicator_context(request, strategy, period, figures),
        "charts": charts.progress_charts(
            period_label=period.label,
            aim_label=strategy.aim_label,
            counts=figures.summary.counts,
            aims=[(aim.title, f.percent_complete) for aim, f in figures.by_aim],
            trend=[(p.label, counts) for p, counts in trend],
        ),
    }


@login_required
def dashboard_csv(request: HttpRequest, slug: str) -> HttpResponse:
    strategy, periods, period = _strategy_and_period(request, slug)
    if period is None:
        raise Http404("This strategy has no reporting periods")
    figures = selectors.period_figures(
        strategy=strategy, period=period, periods=periods, include_submitted=_include_submitted(request)
    )
    filterset = DeliverableFilter(
        request.GET or None, queryset=Deliverable.objects.none(), strategy=strategy, as_at=figures.as_at
    )
    response = HttpResponse(
        deliverables_csv(filter_rows(figures.rows, filterset)), content_type="text/csv; charset=utf-8"
    )
    filename = f"{slugify(strategy.title)}-{slugify(period.label)}-deliverables.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _indicator_filters(request: HttpRequest, strategy, aims=None, themes=None) -> dict:
    """The "Performance indicators" filters as chosen (pi_aim, pi_theme, pi_status); anything unknown is ignored.
    `aims` and `themes` are the strategy's, when the caller has them already (the dashboard's figures)."""

    def chosen(name: str, allowed) -> object:
        value = request.GET.get(name, "")
        return next((option for option in allowed if str(option) == value), None)

    aims = [(a.pk, a.number, a.title) for a in (strategy.aims.order_by("number") if aims is None else aims)]
    themes = [(t.pk, t.number, t.title) for t in (strategy.themes.order_by("number") if themes is None else themes)]
    return {
        "aim": chosen("pi_aim", [pk for pk, _n, _t in aims]),
        "theme": chosen("pi_theme", [pk for pk, _n, _t in themes]),
        "status_key": chosen("pi_status", indicator_status.KEYS),
        "aims": aims,
        "themes": themes,
    }


def _indicator_context(request: HttpRequest, strategy, period, figures) -> dict:
    """The dashboard's "Performance indicators" section: counts, the table with a sparkline per row, filters."""
    aims, themes = [aim for aim, _f in figures.by_aim], [theme for theme, _f in figures.by_theme]
    filters = _indicator_filters(request, strategy, aims, themes)
    summary = indicator_selectors.indicator_summary(
        strategy=strategy, period=period, aim=filters["aim"], theme=filters["theme"], status_key=filters["status_key"]
    )
    for row in summary.rows:
        i = row.indicator
        # Up to the measurement the row shows (or the period's end, with none): the trend that led to it.
        last = row.shown.period.end_date if row.shown else period.end_date
        row.sparkline = indicator_charts.trend_chart(
            indicator_charts.series_points([r for r in row.series if r.period.end_date <= last]),
            title=f"{i.reference} trend", chart_id=f"pi-trend-{i.pk}", unit=i.unit, decimal_places=i.decimal_places,
            small=True,
        )  # fmt: skip
    query = request.GET.copy()
    for name in ("page", "chase_page"):
        query.pop(name, None)
    query["period"] = period.pk
    return {
        "summary": summary,
        "statuses": [(s.key, s.label, summary.counts[s.key]) for s in indicator_status.STATUS_TABLE],
        "filters": filters,
        "csv_query": query.urlencode(),
    }


@login_required
def dashboard_indicators_csv(request: HttpRequest, slug: str) -> HttpResponse:
    strategy, _periods, period = _strategy_and_period(request, slug)
    if period is None:
        raise Http404("This strategy has no reporting periods")
    filters = _indicator_filters(request, strategy)
    summary = indicator_selectors.indicator_summary(
        strategy=strategy, period=period, aim=filters["aim"], theme=filters["theme"], status_key=filters["status_key"]
    )
    response = HttpResponse(indicators_csv(summary), content_type="text/csv; charset=utf-8")
    filename = f"{slugify(strategy.title)}-{slugify(period.label)}-indicators.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
