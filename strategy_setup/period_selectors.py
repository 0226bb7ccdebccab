"""Reads for the Reporting periods setup pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, QuerySet

from aims.models import ReportingPeriod, Strategy


def periods_with_counts(*, strategy: Strategy) -> QuerySet[ReportingPeriod]:
    """The strategy's periods in order, each with `update_count`. One query."""
    return strategy.periods.annotate(update_count=Count("updates")).order_by("start_date")


@dataclass
class PeriodChange:
    when: datetime
    by: str
    what: str


FIELD_WORDS = {"label": "label", "deadline": "update deadline", "status": "status"}


def recent_period_changes(*, strategy: Strategy, limit: int = 20) -> list[PeriodChange]:
    """The latest changes to the strategy's periods, newest first, from their history: who, when, before/after.
    Two queries: the latest records, then the earlier records of those periods to compare them with."""
    history = ReportingPeriod.history.filter(strategy_id=strategy.pk)
    records = list(history.select_related("history_user").order_by("-history_date", "-history_id")[:limit])
    earlier: dict[int, list] = {}
    for row in history.filter(id__in={r.id for r in records}).order_by("history_date", "history_id"):
        earlier.setdefault(row.id, []).append(row)
    changes = []
    for record in records:
        by = (record.history_user.get_full_name() or record.history_user.username) if record.history_user else "System"
        rows = earlier.get(record.id, [])
        position = next(n for n, row in enumerate(rows) if row.history_id == record.history_id)
        previous = rows[position - 1] if position else None
        if record.history_type == "+" or previous is None:
            what = f"{record.label} added"
        else:
            diffs = record.diff_against(previous).changes
            parts = [f"{FIELD_WORDS.get(d.field, d.field)} from {_shown(d.old)} to {_shown(d.new)}" for d in diffs]
            what = f"{record.label}: " + ("; ".join(parts) if parts else "saved with no change")
        changes.append(PeriodChange(record.history_date, by, what))
    return changes


def _shown(value) -> str:
    if hasattr(value, "strftime"):
        return f"{value.day} {value:%B %Y}"
    return ReportingPeriod.Status(value).label.lower() if value in ReportingPeriod.Status.values else str(value)
