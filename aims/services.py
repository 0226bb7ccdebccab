"""Writes that matter for the delivery tree and progress. Views and tasks call these, never the ORM directly."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from aims.models import ReportingPeriod, Strategy


class DomainError(Exception):
    """A rule was broken; the message is shown to the person as it is."""


MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return dt.date(year, month, 1) if day.day == 1 else dt.date(year, month, min(day.day, 28))


def period_label(start: dt.date, end: dt.date) -> str:
    """ "April to September 2026", or "October 2026 to March 2027" across a year end."""
    if start.year == end.year:
        if start.month == end.month:
            return f"{MONTHS[start.month - 1]} {start.year}"
        return f"{MONTHS[start.month - 1]} to {MONTHS[end.month - 1]} {end.year}"
    return f"{MONTHS[start.month - 1]} {start.year} to {MONTHS[end.month - 1]} {end.year}"


def period_status_on(start: dt.date, end: dt.date, today: dt.date) -> str:
    if end < today:
        return ReportingPeriod.Status.CLOSED
    if start <= today:
        return ReportingPeriod.Status.OPEN
    return ReportingPeriod.Status.UPCOMING


@transaction.atomic
def reporting_periods_generate(*, strategy: Strategy, today: dt.date | None = None) -> list[ReportingPeriod]:
    """Create the strategy's reporting periods from its cadence, from start to end date.

    Existing periods (matched by start date) are kept as they are, so edited labels and deadlines survive.
    The update deadline defaults to the last day of the period. The period containing today is opened
    unless another period is already open.
    """
    today = today or timezone.localdate()
    step = strategy.cadence_months
    existing = {p.start_date: p for p in strategy.periods.all()}
    has_open = any(p.status == ReportingPeriod.Status.OPEN for p in existing.values())
    periods = []
    start = strategy.start_date
    while start <= strategy.end_date:
        end = min(add_months(start, step) - dt.timedelta(days=1), strategy.end_date)
        period = existing.get(start)
        if period is None:
            status = period_status_on(start, end, today)
            if status == ReportingPeriod.Status.OPEN:
                if has_open:
                    status = ReportingPeriod.Status.UPCOMING
                has_open = True
            period = ReportingPeriod.objects.create(
                strategy=strategy,
                label=period_label(start, end),
                start_date=start,
                end_date=end,
                deadline=end,
                status=status,
            )
        periods.append(period)
        start = end + dt.timedelta(days=1)
    return periods


@transaction.atomic
def reporting_periods_roll_over(*, strategy: Strategy, today: dt.date | None = None) -> list[ReportingPeriod]:
    """Close the open period once its end date has passed and open the one containing today.

    Returns the periods closed by this call, so callers can act on them (e.g. draft a committee report).
    Safe to run any number of times: the strategy row is locked, and a second run finds nothing to do.
    """
    today = today or timezone.localdate()
    Strategy.objects.select_for_update().filter(pk=strategy.pk).first()
    reporting_periods_generate(strategy=strategy, today=today)
    closed = []
    for period in strategy.periods.filter(status=ReportingPeriod.Status.OPEN, end_date__lt=today):
        period.status = ReportingPeriod.Status.CLOSED
        period.save(update_fields=["status"])
        closed.append(period)
    if not strategy.periods.filter(status=ReportingPeriod.Status.OPEN).exists():
        current = strategy.periods.filter(start_date__lte=today, end_date__gte=today).first()
        if current is not None:
            current.status = ReportingPeriod.Status.OPEN
            current.save(update_fields=["status"])
    # Periods wholly in the past that were never opened are closed too, so nothing stays "upcoming" behind us.
    strategy.periods.filter(status=ReportingPeriod.Status.UPCOMING, end_date__lt=today).update(
        status=ReportingPeriod.Status.CLOSED
    )
    return closed
