"""Reads for the API, each in a fixed number of queries. Figures come from reports.selectors (one source of
figures): accepted updates only (`counted_states` with include_submitted False), as the dashboard counts by
default."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from aims import exempt
from aims.models import Aim, Deliverable, ProgressUpdate, ReportingPeriod, Strategy
from api.rules import FULL, PUBLIC
from indicators import selectors as indicator_selectors
from indicators.models import Indicator, IndicatorActual
from indicators.selectors import IndicatorRow
from indicators.units import format_value
from reports import selectors as figures


def strategy_get(*, slug: str) -> Strategy:
    strategy = Strategy.objects.select_related("organisation").filter(slug=slug).first()
    if strategy is None:
        raise Http404(f"No strategy “{slug}”.")
    return strategy


def periods_readable(*, strategy: Strategy, access: str) -> QuerySet[ReportingPeriod]:
    """Every period for full access; the closed ones for the public, whose figures are final."""
    periods = strategy.periods.order_by("start_date")
    return periods if access == FULL else periods.filter(status=ReportingPeriod.Status.CLOSED)


def period_for(*, strategy: Strategy, access: str, period_id: int | None) -> ReportingPeriod | None:
    """The period asked for (404 if the caller may not read it), else the default: for full access the
    dashboard's (the open period, or the latest started), for the public the latest closed period."""
    periods = list(periods_readable(strategy=strategy, access=access))
    if period_id is not None:
        period = next((p for p in periods if p.pk == period_id), None)
        if period is None:
            which = "reporting period" if access == FULL else "closed reporting period"
            raise Http404(f"No {which} {period_id} in {strategy.title}.")
        return period
    if access == PUBLIC:
        return periods[-1] if periods else None
    return figures.period_default(periods=periods)


def figures_by_deliverable(*, strategy: Strategy, period: ReportingPeriod | None, access: str, ids) -> dict[int, dict]:
    """The figures of the deliverables `ids` for `period`, as the dashboard shows them: two queries."""
    if period is None:
        return {}
    periods = figures.period_list(strategy=strategy)
    previous = figures.previous_period(periods=periods, period=period)
    qs = figures.deliverable_queryset(
        strategy=strategy, period=period, previous=previous, include_submitted=False, awaiting_review=access == FULL
    ).filter(pk__in=list(ids))
    qs = qs.prefetch_related(Prefetch("theme__aims", queryset=Aim.objects.order_by("number")))
    as_at = figures.as_at_for(period)
    result = {}
    for deliverable in qs:
        row = figures.row_from(deliverable, as_at=as_at)
        result[deliverable.pk] = {
            "period_id": period.pk,
            "period_label": period.label,
            "status": row.status,
            "status_label": row.status_label,
            "percent_complete": row.percent,
            "reported_percent": row.reported_percent,
            "carried_forward_from": row.carried_from or None,
            "direction": row.direction,
            "overdue": row.overdue,
        }
    return result


def deliverables(*, strategy: Strategy) -> QuerySet[Deliverable]:
    return strategy.deliverables.select_related("owner").order_by("reference")


def deliverable_get(*, pk: int) -> Deliverable:
    deliverable = Deliverable.objects.select_related("strategy__organisation", "owner").filter(pk=pk).first()
    if deliverable is None:
        raise Http404(f"No deliverable {pk}.")
    return deliverable


def deliverable_out(deliverable: Deliverable, *, access: str, figures_for: dict[int, dict]) -> dict:
    """A deliverable as the caller may read it. For the public, a deliverable marked exempt (aims.exempt) keeps
    only its reference, theme, dates and figures, its words replaced by the notice; the owner's name only where
    the strategy publishes officers' names."""
    withheld = access != FULL and deliverable.exempt_paragraph
    shows_name = access == FULL or (deliverable.strategy.public_shows_names and not withheld)
    return {
        "id": deliverable.pk,
        "strategy": deliverable.strategy.slug,
        "reference": deliverable.reference,
        "title": exempt.notice(deliverable.exempt_paragraph) if withheld else deliverable.title,
        "description": "" if withheld else deliverable.description,
        "expected_outcome": "" if withheld else deliverable.expected_outcome,
        "theme_id": deliverable.theme_id,
        "lead_service": "" if withheld else deliverable.lead_service,
        "start_date": deliverable.start_date,
        "due_date": deliverable.due_date,
        "is_active": deliverable.is_active,
        "owner": deliverable.owner.display_name if shows_name else None,
        "figures": figures_for.get(deliverable.pk),
    }


