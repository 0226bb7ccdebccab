"""A lead's writes to a strategy's reporting periods: generate the missing ones, change a label or deadline, close
the open period early, open the next one. The daily roll-over is aims.services.reporting_periods_roll_over.

Every write takes the strategy's row lock first (as the roll-over does), so two leads, or a lead and the roll-over,
never act on the same period at once; the database keeps one open period per strategy whatever happens.
Nothing here deletes a period or touches its updates: a closed period keeps every update, read-only
(aims.selectors.recordable_period).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError

from aims.models import ReportingPeriod, Strategy
from aims.services import reporting_periods_generate
from core import freshness
from core.errors import DomainError

# How long after a period ends its update deadline may fall: long enough for a late board meeting, short enough
# that a typing slip of a year is caught.
DEADLINE_MAX_DAYS_AFTER_END = 92


def deadline_problem(*, period: ReportingPeriod, deadline: dt.date) -> str:
    """Why this update deadline is not sensible for the period, or "": the one rule the form and the service use."""
    if deadline < period.start_date:
        return f"The update deadline must be on or after the day the period starts, {_day(period.start_date)}"
    latest = period.end_date + dt.timedelta(days=DEADLINE_MAX_DAYS_AFTER_END)
    if deadline > latest:
        return f"The update deadline must be no later than {_day(latest)}, 3 months after the period ends"
    return ""


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _lock(strategy: Strategy) -> None:
    Strategy.objects.select_for_update().filter(pk=strategy.pk).first()


@freshness.atomic
def reporting_periods_add_missing(*, strategy: Strategy) -> list[ReportingPeriod]:
    """Generate the periods the strategy's dates and cadence call for that it does not have yet; returns the ones
    added (none when nothing is missing). Existing periods, their labels, deadlines and updates stay as they are."""
    _lock(strategy)
    before = set(strategy.periods.values_list("pk", flat=True))
    periods = reporting_periods_generate(strategy=strategy)
    return [p for p in periods if p.pk not in before]


@freshness.atomic
def reporting_period_change(*, period: ReportingPeriod, label: str, deadline: dt.date) -> ReportingPeriod:
    label = label.strip()
    if not label:
        raise DomainError("Enter the period's label")
    problem = deadline_problem(period=period, deadline=deadline)
    if problem:
        raise DomainError(problem)
    _lock(period.strategy)
    period.label, period.deadline = label, deadline
    period.save(update_fields=["label", "deadline"])
    freshness.mark(strategy_wide=[period.strategy_id], periods=[period.strategy_id])
    return period


@freshness.atomic
def reporting_period_close(*, period: ReportingPeriod) -> ReportingPeriod:
    """Close the open period before its end date. Its updates are kept; officers can no longer record for it."""
    _lock(period.strategy)
    current = ReportingPeriod.objects.get(pk=period.pk)
    if current.status != ReportingPeriod.Status.OPEN:
        raise DomainError(f"{current.label} is not open any more: someone has closed it already")
    current.status = ReportingPeriod.Status.CLOSED
    current.save(update_fields=["status"])
    freshness.mark(strategy_wide=[current.strategy_id], periods=[current.strategy_id])
    return current


def next_period(*, strategy: Strategy) -> ReportingPeriod | None:
    """The period "Open the next period" opens: the earliest upcoming one."""
    return strategy.periods.filter(status=ReportingPeriod.Status.UPCOMING).order_by("start_date").first()


@freshness.atomic
def reporting_period_open_next(*, strategy: Strategy) -> ReportingPeriod:
    """Open the earliest upcoming period, even before its start date. Refused while another period is open."""
    _lock(strategy)
    current = strategy.periods.filter(status=ReportingPeriod.Status.OPEN).first()
    if current is not None:
        raise DomainError(f"{current.label} is still open: close it before opening the next period")
    period = next_period(strategy=strategy)
    if period is None:
        raise DomainError("There is no upcoming reporting period to open: generate the reporting periods first")
    period.status = ReportingPeriod.Status.OPEN
    try:
        period.save(update_fields=["status"])
    except IntegrityError as exc:  # the constraint period_one_open_per_strategy, if the lock was bypassed
        raise DomainError("Another reporting period was opened at the same time: look at the periods again") from exc
    freshness.mark(strategy_wide=[strategy.pk], periods=[strategy.pk])
    return period
