"""Each role signs in and lands on its own work (axe on every home, and the 320 px check once helpers has it)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import sign_in
from tests.factories import PASSWORD
from tests.reports.test_home import report_with_versions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def work(strategy, theme, open_period, officer, clerk):
    late = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, title="Publish open data",
                                        due_date=dt.date(2026, 11, 1))  # fmt: skip
    other = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, title="New website")
    factories.ProgressUpdateFactory(deliverable=other, period=open_period, state="submitted",
                                    submitted_at=timezone.now() - dt.timedelta(days=3, hours=1))  # fmt: skip
    report_with_versions(strategy, open_period, clerk, "Digital strategy progress, autumn", ["ready"])
    return late


@pytest.mark.parametrize(
    ("who", "heading", "sees"),
    [
        ("officer", "Your deliverables", "Overdue"),
        ("board_member", "Updates to review", "Waiting 3 days"),
        ("clerk", "Progress reports", "Digital strategy progress, autumn"),
        ("lead", "Your strategies", "Strategy lead"),
    ],
)
def test_each_role_lands_on_its_own_work(page, live_server, request, work, who, heading, sees):
    person = request.getfixturevalue(who)
    sign_in(page, live_server, person.username, PASSWORD, name=f"home-{who}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("main")).to_contain_text(sees)
    expect(page.get_by_role("main")).not_to_contain_text("You do not own")