def updates(*, deliverable: Deliverable, access: str, period_id: int | None) -> QuerySet[ProgressUpdate]:
    """What the deliverable's page shows for full access (every update); for the public, accepted updates of
    closed periods only."""
    qs = deliverable.updates.select_related("period", "author", "reviewer").order_by("period__start_date")
    if access != FULL:
        qs = qs.filter(state=ProgressUpdate.State.ACCEPTED, period__status=ReportingPeriod.Status.CLOSED)
    if period_id is not None:
        qs = qs.filter(period_id=period_id)
    return qs


def update_out(update: ProgressUpdate, *, access: str) -> dict:
    full = access == FULL
    reviewer = update.reviewer.display_name if update.reviewer else None
    return {
        "id": update.pk,
        "deliverable_id": update.deliverable_id,
        "period_id": update.period_id,
        "period_label": update.period.label,
        "state": update.state,
        "rag_status": update.rag_status,
        "percent_complete": update.percent_complete,
        **{
            name: getattr(update, name) if full else None
            for name in ("achieved", "next_steps", "risks_issues", "corrective_action", "review_comment")
        },
        "author": update.author.display_name if full else None,
        "reviewer": reviewer if full else None,
        "submitted_at": update.submitted_at,
        "reviewed_at": update.reviewed_at,
        "version": update.version if full else None,
    }


def indicator_is_public(indicator: Indicator) -> bool:
    """Published, and not withheld as exempt (the field arrives with the committee report's indicators)."""
    return indicator.is_published and not getattr(indicator, "exempt_paragraph", None)


def indicator_rows(*, strategy: Strategy, period: ReportingPeriod | None, access: str) -> list[IndicatorRow]:
    """The indicators the caller may read with their figures for `period`, as the indicators dashboard shows
    them (indicators.selectors: accepted figures only): five queries, whatever the number of indicators."""
    rows = indicator_selectors.indicator_summary(strategy=strategy, period=period).rows
    for row in rows:
        row.indicator.strategy = strategy
    return rows if access == FULL else [row for row in rows if indicator_is_public(row.indicator)]


def indicator_get(*, pk: int) -> Indicator:
    try:
        return indicator_selectors.indicator_get(pk=pk)
    except Indicator.DoesNotExist:
        raise Http404(f"No indicator {pk}.") from None


def _decimal(value: Decimal | None, places: int) -> str | None:
    """The figure to the indicator's decimal places, or to its own where it has more (nothing is rounded away)."""
    if value is None:
        return None
    rounded = value.quantize(Decimal(1).scaleb(-places))
    return str(rounded) if rounded == value else format(value.normalize(), "f")


def _indicator_base(indicator: Indicator, *, access: str) -> dict:
    return {
        "id": indicator.pk,
        "strategy": indicator.strategy.slug,
        **{name: getattr(indicator, name) for name in ("reference", "title", "unit", "decimal_places", "polarity",
                                                       "frequency", "is_published")},
        "owner": str(indicator.owner) if access == FULL else None,
    }  # fmt: skip


def indicator_out(row: IndicatorRow, *, access: str) -> dict:
    indicator = row.indicator
    return {
        **_indicator_base(indicator, access=access),
        "status": row.status,
        "measurement_period": row.period_label,
        "value": _decimal(row.shown.value if row.shown else None, indicator.decimal_places),
        "value_text": row.value_text,
        "target_text": row.target_text,
        "direction_previous": row.direction_previous,
        "direction_year": row.direction_year,
    }


def indicator_detail_out(indicator: Indicator, *, access: str) -> dict:
    """The indicator's latest figures and its whole series: accepted figures (and, for full access, what is
    pending review or being drafted, with its version)."""
    full = access == FULL
    series = indicator_selectors.indicator_series(indicator)
    latest = indicator_selectors.indicator_row(indicator, as_at=dt.date.max)
    return {
        **indicator_out(latest, access=access),
        "definition": indicator.definition,
        "series": [
            {
                "period_id": row.period.pk, "label": row.period.label, "start_date": row.period.start_date,
                "end_date": row.period.end_date, "target_text": row.target_text,
                "value": _decimal(row.value, indicator.decimal_places), "value_text": row.value_text,
                "status": row.status,
                "pending_state": row.pending.state if full and row.pending else None,
                "pending_version": row.pending.version if full and row.pending else None,
            }
            for row in series
        ],
    }  # fmt: skip


def actual_out(actual: IndicatorActual) -> dict:
    indicator = actual.period.indicator
    return {
        "id": actual.pk,
        "indicator_id": indicator.pk,
        "period_id": actual.period_id,
        "period_label": actual.period.label,
        "revision": actual.revision,
        "state": actual.state,
        "value": _decimal(actual.value, indicator.decimal_places),
        "value_text": format_value(actual.value, indicator.unit, indicator.decimal_places),
        "not_available": actual.not_available,
        "expected_on": actual.expected_on,
        "note": actual.note,
        "evidence_url": actual.evidence_url,
        "submitted_at": actual.submitted_at,
        "version": actual.version,
    }
