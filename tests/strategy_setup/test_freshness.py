"""The setup services say what they changed (core/freshness.py): with the safety net off, each raises exactly the
data versions of what it changed, so no cached page shows a deliverable or period as it was."""

import datetime as dt

import pytest

from aims import deliverable_setup, periods
from aims.models import Deliverable
from tests import factories
from tests.aims.test_freshness import handed_over, mine_changed, no_safety_net, rose, snapshot, strategy_wide, world  # noqa: F401

pytestmark = pytest.mark.django_db


def _answers(w, deliverable, **changes):
    values = {
        "reference": deliverable.reference,
        "title": deliverable.title,
        "theme": w.theme,
        "owner": deliverable.owner,
    }
    return deliverable_setup.DeliverableAnswers(**(values | changes))


def owner_changed(w):
    return lambda: deliverable_setup.deliverable_update(
        deliverable=w.mine, answers=_answers(w, w.mine, owner=w.other_officer)
    )


def created(w):
    answers = deliverable_setup.DeliverableAnswers(reference="NEW-1", title="New", theme=w.theme, owner=w.officer)
    return lambda: deliverable_setup.deliverable_create(strategy=w.strategy, answers=answers)


def added_to_officer(w):
    return {"strategies": {w.strategy.pk}, "deliverables": set(), "people": {w.officer.pk}}


def removed_theirs(w):
    return {"strategies": {w.strategy.pk}, "deliverables": set(), "people": {w.other_officer.pk}}


def _upcoming(w):
    return factories.PeriodFactory(
        strategy=w.strategy, label="April to September 2027", start_date=dt.date(2027, 4, 1),
        end_date=dt.date(2027, 9, 30), deadline=dt.date(2027, 9, 30), status="upcoming",
    )  # fmt: skip


def opened_next(w):
    _upcoming(w)
    w.period.status = "closed"
    w.period.save()
    return lambda: periods.reporting_period_open_next(strategy=w.strategy)


CASES = {
    "deliverable_created": (created, added_to_officer),
    "deliverable_owner_changed": (owner_changed, handed_over),
    "deliverable_withdrawn": (
        lambda w: lambda: deliverable_setup.deliverable_withdraw(deliverable=w.mine),
        mine_changed,
    ),
    "deliverable_removed": (
        lambda w: lambda: deliverable_setup.deliverable_remove(deliverable=w.theirs),
        removed_theirs,
    ),
    "milestone_added": (
        lambda w: lambda: deliverable_setup.milestone_add(deliverable=w.mine, title="Step", due_date=None),
        mine_changed,
    ),
    "period_changed": (
        lambda w: lambda: periods.reporting_period_change(period=w.period, label="Winter", deadline=w.period.deadline),
        strategy_wide,
    ),
    "period_closed": (lambda w: lambda: periods.reporting_period_close(period=w.period), strategy_wide),
    "period_opened": (opened_next, strategy_wide),
    "periods_added": (lambda w: lambda: periods.reporting_periods_add_missing(strategy=w.strategy), strategy_wide),
}


@pytest.mark.parametrize("name", CASES)
def test_every_setup_service_marks_what_it_changed(name, world, no_safety_net):  # noqa: F811
    prepare, expected = CASES[name]
    act = prepare(world)
    before = snapshot()
    act()
    assert rose(before) == expected(world)
    assert Deliverable.objects.filter(pk=world.mine.pk).exists()
