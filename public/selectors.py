"""What the public may read: published strategies, their closed periods, accepted progress and issued reports.

The one rule for everything here (pages, open data): a strategy is public when it is published; its figures
are those of closed reporting periods, counted from updates the Digital Board accepted
(`reports.selectors.period_figures` with `include_submitted=False`, the same definitions as the dashboard and
the committee report). Nothing drafted, submitted, returned or awaiting review shows: a deliverable with no
accepted update for a period is "Not reported".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from aims import exempt
from aims.models import RAG, Aim, Deliverable, Milestone, Organisation, ProgressUpdate, ReportingPeriod, Strategy
from aims.rag import LABELS as RAG_LABELS
from indicators import charts as indicator_charts
from indicators import status as indicator_status
from indicators.selectors import IndicatorRow, indicator_summary
from reports import selectors as figures
from reports.models import ReportVersion

NOT_REPORTED = "Not reported"


def published_strategies() -> QuerySet[Strategy]:
    return Strategy.objects.filter(is_published=True).select_related("organisation").order_by("title")


def councils_with_published_strategies() -> list[tuple[Organisation, list[Strategy]]]:
    """Councils in name order, each with its published strategies. Two queries."""
    strategies = published_strategies()
    councils = (
        Organisation.objects.filter(strategies__is_published=True)
        .distinct()
        .order_by("name")
        .prefetch_related(Prefetch("strategies", queryset=strategies, to_attr="published"))
    )
    return [(council, council.published) for council in councils]


def published_strategy_get(*, slug: str) -> Strategy:
    """The published strategy, or 404 (an unpublished one is not found, not forbidden: its name stays private)."""
    try:
        return published_strategies().get(slug=slug)
    except Strategy.DoesNotExist as exc:
        raise Http404("No published strategy has that address") from exc


def closed_periods(*, strategy: Strategy) -> list[ReportingPeriod]:
    """The strategy's closed reporting periods, oldest first: the only periods the public sees figures for."""
    return [p for p in figures.period_list(strategy=strategy) if p.status == ReportingPeriod.Status.CLOSED]


def closed_period_get(*, strategy: Strategy, pk: int) -> ReportingPeriod:
    period = next((p for p in closed_periods(strategy=strategy) if p.pk == pk), None)
    if period is None:
        raise Http404("That reporting period is not closed, or is not this strategy's")
    return period


@dataclass
class PublicRow:
    """One deliverable's published figures for a closed period: accepted updates only."""

    deliverable: Deliverable
    status: str  # a RAG key, or "" when no accepted update says anything
    percent: int
    carried_from: str
    direction: str
    direction_label: str
    overdue: bool
    aims: list[Aim]
    exempt_notice: str = ""  # the whole deliverable is exempt: shown in place of its title, with nothing else

    @property
    def status_label(self) -> str:
        return RAG_LABELS[self.status] if self.status else NOT_REPORTED


def public_rows(*, strategy: Strategy, period: ReportingPeriod) -> tuple[list[PublicRow], figures.PeriodFigures]:
    """The period's rows as the public sees them, from the dashboard's figures counted on accepted updates only."""
    period_figures = figures.period_figures(
        strategy=strategy, period=period, include_submitted=False, today=period.end_date
    )
    rows = [
        PublicRow(
            deliverable=row.deliverable,
            # "Awaiting review" and "No update" both say only that nothing accepted exists: the public is not
            # told that an officer has sent something the board has not yet read.
            status=row.status if row.status in RAG.values else "",
            percent=row.percent,
            carried_from=row.carried_from,
            direction=row.direction,
            direction_label=row.direction_label,
            overdue=row.overdue,
            aims=row.aims,
            exempt_notice=exempt.notice(row.deliverable.exempt_paragraph) if row.deliverable.exempt_paragraph else "",
        )
        for row in period_figures.rows
    ]
    return rows, period_figures


@dataclass
class PublicUpdate:
    period: ReportingPeriod
    status: str
    percent: int | None
    achieved: str
    next_steps: str
    corrective_action: str

    @property
    def status_label(self) -> str:
        return RAG_LABELS[self.status] if self.status else NOT_REPORTED


