"""Which figure an indicator shows for a reporting period, its directions of travel, and the dashboard's counts in a
fixed number of queries."""

import datetime as dt
from decimal import Decimal as D

import pytest

from indicators import selectors
from indicators.models import IndicatorActual
from tests import factories
from tests.indicators.helpers import indicator_with_periods

pytestmark = pytest.mark.django_db


def _period(strategy, start, end):
    return factories.PeriodFactory(strategy=strategy, start_date=start, end_date=end, deadline=end, status="closed")


def test_a_reporting_period_shows_the_latest_accepted_measurement_ending_by_its_end(strategy, officer):
    # Quarters from April 2025, target 80 each, accepted 70 (Apr-Jun) and 78 (Jul-Sep); Oct-Dec submitted only.
    indicator = indicator_with_periods(strategy=strategy, owner=officer, targets=["80"] * 4, actuals=["70", "78"])
    third = indicator.periods.all()[2]
    IndicatorActual.objects.create(period=third, value=D("90"), state="submitted", author=officer)
    half_year = _period(strategy, dt.date(2025, 4, 1), dt.date(2025, 9, 30))
    summary = selectors.indicator_summary(strategy=strategy, period=half_year)
    row = summary.rows[0]
    assert (row.period_label, row.value_text, row.target_text) == ("July to September 2025", "78.0%", "80.0%")
    # 78 against 80, 5% of 80 = 4: Amber; up from 70: improving.
    assert (row.status, row.direction_previous, row.direction_year) == ("amber", "improving", None)
    # The next half-year ends after Oct-Dec, but that figure is not accepted: Jul-Sep is still shown.
    next_half = _period(strategy, dt.date(2025, 10, 1), dt.date(2026, 3, 31))
    assert selectors.indicator_summary(strategy=strategy, period=next_half).rows[0].value_text == "78.0%"
    # A reporting period ending mid-quarter shows the quarter that ended before it.
    early = _period(strategy, dt.date(2025, 5, 1), dt.date(2025, 8, 31))
    assert selectors.indicator_summary(strategy=strategy, period=early).rows[0].period_label == "April to June 2025"


def test_no_figure_by_the_end_of_the_period_is_no_data_with_that_periods_target(strategy, officer):
    indicator_with_periods(strategy=strategy, owner=officer, targets=["80", "82"])
    period = _period(strategy, dt.date(2025, 4, 1), dt.date(2025, 9, 30))
    row = selectors.indicator_summary(strategy=strategy, period=period).rows[0]
    assert (row.status, row.target_text, row.period_label) == ("no_data", "82.0%", "July to September 2025")


def test_direction_against_the_same_period_last_year(strategy, officer):
    # Lower is better (days): Apr-Jun 2025 12 days, then 10, 11, 9, and Apr-Jun 2026 13 days.
    indicator_with_periods(
        strategy=strategy, owner=officer, polarity="lower", unit="days", decimal_places=0,
        targets=["10"] * 5, actuals=["12", "10", "11", "9", "13"],
    )  # fmt: skip
    row = selectors.indicator_summary(strategy=strategy, period=None).rows[0]
    assert row.period_label == "April to June 2026"
    # 13 after 9: worse; 13 against 12 a year before: worse. 13 against 10 with 5% (0.5 days): Red.
    assert (row.direction_previous, row.direction_year, row.status) == ("worsening", "worsening", "red")
    assert row.value_text == "13 days"


def test_counts_and_filters(strategy, officer):
    aim = factories.AimFactory(strategy=strategy)
    green = indicator_with_periods(strategy=strategy, owner=officer, targets=["80"], actuals=["85"])
    green.aims.add(aim)
    indicator_with_periods(strategy=strategy, owner=officer, targets=["80"], actuals=["60"])
    indicator_with_periods(strategy=strategy, owner=officer)
    summary = selectors.indicator_summary(strategy=strategy, period=None)
    assert summary.counts == {"red": 1, "amber": 0, "green": 1, "no_data": 1, "no_target": 0}
    assert summary.sentence == "1 of 3 indicators met target, 1 did not, of which 0 were within tolerance."
    assert [r.indicator for r in selectors.indicator_summary(strategy=strategy, period=None, aim=aim.pk).rows] == [
        green
    ]
    by_status = selectors.indicator_summary(strategy=strategy, period=None, status_key="red")
    assert len(by_status.rows) == 1 and by_status.counts["green"] == 1  # counts are not narrowed by status


def test_the_summary_reads_in_a_fixed_number_of_queries(strategy, officer, django_assert_max_num_queries):
    theme = factories.ThemeFactory(strategy=strategy)
    for n in range(50):
        indicator = indicator_with_periods(
            strategy=strategy, owner=officer, targets=["80"] * 12,
            actuals=[str(60 + n % 30)] * 11 + [None],
        )  # fmt: skip
        indicator.themes.add(theme)
    with django_assert_max_num_queries(6):
        summary = selectors.indicator_summary(strategy=strategy, period=None, theme=theme.pk)
    assert summary.total == 50
    assert all(len(row.series) == 12 for row in summary.rows)
