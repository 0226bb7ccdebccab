"""'Changes to this strategy': who changed what in the structure, periods and roles, when, before and after."""

import datetime as dt

import pytest
from django.urls import reverse

from aims.history import strategy_changes
from aims.links import strategy_links_set
from people import services as people_services
from tests import factories

pytestmark = pytest.mark.django_db


def _url(strategy, page=None):
    return reverse("aims:strategy_history", args=[strategy.slug]) + (f"?page={page}" if page else "")


def test_changes_are_listed_newest_first_with_who_and_before_and_after(client, strategy, lead, board_member):
    theme = factories.ThemeFactory(strategy=strategy, number=1, title="Customer access")
    deliverable = factories.DeliverableFactory(strategy=strategy, theme=theme, reference="CE-07",
                                               title="Chatbot pilot", due_date=dt.date(2026, 12, 31))  # fmt: skip
    deliverable._history_user = lead
    deliverable.title, deliverable.due_date = "Chatbot for council tax", dt.date(2027, 3, 31)
    deliverable.save()
    helper = factories.UserFactory(first_name="Jo", last_name="Helper")
    deliverable.contributors.add(helper)
    period = factories.PeriodFactory(strategy=strategy, label="Autumn")
    period.deadline = dt.date(2027, 2, 26)
    period.save()
    people_services.roles_change(strategy=strategy, person=board_member, roles=["board", "clerk"], by=lead)
    data_strategy = factories.StrategyFactory(organisation=strategy.organisation, title="Data Strategy")
    strategy_links_set(strategy=strategy, linked=[data_strategy], by=lead)

    changes = list(strategy_changes(strategy=strategy)[0:50])
    whats = [c.what for c in changes]
    assert whats[0] == f"Strategy {strategy.title}" and changes[0].note.endswith("to Data Strategy")
    assert f"Committee clerk role of {board_member.display_name}" in whats
    period_change = next(c for c in changes if c.what == "Reporting period Autumn" and c.action == "Changed")
    assert [(f.label, f.before, f.after) for f in period_change.fields] == [
        ("Update deadline", "31 March 2027", "26 February 2027")
    ]
    renamed = next(c for c in changes if c.fields and c.fields[0].label == "Title")
    assert renamed.what == "Deliverable CE-07: Chatbot for council tax" and renamed.who == lead.display_name
    assert [(f.label, f.before, f.after) for f in renamed.fields] == [
        ("Title", "“Chatbot pilot”", "“Chatbot for council tax”"),
        ("Due date", "31 December 2026", "31 March 2027"),
    ]
    contributors = next(c for c in changes if c.fields and c.fields[0].label == "Contributors")
    assert (contributors.fields[0].before, contributors.fields[0].after) == ("none", "Jo Helper")
    assert [c.when for c in changes] == sorted((c.when for c in changes), reverse=True)

    client.force_login(board_member)
    page = client.get(_url(strategy)).content.decode()
    assert "Changes to this strategy" in page and "Title: “Chatbot pilot” → “Chatbot for council tax”" in page


def test_the_page_is_paginated_with_the_same_number_of_queries_however_many_changes(
    client, strategy, lead, django_assert_max_num_queries
):
    theme = factories.ThemeFactory(strategy=strategy)
    for n in range(40):
        deliverable = factories.DeliverableFactory(strategy=strategy, theme=theme)
        factories.MilestoneFactory(deliverable=deliverable)
        deliverable.contributors.add(lead)
        deliverable.title = f"Renamed {n}"
        deliverable.save()
        factories.AimFactory(strategy=strategy)
    client.force_login(lead)
    with django_assert_max_num_queries(45):
        first = client.get(_url(strategy)).content.decode()
    with django_assert_max_num_queries(45):
        second = client.get(_url(strategy, 3)).content.decode()
    assert "Showing changes 1 to 25 of" in first and 'aria-label="Pages of changes"' in first
    assert "Showing changes 51 to 75 of" in second
    assert client.get(_url(strategy, "nonsense")).status_code == 200


def test_only_leads_and_board_members_see_the_changes(client, strategy, lead, board_member, officer, clerk, outsider):
    assert client.get(_url(strategy)).status_code == 302
    for person in (officer, clerk, outsider):
        client.force_login(person)
        assert client.get(_url(strategy)).status_code == 403
        assert _url(strategy) not in client.get(reverse("aims:strategy_detail", args=[strategy.slug])).content.decode()
    for person in (lead, board_member):
        client.force_login(person)
        assert client.get(_url(strategy)).status_code == 200
        assert _url(strategy) in client.get(reverse("aims:strategy_detail", args=[strategy.slug])).content.decode()
