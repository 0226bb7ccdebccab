"""Writes that matter for performance indicators: set-up (leads), targets, actuals (owner) and their review (board).

Every write marks the strategy (core.freshness), since its dashboard shows the indicators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from aims.models import Strategy
from aims.services import add_months, period_label
from core import freshness
from core.errors import DomainError
from core.notifications import absolute_url, notify
from indicators import rules, status
from indicators.models import (
    HAS_ANSWER_MESSAGE,
    ActualState,
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    MeasurementPeriod,
    Polarity,
)
from indicators.status import Target

INDICATOR_FIELDS = [
    "reference", "title", "definition", "calculation", "unit", "decimal_places", "polarity", "frequency",
    "baseline_value", "baseline_date", "tolerance_kind", "tolerance", "data_source", "owner", "is_published",
    "exempt_paragraph",
]  # fmt: skip
LINK_FIELDS = ["aims", "themes", "deliverables"]


class ConcurrentEditError(DomainError):
    """Someone saved the actual after this person opened it."""

    def __init__(self, current: IndicatorActual):
        super().__init__(
            "Someone else saved this figure after you opened it. Check what they saved, then save yours again."
        )
        self.current = current


def measurement_periods_plan(*, start: dt.date, end: dt.date, months: int) -> list[tuple[dt.date, dt.date, str]]:
    """(start, end, label) of each measurement period from `start` (its month's first day) to `end`."""
    first = start.replace(day=1)
    plan = []
    while first <= end:
        following = add_months(first, months)
        last = following - dt.timedelta(days=1)
        plan.append((first, last, period_label(first, last)))
        first = following
    return plan


def measurement_periods_generate(*, indicator: Indicator) -> None:
    """Make the indicator's measurement periods over its strategy's dates (it has none yet)."""
    strategy = indicator.strategy
    plan = measurement_periods_plan(start=strategy.start_date, end=strategy.end_date, months=indicator.frequency_months)
    MeasurementPeriod.objects.bulk_create(
        [MeasurementPeriod(indicator=indicator, start_date=s, end_date=e, label=label) for s, e, label in plan]
    )


def _check_manage(user, strategy: Strategy) -> None:
    if not rules.can_manage_indicators(user, strategy):
        raise DomainError("Only the strategy's leads can set up its indicators.")


def _apply(indicator: Indicator, data: dict) -> None:
    for name in INDICATOR_FIELDS:
        if name in data:
            setattr(indicator, name, data[name])
    indicator.full_clean(validate_unique=False)


def _links(indicator: Indicator, data: dict) -> None:
    for name in LINK_FIELDS:
        if name in data:
            getattr(indicator, name).set(data[name])


@freshness.atomic
def indicator_create(*, strategy: Strategy, data: dict, user) -> Indicator:
    """Add an indicator with its measurement periods (from its frequency, over the strategy's dates)."""
    _check_manage(user, strategy)
    if Indicator.objects.filter(strategy=strategy, reference=data.get("reference")).exists():
        raise DomainError("Another indicator of this strategy has that reference. Enter a different one.")
    indicator = Indicator(strategy=strategy)
    _apply(indicator, data)
    indicator.save()
    _links(indicator, data)
    measurement_periods_generate(indicator=indicator)
    freshness.mark(strategies=[strategy.pk])
    return indicator


@freshness.atomic
def indicator_update(*, indicator: Indicator, data: dict, user) -> Indicator:
    """Change an indicator. How often it is measured can change only while no actual is recorded (its periods,
    and their targets, are made again)."""
    _check_manage(user, indicator.strategy)
    indicator = Indicator.objects.select_for_update().select_related("strategy").get(pk=indicator.pk)
    clash = Indicator.objects.filter(strategy=indicator.strategy, reference=data.get("reference", indicator.reference))
    if clash.exclude(pk=indicator.pk).exists():
        raise DomainError("Another indicator of this strategy has that reference. Enter a different one.")
    new_frequency = data.get("frequency", indicator.frequency) != indicator.frequency
    if new_frequency and IndicatorActual.objects.filter(period__indicator=indicator).exists():
        raise DomainError(
            "Figures have been recorded for this indicator, so how often it is measured cannot change. "
            "Add a new indicator instead."
        )
    _apply(indicator, data)
    indicator.save()
    _links(indicator, data)
    if new_frequency:
        indicator.periods.all().delete()
        measurement_periods_generate(indicator=indicator)
    freshness.mark(strategies=[indicator.strategy_id])
    return indicator


@freshness.atomic
def indicator_remove(*, indicator: Indicator, user) -> None:
    """Remove an indicator that has no recorded figures; one with figures is kept (its history is the record)."""
    _check_manage(user, indicator.strategy)
    if IndicatorActual.objects.filter(period__indicator=indicator).exists():
        raise DomainError(
            "Figures have been recorded for this indicator, so it cannot be removed. Untick “published” to take it "
            "off public pages instead."
        )
    strategy_id = indicator.strategy_id
    indicator.delete()
    freshness.mark(strategies=[strategy_id])


@freshness.atomic
def indicator_targets_set(*, indicator: Indicator, targets: dict[int, Target | None], user) -> None:
    """Set the target of each measurement period (by period id); None removes a period's target."""
    _check_manage(user, indicator.strategy)
    periods = {p.pk: p for p in indicator.periods.select_related("target")}
    for period_id, target in targets.items():
        period = periods.get(period_id)
        if period is None:
            raise DomainError("That period is not one of this indicator's. Reload the page and try again.")
        _target_set(indicator, period, target)
    freshness.mark(strategies=[indicator.strategy_id])


def _target_set(indicator: Indicator, period: MeasurementPeriod, target: Target | None) -> None:
    existing = getattr(period, "target", None)
    if target is None:
        if existing:
            existing.delete()
        return
    if (indicator.polarity == Polarity.RANGE) != target.is_range:
        raise DomainError(
            f"Enter a lower and an upper bound for {period.label}"
            if indicator.polarity == Polarity.RANGE
            else f"Enter a single target for {period.label}"
        )
    if target.is_range and target.lower > target.upper:
        raise DomainError(f"The lower bound for {period.label} must be no higher than the upper bound.")
    row = existing or IndicatorTarget(period=period)
    if (row.value, row.lower, row.upper) != (target.value, target.lower, target.upper) or not row.pk:
        row.value, row.lower, row.upper = target.value, target.lower, target.upper
        row.save()


def annual_target_profile(*, annual: Decimal, periods: int, cumulative: bool, decimal_places: int) -> list[Decimal]:
    """Per-period targets from an annual one. `cumulative` (a count over the year, such as residents helped): the
    annual figure split evenly, rounded to the unit's decimals with the remainder in the last period, so the
    periods add up to it exactly. Otherwise (a rate, a percentage, days): every period's target is the annual one.
    """
    if periods < 1:
        raise DomainError("There are no periods to profile the target over.")
    step = Decimal(1).scaleb(-decimal_places)
    if not cumulative:
        return [annual.quantize(step, rounding=ROUND_HALF_UP)] * periods
    share = (annual / periods).quantize(step, rounding=ROUND_HALF_UP)
    return [share] * (periods - 1) + [annual - share * (periods - 1)]


@dataclass(frozen=True)
class ActualAnswers:
    value: Decimal | None = None
    not_available: bool = False
    expected_on: dt.date | None = None
    note: str = ""
    evidence_url: str = ""
    corrective_action: str = ""


ANSWER_FIELDS = ["value", "not_available", "expected_on", "note", "evidence_url", "corrective_action"]
RED_NEEDS_CORRECTIVE_ACTION = (
    "Enter the corrective action: it is required when the figure is Red (outside the tolerance)"
)


def actual_to_record(*, period: MeasurementPeriod, user) -> IndicatorActual:
    """The period's open revision, or an unsaved new one: the first, or after acceptance a revision (starting from
    the accepted figure, which stays reported until the revision is accepted)."""
    revisions = list(period.actuals.order_by("revision"))
    open_revision = next((a for a in revisions if a.state != ActualState.ACCEPTED), None)
    if open_revision:
        return open_revision
    actual = IndicatorActual(period=period, author=user, revision=revisions[-1].revision + 1 if revisions else 1)
    if revisions:
        latest = revisions[-1]
        for name in ANSWER_FIELDS:
            setattr(actual, name, getattr(latest, name))
    return actual


def _check_can_record(user, indicator: Indicator) -> None:
    if not rules.can_record_actual(user, indicator):
        raise DomainError("Only the indicator's owner can record its figures.")


def answer_problems(answers, *, period: MeasurementPeriod | None = None) -> list[tuple[str, str]]:
    """What stops these answers being submitted: (answer, message) pairs. The form and the service both ask.
    With the measurement `period`, a value that would be Red against its target needs a corrective action."""
    if answers.value is not None and answers.not_available:
        return [("value", "Enter the value or say the data is not yet available, not both")]
    if answers.value is None and not answers.not_available:
        return [("value", HAS_ANSWER_MESSAGE)]
    if answers.not_available and not answers.expected_on:
        return [("expected_on", "Enter the date the data is expected")]
    if period is not None and not (answers.corrective_action or "").strip() and _would_be_red(answers.value, period):
        return [("corrective_action", RED_NEEDS_CORRECTIVE_ACTION)]
    return []


def _would_be_red(value: Decimal | None, period: MeasurementPeriod) -> bool:
    row = getattr(period, "target", None)
    if value is None or row is None:
        return False
    indicator = period.indicator
    computed = status.indicator_status(
        value=value, target=Target(value=row.value, lower=row.lower, upper=row.upper),
        polarity=indicator.polarity, tolerance=indicator.tolerance, tolerance_kind=indicator.tolerance_kind,
    )  # fmt: skip
    return computed == status.RED


@freshness.atomic
def actual_save(
    *, actual: IndicatorActual, answers: ActualAnswers, user, expected_version: int, submit: bool = False
) -> IndicatorActual:
    """Save the figure as a draft (a draft may be incomplete) or, with `submit`, submit it for review. A figure
    that was submitted or accepted cannot be edited (a revision of an accepted one is a new row)."""
    indicator = actual.period.indicator
    _check_can_record(user, indicator)
    if actual.pk:
        current = IndicatorActual.objects.select_for_update().get(pk=actual.pk)
        if current.version != expected_version:
            raise ConcurrentEditError(current)
        if not current.is_editable:
            raise DomainError(f"This figure is {current.get_state_display().lower()}, so it cannot be changed now.")
        actual = current
        actual.version += 1
    elif IndicatorActual.objects.filter(period=actual.period, revision=actual.revision).exists():
        raise ConcurrentEditError(IndicatorActual.objects.get(period=actual.period, revision=actual.revision))
    if answers.value is not None and answers.not_available:
        raise DomainError("Enter the value or say the data is not yet available, not both")
    for name in ANSWER_FIELDS:
        setattr(actual, name, getattr(answers, name))
    if not actual.not_available:
        actual.expected_on = None
    actual.author = user
    if submit:
        _submit(actual)
    try:
        with transaction.atomic():  # a savepoint: another tab may have started the same revision a moment ago
            actual.save()
    except IntegrityError as exc:
        current = IndicatorActual.objects.filter(period=actual.period).exclude(state=ActualState.ACCEPTED).first()
        if current is None:
            raise
        raise ConcurrentEditError(current) from exc
    freshness.mark(strategies=[indicator.strategy_id])
    return actual


def _submit(actual: IndicatorActual) -> None:
    problems = answer_problems(actual, period=actual.period)
    if problems:
        raise DomainError(problems[0][1])
    actual.state = ActualState.SUBMITTED
    actual.submitted_at = timezone.now()


@freshness.atomic
def actual_submit(*, actual: IndicatorActual, user, expected_version: int) -> IndicatorActual:
    """Submit the saved figure as checked: a newer save since (`expected_version`) is refused."""
    if not actual.pk:
        raise DomainError("Save your answers before you submit them.")
    _check_can_record(user, actual.period.indicator)
    current = IndicatorActual.objects.select_for_update().select_related("period__indicator").get(pk=actual.pk)
    if current.version != expected_version:
        raise ConcurrentEditError(current)
    if not current.is_editable:
        raise DomainError(f"This figure is {current.get_state_display().lower()}, so it cannot be submitted now.")
    _submit(current)
    current.author = user
    current.version += 1
    current.save()
    freshness.mark(strategies=[current.period.indicator.strategy_id])
    return current


@freshness.atomic
def actual_review(*, actual: IndicatorActual, user, accept: bool, comment: str = "") -> IndicatorActual:
    """Accept a submitted figure, or return it to the owner with a comment saying what to change."""
    actual = (
        IndicatorActual.objects.select_for_update(of=("self",))
        .select_related("period__indicator__strategy")
        .get(pk=actual.pk)
    )
    if not rules.can_review_actuals(user, actual.period.indicator.strategy):
        raise DomainError("Only board members of this strategy can review its indicators' figures.")
    conflict = rules.actual_review_conflict(user, actual)
    if conflict:
        raise DomainError(f"You cannot review this figure because {conflict}. Another board member must review it.")
    if actual.state != ActualState.SUBMITTED:
        raise DomainError(f"This figure is {actual.get_state_display().lower()}, so it cannot be reviewed now.")
    if not accept and not comment.strip():
        raise DomainError("Enter a comment saying what the owner needs to change.")
    actual.state = ActualState.ACCEPTED if accept else ActualState.RETURNED
    actual.reviewer = user
    actual.review_comment = comment.strip()
    actual.reviewed_at = timezone.now()
    actual.version += 1
    actual.save()
    freshness.mark(strategies=[actual.period.indicator.strategy_id])
    if not accept:
        transaction.on_commit(lambda: notify_figure_returned(actual_id=actual.pk))
    return actual


def notify_figure_returned(*, actual_id: int) -> None:
    """Email the owner (and the author, if someone else) that the board returned a figure. After commit; a mail
    failure is logged by core.notifications, never raised."""
    actual = IndicatorActual.objects.select_related(
        "period__indicator__strategy", "period__indicator__owner", "author", "reviewer"
    ).get(pk=actual_id)
    indicator = actual.period.indicator
    url = reverse("indicators:actual_record", args=[indicator.strategy.slug, indicator.pk, actual.period_id])
    notify(
        template="figure_returned",
        to=sorted({indicator.owner.email, actual.author.email} - {""}),
        context={"actual": actual, "indicator": indicator, "correct_url": absolute_url(url)},
    )
