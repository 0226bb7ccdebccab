import datetime as dt

import pytest
from django.utils import timezone

from aims.models import ReportingPeriod
from aims.tasks import reporting_periods_roll_over_all
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_real_worker_rolls_reporting_periods_over(celery_worker_real):
    today = timezone.localdate()
    strategy = factories.StrategyFactory(
        start_date=today - dt.timedelta(days=400), end_date=today + dt.timedelta(days=400)
    )
    # A period left open although it ended over a month ago: the task must close it and open today's period
    # (which starts about 35 days ago with this cadence; generation never adds a period overlapping one there).
    stale = factories.PeriodFactory(
        strategy=strategy,
        label="Stale",
        start_date=today - dt.timedelta(days=120),
        end_date=today - dt.timedelta(days=40),
        deadline=today - dt.timedelta(days=40),
        status=ReportingPeriod.Status.OPEN,
    )

    result = reporting_periods_roll_over_all.delay()
    closed_ids = result.get(timeout=60)

    assert stale.pk in closed_ids
    stale.refresh_from_db()
    assert stale.status == ReportingPeriod.Status.CLOSED
    open_periods = list(strategy.periods.filter(status=ReportingPeriod.Status.OPEN))
    assert len(open_periods) == 1
    assert open_periods[0].start_date <= today <= open_periods[0].end_date
