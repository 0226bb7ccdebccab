"""Indicators with periods, targets and accepted figures, built through the services' own period plan."""

from decimal import Decimal

from indicators.models import IndicatorActual, IndicatorTarget, MeasurementPeriod
from indicators.services import measurement_periods_plan
from tests import factories


def indicator_with_periods(*, targets=(), actuals=(), state="accepted", reviewer=None, **kwargs):
    """An indicator whose first periods get `targets` and `actuals` (Decimals as strings; None skips one)."""
    indicator = factories.IndicatorFactory(**kwargs)
    plan = measurement_periods_plan(
        start=indicator.strategy.start_date, end=indicator.strategy.end_date, months=indicator.frequency_months
    )
    periods = MeasurementPeriod.objects.bulk_create(
        [MeasurementPeriod(indicator=indicator, start_date=s, end_date=e, label=label) for s, e, label in plan]
    )
    IndicatorTarget.objects.bulk_create(
        [IndicatorTarget(period=p, value=Decimal(t)) for p, t in zip(periods, targets, strict=False) if t is not None]
    )
    IndicatorActual.objects.bulk_create(
        [
            IndicatorActual(period=p, value=Decimal(a), state=state, author=indicator.owner, reviewer=reviewer)
            for p, a in zip(periods, actuals, strict=False)
            if a is not None
        ]
    )
    return indicator
