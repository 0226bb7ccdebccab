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
    assert rows[0] == 15
    _load()
    assert (Indicator.objects.count(), IndicatorActual.objects.count(), IndicatorActual.history.count()) == rows
    statuses, directions = set(), set()
    for strategy in Strategy.objects.all():
        latest_closed = strategy.periods.filter(status="closed").order_by("-end_date").first()
        summary = selectors.indicator_summary(strategy=strategy, period=latest_closed)
        statuses |= {row.status for row in summary.rows}
        directions |= {row.direction_previous for row in summary.rows}
        assert all(
            len([r for r in row.series if r.reported]) >= 2 for row in summary.rows
        )  # two years of an annual survey at least
    assert {"green", "amber", "red"} <= statuses
    assert {"improving", "worsening"} <= directions
    # One figure per strategy waits for the board.
    assert IndicatorActual.objects.filter(state="submitted").count() == 3
