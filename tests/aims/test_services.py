import datetime as dt

import pytest

from aims.models import Cadence, ReportingPeriod
from aims.services import period_label, reporting_periods_generate, reporting_periods_roll_over
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (dt.date(2026, 4, 1), dt.date(2026, 9, 30), "April to September 2026"),
        (dt.date(2026, 10, 1), dt.date(2027, 3, 31), "October 2026 to March 2027"),
        (dt.date(2026, 7, 1), dt.date(2026, 7, 31), "July 2026"),
    ],
)
def test_period_label(start, end, label):
    assert period_label(start, end) == label


def test_six_monthly_periods_cover_the_strategy_and_open_the_current_one():
    strategy = factories.StrategyFactory(
        start_date=dt.date(2025, 4, 1), end_date=dt.date(2028, 3, 31), cadence=Cadence.SIX_MONTHLY
    )
    periods = reporting_periods_generate(strategy=strategy, today=dt.date(2026, 11, 21))
    assert [p.label for p in periods] == [
        "April to September 2025",
        "October 2025 to March 2026",
        "April to September 2026",
        "October 2026 to March 2027",
        "April to September 2027",
        "October 2027 to March 2028",
    ]
    assert [p.status for p in periods] == ["closed", "closed", "closed", "open", "upcoming", "upcoming"]
    assert periods[3].deadline == dt.date(2027, 3, 31)


def test_quarterly_periods_and_generation_is_idempotent():
    strategy = factories.StrategyFactory(
        start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31), cadence=Cadence.QUARTERLY
    )
    first = reporting_periods_generate(strategy=strategy, today=dt.date(2026, 11, 21))
    second = reporting_periods_generate(strategy=strategy, today=dt.date(2026, 11, 21))
    assert [p.pk for p in first] == [p.pk for p in second]
    assert [p.label for p in first] == ["January to March 2026", "April to June 2026", "July to September 2026",
                                        "October to December 2026"]  # fmt: skip
    assert ReportingPeriod.objects.filter(strategy=strategy).count() == 4


def test_roll_over_closes_the_ended_period_and_opens_the_next():
    strategy = factories.StrategyFactory(
        start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31), cadence=Cadence.QUARTERLY
    )
    reporting_periods_generate(strategy=strategy, today=dt.date(2026, 9, 15))
    closed = reporting_periods_roll_over(strategy=strategy, today=dt.date(2026, 10, 1))
    assert [p.label for p in closed] == ["July to September 2026"]
    assert strategy.periods.get(status="open").label == "October to December 2026"
    assert reporting_periods_roll_over(strategy=strategy, today=dt.date(2026, 10, 1)) == []