def published_deliverable_get(*, strategy: Strategy, pk: int) -> Deliverable:
    try:
        return (
            # A deliverable exempt as a whole has no public page (the lists show the notice in its place).
            strategy.deliverables.filter(is_active=True, exempt_paragraph__isnull=True)
            .select_related("theme", "owner")
            .prefetch_related(
                Prefetch("theme__aims", queryset=Aim.objects.order_by("number")),
                Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "pk")),
            )
            .get(pk=pk)
        )
    except Deliverable.DoesNotExist as exc:
        raise Http404("That deliverable is not part of this published strategy") from exc


def public_updates(*, deliverable: Deliverable) -> list[PublicUpdate]:
    """The deliverable's accepted updates for closed periods, newest first. Nothing else is ever public."""
    updates = (
        ProgressUpdate.objects.filter(
            deliverable=deliverable,
            state=ProgressUpdate.State.ACCEPTED,
            period__status=ReportingPeriod.Status.CLOSED,
        )
        .select_related("period")
        .order_by("-period__start_date")
    )
    return [
        PublicUpdate(
            period=u.period,
            status=u.rag_status,
            percent=u.percent_complete,
            achieved=_public_text(u, "achieved"),
            next_steps=_public_text(u, "next_steps"),
            corrective_action=_public_text(u, "corrective_action"),
        )
        for u in updates
    ]


def _public_text(update: ProgressUpdate, field: str) -> str:
    """The field's text, or the exempt notice where the officer marked it exempt."""
    if update.exempt_paragraph and field in (update.exempt_fields or []):
        return exempt.notice(update.exempt_paragraph)
    return getattr(update, field)


def issued_versions(*, strategy: Strategy) -> list[ReportVersion]:
    """Every issued committee report version of the strategy, newest meeting first: public committee papers."""
    return list(
        ReportVersion.objects.filter(report__strategy=strategy, issued_at__isnull=False)
        .exclude(pdf="")
        .select_related("report", "report__period")
        .order_by("-report__meeting_date", "-number")
    )


def issued_version_get(*, strategy: Strategy, pk: int) -> ReportVersion:
    version = next((v for v in issued_versions(strategy=strategy) if v.pk == pk), None)
    if version is None:
        raise Http404("No issued report has that address")
    return version


def data_as_at(*, period: ReportingPeriod | None) -> dt.date | None:
    """The date the published figures describe: the end of the (latest) closed period."""
    return period.end_date if period else None


def _indicator_is_public(row: IndicatorRow) -> bool:
    # Withheld whole where the indicator is marked exempt (the field arrives with the committee report's indicators).
    return row.indicator.is_published and not getattr(row.indicator, "exempt_paragraph", None)


@dataclass
class PublicIndicators:
    rows: list[IndicatorRow]
    counts: list[tuple[str, int]]  # (status label, count)
    sentence: str


def public_indicators(*, strategy: Strategy, period: ReportingPeriod | None) -> PublicIndicators:
    """The strategy's published indicators as at the end of `period` (the latest closed one), from accepted figures
    only (indicators.selectors), each with a small trend up to the figure shown. Five queries."""
    summary = indicator_summary(strategy=strategy, period=period)
    rows = [row for row in summary.rows if _indicator_is_public(row)]
    counts = {key: 0 for key in indicator_status.KEYS}
    for row in rows:
        counts[row.status] += 1
        last = row.shown.period.end_date if row.shown else (period.end_date if period else None)
        shown = [r for r in row.series if last and r.period.end_date <= last]
        i = row.indicator
        row.sparkline = indicator_charts.trend_chart(
            indicator_charts.series_points(shown), title=f"{i.reference} trend", chart_id=f"public-pi-{i.pk}",
            unit=i.unit, decimal_places=i.decimal_places, small=True,
        )  # fmt: skip
    met, amber, red = counts[indicator_status.GREEN], counts[indicator_status.AMBER], counts[indicator_status.RED]
    total = len(rows)
    sentence = (
        f"{met} of {total} indicator{'s' if total != 1 else ''} met target, {amber + red} did not, of which {amber} "
        f"{'was' if amber == 1 else 'were'} within tolerance."
        if total
        else ""
    )
    labels = [(s.label, counts[s.key]) for s in indicator_status.STATUS_TABLE]
    return PublicIndicators(rows=rows, counts=labels, sentence=sentence)
