"""The demo's indicators: five per strategy, figures that show every status and direction, loaded once."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from aims.models import Strategy
from indicators import selectors
from indicators.models import Indicator, IndicatorActual

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 21)


def _load():
    call_command("load_demo", "--today", TODAY.isoformat(), stdout=io.StringIO())


def test_the_demo_has_indicators_with_trends_and_loads_once():
    _load()
    rows = (Indicator.objects.count(), IndicatorActual.objects.count(), IndicatorActual.history.count())
    assert rows[0] == 5 * Strategy.objects.count() == 20  # five for each of the four demo strategies
    _load()
    assert (Indicator.objects.count(), IndicatorActual.objects.count(), IndicatorActual.history.count()) == rows
    statuses, directions = set(), set()
    for strategy in Strategy.objects.all():
        latest_closed = strategy.periods.filter(status="closed").order_by("-end_date").first()
        summary = selectors.indicator_summary(strategy=strategy, period=latest_closed)
        statuses |= {row.status for row in summary.rows}
        directions |= {row.direction_previous for row in summary.rows}
        for row in summary.rows:  # a trend wherever two measurements have ended (an annual survey's two years)
            ended = [r for r in row.series if latest_closed and r.period.end_date <= latest_closed.end_date]
            assert len([r for r in ended if r.reported]) >= min(2, len(ended)), (strategy.slug, row.indicator)
    assert {"green", "amber", "red"} <= statuses
    assert {"improving", "worsening"} <= directions
    # One figure per strategy waits for the board.
    assert IndicatorActual.objects.filter(state="submitted").count() == Strategy.objects.count()
