"""The reporting period setup services (aims.periods): generation, change, close early, open next."""

import datetime as dt
import threading

import pytest
from django.db import connection

from aims import periods as services
from aims.models import ProgressUpdate, ReportingPeriod
from aims.selectors import recordable_period
from aims.services import reporting_periods_roll_over
from core.errors import DomainError
from tests import factories

pytestmark = pytest.mark.django_db


def test_add_missing_generates_from_the_cadence_then_adds_only_what_is_missing(strategy):
    added = services.reporting_periods_add_missing(strategy=strategy)
    assert len(added) == 6  # six-monthly, April 2025 to March 2028
    assert services.reporting_periods_add_missing(strategy=strategy) == []
    strategy.end_date = dt.date(2029, 3, 31)
    strategy.save()
    added = services.reporting_periods_add_missing(strategy=strategy)
    assert [p.label for p in added] == ["April to September 2028", "October 2028 to March 2029"]


def test_a_change_of_cadence_never_deletes_or_doubles_a_period(strategy, deliverable):
    periods = services.reporting_periods_add_missing(strategy=strategy)
    factories.ProgressUpdateFactory(deliverable=deliverable, period=periods[0])
    strategy.cadence = "quarterly"
    strategy.save()
    services.reporting_periods_add_missing(strategy=strategy)
    after = list(strategy.periods.order_by("start_date"))
    assert len(after) == 6 and ProgressUpdate.objects.filter(period=periods[0]).exists()
    for earlier, later in zip(after, after[1:], strict=False):
        assert earlier.end_date < later.start_date, "no two periods overlap"


def test_change_label_and_deadline_within_bounds(open_period):
    services.reporting_period_change(period=open_period, label="Winter 2026", deadline=dt.date(2027, 4, 15))
    open_period.refresh_from_db()
    assert (open_period.label, open_period.deadline) == ("Winter 2026", dt.date(2027, 4, 15))
    with pytest.raises(DomainError, match="on or after the day the period starts, 1 October 2026"):
        services.reporting_period_change(period=open_period, label="x", deadline=dt.date(2026, 9, 30))
    with pytest.raises(DomainError, match="no later than 1 July 2027, 3 months after the period ends"):
        services.reporting_period_change(period=open_period, label="x", deadline=dt.date(2027, 7, 2))
    with pytest.raises(DomainError, match="Enter the period's label"):
        services.reporting_period_change(period=open_period, label="  ", deadline=dt.date(2027, 4, 1))
    assert [h.label for h in open_period.history.all()][:1] == ["Winter 2026"]


def test_close_early_keeps_every_update_read_only(strategy, open_period, deliverable):
    update = factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period, state="draft")
    services.reporting_period_close(period=open_period)
    open_period.refresh_from_db()
    assert open_period.status == "closed"
    assert ProgressUpdate.objects.filter(pk=update.pk, state="draft").exists()
    assert recordable_period(deliverable=deliverable, period=open_period).refusal == "closed"
    with pytest.raises(DomainError, match="is not open any more"):
        services.reporting_period_close(period=open_period)


def test_the_roll_over_does_not_reopen_a_period_closed_early(strategy, open_period):
    services.reporting_period_close(period=open_period)
    reporting_periods_roll_over(strategy=strategy, today=dt.date(2026, 12, 1))
    open_period.refresh_from_db()
    assert open_period.status == "closed"


def test_open_next_opens_the_earliest_upcoming_one_and_only_one(strategy, open_period):
    upcoming = factories.PeriodFactory(
        strategy=strategy, label="April to September 2027", start_date=dt.date(2027, 4, 1),
        end_date=dt.date(2027, 9, 30), deadline=dt.date(2027, 9, 30), status="upcoming",
    )  # fmt: skip
    with pytest.raises(DomainError, match="October 2026 to March 2027 is still open: close it before"):
        services.reporting_period_open_next(strategy=strategy)
    services.reporting_period_close(period=open_period)
    assert services.reporting_period_open_next(strategy=strategy) == upcoming
    assert list(strategy.periods.filter(status="open")) == [upcoming]
    services.reporting_period_close(period=upcoming)
    with pytest.raises(DomainError, match="no upcoming reporting period"):
        services.reporting_period_open_next(strategy=strategy)


def test_the_database_keeps_one_open_period_per_strategy(strategy, open_period):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.PeriodFactory(strategy=strategy, start_date=dt.date(2027, 4, 1), end_date=dt.date(2027, 9, 30))


@pytest.mark.django_db(transaction=True)
def test_two_leads_closing_at_once_close_it_once(strategy, open_period):
    """Both find the period open on their page; the strategy row lock lets one close it, the other is told."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    barrier, outcomes = threading.Barrier(2), []

    def close():
        try:
            barrier.wait()
            services.reporting_period_close(period=ReportingPeriod.objects.get(pk=open_period.pk))
            outcomes.append("closed")
        except DomainError as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=close) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [
        "October 2026 to March 2027 is not open any more: someone has closed it already",
        "closed",
    ]
    assert open_period.history.filter(status="closed").count() == 1
