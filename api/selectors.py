"""Reads for the API, each in a fixed number of queries. Figures come from reports.selectors (one source of
figures): accepted updates only (`counted_states` with include_submitted False), as the dashboard counts by
default."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from aims import exempt
from aims.models import Aim, Deliverable, ProgressUpdate, ReportingPeriod, Strategy
from api.rules import FULL, PUBLIC
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
