"""Public pages and open data: no sign-in, published strategies only, accepted progress for closed periods only.

Every page body is cached under the strategy's data version (core.page_cache), like the dashboard, so a busy day
of residents costs a rendering per change, and a change shows at once.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from aims.rag import REPORTABLE
from core.page_cache import cached, cached_body
from public import open_data, selectors

CACHE_SECONDS = 300  # what a browser or proxy may keep a public page for: figures change at most daily


def _public(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "public/index.html", {"councils": selectors.councils_with_published_strategies()})


def _strategy_context(strategy) -> dict:
    periods = selectors.closed_periods(strategy=strategy)
    period = periods[-1] if periods else None
    context = {"strategy": strategy, "period": period, "periods": periods, "rag_statuses": REPORTABLE}
    if period:
        rows, figures = selectors.public_rows(strategy=strategy, period=period)
        counts = {status.key: 0 for status in REPORTABLE}
        for row in rows:
            if row.status:
                counts[row.status] += 1
        context.update(
            rows=rows,
            summary=figures.summary,
            counts=[(status, counts[status.key]) for status in REPORTABLE],
            not_reported=sum(not row.status for row in rows),
            by_aim=figures.by_aim,
        )
    context["indicators"] = selectors.public_indicators(strategy=strategy, period=period)
    context["reports"] = selectors.issued_versions(strategy=strategy)
    return context


@require_safe
def strategy(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = selectors.published_strategy_get(slug=slug)
    body = cached_body(
        ["public-strategy", strategy.pk, strategy.data_version],
        lambda: render_to_string("public/includes/strategy_body.html", _strategy_context(strategy), request=None),
    )
    return _public(render(request, "public/strategy.html", {"strategy": strategy, "body": body}))


@require_safe
def deliverable(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    strategy = selectors.published_strategy_get(slug=slug)
    deliverable = selectors.published_deliverable_get(strategy=strategy, pk=pk)
    context = {
        "strategy": strategy,
        "deliverable": deliverable,
        "aims": list(deliverable.theme.aims.all()),
        "milestones": list(deliverable.milestones.all()),
        "updates": selectors.public_updates(deliverable=deliverable),
    }
    return _public(render(request, "public/deliverable.html", context))


@require_safe
def report_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """An issued report's PDF: a public committee paper once the clerk has issued it."""
    strategy = selectors.published_strategy_get(slug=slug)
    version = selectors.issued_version_get(strategy=strategy, pk=pk)
    try:
        handle = version.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The report's file is missing: please tell the council") from exc
    filename = f"{slugify(version.report.title)}-v{version.number}.pdf"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return _public(response)


@require_safe
def open_data_page(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = selectors.published_strategy_get(slug=slug)
    periods = selectors.closed_periods(strategy=strategy)
    context = {
        "strategy": strategy,
        "periods": list(reversed(periods)),
        "latest": periods[-1] if periods else None,
        "licence": open_data.LICENCE,
    }
    return _public(render(request, "public/open_data.html", context))


def _schema_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("public:json_schema"))


def _data_response(request: HttpRequest, strategy, periods, fmt: str, stem: str) -> HttpResponse:
    def build() -> str:
        rows = open_data.records(strategy=strategy, periods=periods)
        if fmt == "csv":
            return open_data.as_csv(rows)
        return open_data.as_json(strategy=strategy, periods=periods, rows=rows, schema_url=_schema_url(request))

    body = cached(["public-data", strategy.pk, strategy.data_version, stem, fmt, _schema_url(request)], build)
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{slugify(strategy.title)}-{stem}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: any web page may read it
    return _public(response)


@require_safe
def data_all(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    strategy = selectors.published_strategy_get(slug=slug)
    periods = selectors.closed_periods(strategy=strategy)
    return _data_response(request, strategy, periods, fmt, "deliverables-all-periods")


@require_safe
def data_period(request: HttpRequest, slug: str, period_pk: int, fmt: str) -> HttpResponse:
    strategy = selectors.published_strategy_get(slug=slug)
    period = selectors.closed_period_get(strategy=strategy, pk=period_pk)
    return _data_response(request, strategy, [period], fmt, f"deliverables-{period.start_date:%Y-%m-%d}")


def _indicators_response(request: HttpRequest, strategy, periods, fmt: str, *, since=None, stem: str) -> HttpResponse:
    """Published indicators' accepted figures for measurement periods ending by the last of `periods` (and, for
    one reporting period, on or after `since`, its first day)."""
    latest = periods[-1] if periods else None
    schema_url = request.build_absolute_uri(reverse("public:indicators_json_schema"))

    def build() -> str:
        rows = selectors.public_indicators(strategy=strategy, period=latest).rows if latest else []
        records = open_data.indicator_records(
            strategy=strategy, indicators=rows, up_to=latest and latest.end_date, since=since
        )
        if fmt == "csv":
            return open_data.as_csv(records, open_data.INDICATOR_COLUMNS)
        return open_data.as_json(
            strategy=strategy, periods=periods, rows=records, schema_url=schema_url, key="indicators"
        )

    body = cached(["public-indicators", strategy.pk, strategy.data_version, stem, fmt, schema_url], build)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8" if fmt == "csv" else "application/json")
    response["Content-Disposition"] = f'attachment; filename="{slugify(strategy.title)}-{stem}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    return _public(response)


@require_safe
def data_indicators(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """Every published indicator's accepted figures for measurement periods ended by the latest closed period."""
    strategy = selectors.published_strategy_get(slug=slug)
    periods = selectors.closed_periods(strategy=strategy)
    return _indicators_response(request, strategy, periods, fmt, stem="indicators-all-periods")


@require_safe
def data_period_indicators(request: HttpRequest, slug: str, period_pk: int, fmt: str) -> HttpResponse:
    """The published indicators' accepted figures for measurement periods ending within one closed period."""
    strategy = selectors.published_strategy_get(slug=slug)
    period = selectors.closed_period_get(strategy=strategy, pk=period_pk)
    stem = f"indicators-{period.start_date:%Y-%m-%d}"
    return _indicators_response(request, strategy, [period], fmt, since=period.start_date, stem=stem)


@require_safe
def schema_page(request: HttpRequest) -> HttpResponse:
    context = {
        "columns": open_data.COLUMNS,
        "indicator_columns": open_data.INDICATOR_COLUMNS,
        "licence": open_data.LICENCE,
    }
    return _public(render(request, "public/schema.html", context))


@require_safe
def indicators_json_schema(request: HttpRequest) -> JsonResponse:
    url = request.build_absolute_uri(reverse("public:indicators_json_schema"))
    schema = open_data.json_schema(schema_url=url, columns=open_data.INDICATOR_COLUMNS, key="indicators")
    response = JsonResponse(schema, json_dumps_params={"indent": 2})
    response["Content-Type"] = "application/schema+json"
    response["Access-Control-Allow-Origin"] = "*"
    return _public(response)


@require_safe
def json_schema(request: HttpRequest) -> JsonResponse:
    schema = open_data.json_schema(schema_url=_schema_url(request))
    response = JsonResponse(schema, json_dumps_params={"indent": 2})
    response["Content-Type"] = "application/schema+json"
    response["Access-Control-Allow-Origin"] = "*"
    return _public(response)
