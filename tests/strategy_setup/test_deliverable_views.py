"""The Deliverables setup pages: permissions three ways, bad input shown in the error summary, the list's queries."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from accounts.models import Role
from aims.models import Deliverable
from tests import factories

pytestmark = pytest.mark.django_db


def _url(name, strategy, *args):
    return reverse(f"strategy_setup:{name}", args=[strategy.slug, *args])


def _post_data(theme, owner, **changes):
    data = {
        "reference": "DS-01", "title": "New website", "description": "", "expected_outcome": "", "theme": theme.pk,
        "owner": owner.pk, "lead_service": "ICT", "weight": "1", "start_date_0": "1", "start_date_1": "5",
        "start_date_2": "2025", "due_date_0": "", "due_date_1": "", "due_date_2": "",
    }  # fmt: skip
    return data | changes


def test_add_is_for_the_strategy_lead_only(client, strategy, theme, officer, lead, outsider):
    url = _url("deliverable_add", strategy)
    response = client.post(url, _post_data(theme, officer))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for refused in (officer, outsider):  # wrong role; a lead of another strategy
        client.force_login(refused)
        assert client.post(url, _post_data(theme, officer)).status_code == 403
    assert not Deliverable.objects.exists()
    client.force_login(lead)
    response = client.post(url, _post_data(theme, officer))
    deliverable = Deliverable.objects.get()
    assert response["Location"] == _url("deliverable_milestones", strategy, deliverable.pk)
    assert deliverable.start_date == dt.date(2025, 5, 1) and deliverable.due_date is None
    page = client.get(response["Location"]).content.decode()
    assert "DS-01 New website was added. Add its milestones." in page


def test_a_superuser_may_set_up_any_strategy(client, strategy, theme, officer):
    client.force_login(factories.UserFactory(username="root", is_superuser=True))
    assert client.get(_url("deliverable_list", strategy)).status_code == 200


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"reference": ""}, "Enter a reference"),
        ({"title": ""}, "Enter the deliverable&#x27;s title"),
        ({"owner": ""}, "Choose an owner"),
        ({"start_date_2": ""}, "Enter the year of the start date"),
        ({"start_date_1": "13"}, "The start date must be a real date"),
        ({"start_date_1": "x"}, "The start date must be a real date, in numbers"),
        (
            {"due_date_0": "1", "due_date_1": "4", "due_date_2": "2025"},
            "The due date must be on or after the start date",
        ),
        ({"weight": "0"}, "The weight must be more than 0"),
        ({"weight": "lots"}, "The weight must be a number"),
        ({"theme": "999999"}, "Choose a theme from the list"),
        ({"theme": "abc"}, "Choose a theme from the list"),
        ({"owner": "abc"}, "Choose an owner from the list"),
        ({"weight": "NaN"}, "The weight must be a number"),
        ({"weight": "1e9"}, "The weight must be 9999 or less"),
        ({"weight": "1.234"}, "The weight can have at most 2 decimal places"),
        ({"start_date_2": "99999"}, "The start date must be a real date"),
        ({"start_date_2": "1999"}, "The start date must be a year between 2000 and 2100"),
        ({"start_date_0": "0"}, "The start date must be a real date"),
        ({"reference": "R" * 31}, "The reference must be 30 characters or fewer"),
        ({"contributors": ["abc"]}, "Choose contributors from the list"),
    ],
)
def test_bad_answers_are_named_in_the_error_summary(client, strategy, theme, officer, lead, changes, message):
    client.force_login(lead)
    response = client.post(_url("deliverable_add", strategy), _post_data(theme, officer) | changes)
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page and message in page
    assert page.count(message) >= 2, "in the summary and by the field"
    assert not Deliverable.objects.exists()


def test_an_owner_without_a_role_in_the_strategy_is_refused(client, strategy, theme, lead, outsider):
    client.force_login(lead)
    response = client.post(_url("deliverable_add", strategy), _post_data(theme, outsider))
    assert "Choose an owner from the list: only people with a role in this strategy" in response.content.decode()
    assert not Deliverable.objects.exists()


def test_a_reference_already_used_is_refused_by_the_field(client, strategy, theme, deliverable, officer, lead):
    client.force_login(lead)
    response = client.post(
        _url("deliverable_add", strategy), _post_data(theme, officer, reference=deliverable.reference.lower())
    )
    page = response.content.decode()
    assert f"Another deliverable in this strategy has the reference {deliverable.reference.lower()}" in page
    assert 'href="#id_reference"' in page


def test_the_owner_picker_is_a_plain_select_of_the_strategy_s_people(client, strategy, theme, officer, lead, outsider):
    client.force_login(lead)
    page = client.get(_url("deliverable_add", strategy)).content.decode()
    assert '<select name="owner"' in page and 'data-autocomplete="person"' in page
    assert f'value="{officer.pk}"' in page and f'value="{outsider.pk}"' not in page
    assert "vendor/accessible-autocomplete/accessible-autocomplete.min.js" in page


def test_change_keeps_progress_when_the_owner_changes(client, strategy, theme, deliverable, open_period,
                                                      other_officer, lead):  # fmt: skip
    update = factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period)
    client.force_login(lead)
    data = _post_data(theme, other_officer, reference=deliverable.reference, title=deliverable.title)
    response = client.post(_url("deliverable_change", strategy, deliverable.pk), data)
    assert response.status_code == 302
    deliverable.refresh_from_db()
    assert deliverable.owner == other_officer and deliverable.updates.get() == update


def test_withdraw_through_its_confirmation_page(client, strategy, deliverable, lead):
    client.force_login(lead)
    url = _url("deliverable_withdraw", strategy, deliverable.pk)
    assert "Are you sure you want to withdraw this deliverable?" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "was withdrawn: it no longer counts" in response.content.decode()
    deliverable.refresh_from_db()
    assert not deliverable.is_active
    assert client.post(url).status_code == 409
    assert "Reinstate" in client.get(_url("deliverable_list", strategy)).content.decode()


def test_remove_is_refused_with_the_reason_where_progress_exists(client, strategy, deliverable, open_period, lead):
    factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period)
    client.force_login(lead)
    url = _url("deliverable_remove", strategy, deliverable.pk)
    page = client.get(url).content.decode()
    assert f"You cannot remove {deliverable.reference}" in page and "Withdraw it instead" in page
    assert client.post(url).status_code == 409
    assert Deliverable.objects.filter(pk=deliverable.pk).exists()


def test_a_deliverable_of_another_strategy_is_not_found(client, strategy, other_strategy, lead):
    other = factories.DeliverableFactory(theme=factories.ThemeFactory(strategy=other_strategy))
    client.force_login(lead)
    assert client.get(_url("deliverable_change", strategy, other.pk)).status_code == 404


def test_milestones_are_added_one_after_another_without_javascript(client, strategy, deliverable, lead):
    client.force_login(lead)
    url = _url("deliverable_milestones", strategy, deliverable.pk)
    for title in ("Supplier chosen", "Site live"):
        response = client.post(url, {"title": title, "due_date_0": "", "due_date_1": "", "due_date_2": ""})
        assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Supplier chosen" in page and "Site live" in page and "Add another milestone" in page
    response = client.post(url, {"title": "", "due_date_0": "31", "due_date_1": "2", "due_date_2": "2026"})
    page = response.content.decode()
    assert "Enter the milestone" in page and "The milestone&#x27;s due date must be a real date" in page


def test_the_list_reads_a_fixed_number_of_queries(client, strategy, lead, django_assert_max_num_queries):
    themes = [factories.ThemeFactory(strategy=strategy) for _ in range(5)]
    owners = [factories.MembershipFactory(strategy=strategy, role=Role.OFFICER).user for _ in range(10)]
    for n in range(50):
        deliverable = factories.DeliverableFactory(strategy=strategy, theme=themes[n % 5], owner=owners[n % 10])
        factories.MilestoneFactory(deliverable=deliverable)
    client.force_login(lead)
    with django_assert_max_num_queries(12):
        page = client.get(_url("deliverable_list", strategy)).content.decode()
    assert page.count("Withdraw<span") == 50


def test_saving_keeps_a_contributor_an_import_named_without_a_role(client, strategy, theme, deliverable, lead):
    guest = factories.UserFactory(username="guest", first_name="Gail", last_name="Guest")  # no role in the strategy
    deliverable.contributors.add(guest)
    client.force_login(lead)
    url = _url("deliverable_change", strategy, deliverable.pk)
    page = client.get(url).content.decode()
    assert re.search(rf'name="contributors"[^>]*value="{guest.pk}"\s*checked', page), "shown ticked"
    data = _post_data(theme, deliverable.owner, reference=deliverable.reference) | {"contributors": [guest.pk]}
    assert client.post(url, data).status_code == 302
    assert list(deliverable.contributors.all()) == [guest]
    # Someone new without a role is still refused.
    stranger = factories.UserFactory(username="stranger")
    data["contributors"] = [guest.pk, stranger.pk]
    assert "Choose contributors from the list" in client.post(url, data).content.decode()


def test_an_owner_change_is_in_the_deliverable_s_change_history(client, strategy, theme, deliverable, other_officer,
                                                                lead):  # fmt: skip
    client.force_login(lead)
    data = _post_data(theme, other_officer, reference=deliverable.reference, title=deliverable.title)
    client.post(_url("deliverable_change", strategy, deliverable.pk), data)
    page = client.get(reverse("aims:deliverable_detail", args=[deliverable.pk])).content.decode()
    history = page[page.index("Change history") :]
    assert "Owner" in history and str(other_officer) in history and "1 May 2025" in history, history[:3000]
