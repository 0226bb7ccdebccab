"""Which period may be recorded (aims.selectors.recordable_period)."""

import pytest

from aims import selectors
from aims.models import ProgressUpdate
from aims.selectors import Recordable
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "state", "refusal"),
    [
        ("open", None, ""),
        ("open", "draft", ""),
        ("open", "returned", ""),
        ("open", "submitted", Recordable.FINISHED),
        ("open", "accepted", Recordable.FINISHED),
        ("closed", None, Recordable.CLOSED),
        ("closed", "draft", Recordable.CLOSED),
        ("closed", "returned", ""),  # a returned update may be corrected after its period closed
        ("closed", "submitted", Recordable.FINISHED),
        ("upcoming", None, Recordable.CLOSED),
    ],
)
def test_recordable_period(deliverable, strategy, status, state, refusal, django_assert_num_queries):
    period = factories.PeriodFactory(strategy=strategy, status=status)
    update = factories.ProgressUpdateFactory(deliverable=deliverable, period=period, state=state) if state else None
    recordable = selectors.recordable_period(deliverable=deliverable, period=period)
    assert (recordable.period, recordable.update, recordable.refusal) == (period, update, refusal)
    # The same answer from updates the caller has read already, without a query.
    read_already = [update] if update else []
    with django_assert_num_queries(0):
        assert selectors.recordable_period(deliverable=deliverable, period=period, updates=read_already) == recordable
    expected = {
        "": "",
        Recordable.FINISHED: f"The {period.label} update has been {state}.",
        Recordable.CLOSED: f"The reporting period {period.label} is not open for updates.",
    }[refusal]
    assert recordable.message == expected


def test_the_deliverable_page_offers_a_returned_update_before_the_open_period(deliverable, strategy, open_period):
    earlier = factories.PeriodFactory(
        strategy=strategy, label="Earlier", start_date="2026-04-01", end_date="2026-09-30", status="closed"
    )

    def offered():
        updates = list(deliverable.updates.order_by("-period__start_date"))
        return selectors.period_to_record(deliverable=deliverable, open_period=open_period, updates=updates)

    assert offered() == open_period
    returned = factories.ProgressUpdateFactory(deliverable=deliverable, period=earlier, state="returned")
    assert offered() == earlier
    returned.state = ProgressUpdate.State.ACCEPTED
    returned.save()
    factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period, state="submitted")
    assert offered() is None
    assert selectors.period_to_record(deliverable=deliverable, open_period=None, updates=[]) is None
