"""Demo performance indicators: five per demo strategy, shaped like councils' digital indicators, with accepted
figures for every period ended before "today" (the latest of one awaiting review), so trends, statuses and
direction of travel show. Called by the `load_demo` command (operations/) after aims.demo has loaded the strategies.

Idempotent: indicators are matched by reference, periods made once, targets set to the planned values and
figures only added where a period has none, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from accounts.models import Role, User
from aims.models import Strategy
from core import freshness
from indicators import status
from indicators.models import ActualState, Indicator, IndicatorActual, IndicatorTarget
from indicators.services import measurement_periods_generate

# How each period's figure differs from its target, in turn (a repeating pattern, so the demo is the same every run
# and shows every status): on or better, a little worse (Amber), well worse (Red).
WOBBLE = [Decimal(x) for x in ("1.5", "-0.6", "0.4", "-2.0", "2.2", "-7.5", "0.8", "-1.1", "3.0", "-0.2", "-5.0")]


@dataclass(frozen=True)
class DemoIndicator:
    reference: str
    title: str
    definition: str
    calculation: str
    unit: str
    decimal_places: int
    polarity: str
    frequency: str
    target_start: Decimal
    target_step: Decimal  # per period, towards the goal
    target_limit: Decimal
    tolerance_kind: str
    tolerance: Decimal
    wobble_scale: Decimal  # the WOBBLE pattern times this, in the indicator's unit
    data_source: str
    baseline: Decimal


INDICATORS = [
    DemoIndicator(
        "PI-01", "Share of transactions completed online",
        "Transactions with the council completed start to finish online, as a share of all transactions.",
        "Online transactions divided by all transactions (online, phone, face to face) in the period, times 100.",
        "percent", 1, "higher", "quarterly", Decimal("55"), Decimal("1.5"), Decimal("85"), "percent", Decimal("5"),
        Decimal("1"), "Customer relationship management system, channel report", Decimal("48.2"),
    ),
    DemoIndicator(
        "PI-02", "Residents supported by digital inclusion programmes",
        "Residents given one-to-one help, devices or data through the council's digital inclusion programmes.",
        "Count of residents supported in the period (each counted once per period).",
        "number", 0, "higher", "quarterly", Decimal("250"), Decimal("10"), Decimal("400"), "percent", Decimal("10"),
        Decimal("10"), "Libraries and digital inclusion partners' returns", Decimal("180"),
    ),
    DemoIndicator(
        "PI-03", "Gigabit-capable premises",
        "Premises in the borough that can get a gigabit-capable broadband connection.",
        "Gigabit-capable premises divided by all premises, times 100 (Ofcom Connected Nations).",
        "percent", 1, "higher", "six_monthly", Decimal("45"), Decimal("5"), Decimal("95"), "absolute", Decimal("3"),
        Decimal("1.2"), "Ofcom Connected Nations report", Decimal("38.0"),
    ),
    DemoIndicator(
        "PI-04", "Website satisfaction",
        "Visitors who said the council website met their needs.",
        "Respondents answering ‘yes’ to ‘Did you find what you needed?’ divided by all respondents, times 100.",
        "percent", 0, "higher", "annual", Decimal("70"), Decimal("3"), Decimal("85"), "percent", Decimal("5"),
        Decimal("1"), "Website feedback survey", Decimal("64"),
    ),
    DemoIndicator(
        "PI-05", "Average days to process a request",
        "How long a resident waits, on average, from making a service request to it being resolved.",
        "Sum of working days from request to resolution, divided by the number of requests resolved in the period.",
        "days", 1, "lower", "quarterly", Decimal("12"), Decimal("-0.5"), Decimal("6"), "percent", Decimal("10"),
        Decimal("-0.3"), "Service request system", Decimal("14.5"),
    ),
]  # fmt: skip


def _owner(strategy: Strategy) -> User:
    """The demo officer where they have a role, else the first officer of the strategy: someone who can see it."""
    officers = User.objects.filter(memberships__strategy=strategy, memberships__role=Role.OFFICER).order_by("username")
    return officers.filter(username="officer").first() or officers.first() or strategy.memberships.first().user


def _target(spec: DemoIndicator, n: int) -> Decimal:
    value = spec.target_start + spec.target_step * n
    return min(value, spec.target_limit) if spec.target_step > 0 else max(value, spec.target_limit)


def _figure(spec: DemoIndicator, n: int, target: Decimal) -> Decimal:
    step = Decimal(1).scaleb(-spec.decimal_places)
    return (target + WOBBLE[n % len(WOBBLE)] * spec.wobble_scale).quantize(step)


def _indicator(strategy: Strategy, spec: DemoIndicator, owner: User) -> Indicator:
    indicator = Indicator.objects.filter(strategy=strategy, reference=spec.reference).first()
    if indicator:
        return indicator
    indicator = Indicator.objects.create(
        strategy=strategy, reference=spec.reference, title=spec.title, definition=spec.definition,
        calculation=spec.calculation, unit=spec.unit, decimal_places=spec.decimal_places, polarity=spec.polarity,
        frequency=spec.frequency, tolerance_kind=spec.tolerance_kind, tolerance=spec.tolerance,
        data_source=spec.data_source, owner=owner, is_published=True, baseline_value=spec.baseline,
        baseline_date=strategy.start_date - dt.timedelta(days=1),
    )  # fmt: skip
    measurement_periods_generate(indicator=indicator)
    aim = strategy.aims.order_by("number").first()
    if aim:
        indicator.aims.add(aim)
    return indicator


def _figures(indicator: Indicator, spec: DemoIndicator, board: User, today: dt.date, last_awaits: bool) -> None:
    periods = list(indicator.periods.select_related("target").prefetch_related("actuals"))
    ended = [p for p in periods if p.end_date < today]
    for n, period in enumerate(periods):
        target = _target(spec, n)
        existing = getattr(period, "target", None)
        if existing is None:
            IndicatorTarget.objects.create(period=period, value=target)
        if period not in ended or period.actuals.all():
            continue
        awaiting = last_awaits and period is ended[-1]
        moment = timezone.make_aware(dt.datetime.combine(period.end_date + dt.timedelta(days=20), dt.time(10)))
        value = _figure(spec, n, target)
        IndicatorActual.objects.create(
            period=period, value=value, author=indicator.owner, corrective_action=_corrective(indicator, value, target),
            state=ActualState.SUBMITTED if awaiting else ActualState.ACCEPTED,
            note="" if n % 3 else "Figures from the quarterly return, checked by Business Intelligence.",
            submitted_at=moment, reviewer=None if awaiting else board,
            reviewed_at=None if awaiting else moment + dt.timedelta(days=7),
        )  # fmt: skip


DEMO_CORRECTIVE_ACTION = (
    "Service leads are reviewing the causes with Business Intelligence; a recovery plan goes to the Digital Board "
    "next month."
)


def _corrective(indicator: Indicator, value: Decimal, target: Decimal) -> str:
    """A Red demo figure comes with a corrective action, as the owner's form asks for one."""
    red = status.indicator_status(
        value=value, target=status.Target(value=target), polarity=indicator.polarity,
        tolerance=indicator.tolerance, tolerance_kind=indicator.tolerance_kind,
    ) == status.RED  # fmt: skip
    return DEMO_CORRECTIVE_ACTION if red else ""


def indicators_demo_load(*, strategies: list[Strategy], board: User, today: dt.date) -> int:
    """Add the demo indicators to the demo strategies; returns how many indicators they hold."""
    with freshness.atomic():
        for strategy in strategies:
            owner = _owner(strategy)
            for spec in INDICATORS:
                indicator = _indicator(strategy, spec, owner)
                _figures(indicator, spec, board, today, last_awaits=spec.reference == "PI-01")
            freshness.mark(strategies=[strategy.pk])
    return Indicator.objects.filter(strategy__in=strategies).count()
