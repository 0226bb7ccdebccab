"""The Reporting periods setup pages: permissions three ways, the deadline's bounds, close and open with their
confirmation pages and banners."""

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def _url(name, strategy, *args):
    return reverse(f"strategy_setup:{name}", args=[strategy.slug, *args])


def test_generate_is_for_the_strategy_lead_only(client, strategy, officer, lead, outsider):
    url = _url("period_generate", strategy)
    assert client.post(url)["Location"].startswith(reverse("login"))
    for refused in (officer, outsider):
        client.force_login(refused)
        assert client.post(url).status_code == 403
    assert not strategy.periods.exists()
    client.force_login(lead)
    page = client.get(_url("period_list", strategy)).content.decode()
    assert "Generate reporting periods" in page
    page = client.post(url, follow=True).content.decode()
    assert "6 reporting periods were added." in page and "April to September 2025" in page
    page = client.post(url, follow=True).content.decode()
    assert "No reporting periods were missing" in page and "Add missing reporting periods" in page
    assert client.get(url).status_code == 405


@pytest.mark.parametrize(
    "deadline, message",
    [
        (("", "", ""), "Enter the update deadline"),
        (("30", "2", "2027"), "The update deadline must be a real date"),
        (("1", "9", "2026"), "The update deadline must be on or after the day the period starts"),
        (("1", "1", "2028"), "The update deadline must be no later than 1 July 2027"),
        (("1", "1", "27"), "must be a year between 2000 and 2100"),
        (("a", "b", "c"), "The update deadline must be a real date, in numbers"),
    ],
)
def test_a_bad_deadline_is_named_in_the_error_summary(client, strategy, open_period, lead, deadline, message):
    client.force_login(lead)
    data = {"label": "Winter", "deadline_0": deadline[0], "deadline_1": deadline[1], "deadline_2": deadline[2]}
    response = client.post(_url("period_change", strategy, open_period.pk), data)
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page and message in page
    open_period.refresh_from_db()
    assert open_period.label == "October 2026 to March 2027"


@pytest.mark.parametrize(
    "label, message",
    [("", "Enter the period&#x27;s label"), ("   ", "Enter the period&#x27;s label"),
     ("x" * 101, "The label must be 100 characters or fewer")],
)  # fmt: skip
def test_a_bad_label_is_named_in_the_error_summary(client, strategy, open_period, lead, label, message):
    client.force_login(lead)
    data = {"label": label, "deadline_0": "31", "deadline_1": "3", "deadline_2": "2027"}
    page = client.post(_url("period_change", strategy, open_period.pk), data).content.decode()
    assert "There is a problem" in page and message in page


def test_change_a_period_s_label_and_deadline(client, strategy, open_period, lead):
    client.force_login(lead)
    data = {"label": "Winter 2026", "deadline_0": "14", "deadline_1": "4", "deadline_2": "2027"}
    page = client.post(_url("period_change", strategy, open_period.pk), data, follow=True).content.decode()
    assert "Winter 2026 was changed." in page and "14 April 2027" in page
    assert "update deadline from 31 March 2027 to 14 April 2027" in page  # the change history on the page


def test_close_early_through_the_confirmation_page(client, strategy, open_period, deliverable, lead):
    client.force_login(lead)
    url = _url("period_close", strategy, open_period.pk)
    page = client.get(url).content.decode()
    assert "Are you sure you want to close October 2026 to March 2027 early?" in page
    assert "officers can no longer record progress for it" in page and "0 of 1 active deliverables" in page
    page = client.post(url, follow=True).content.decode()
    assert "October 2026 to March 2027 is closed. Officers can no longer record progress for it" in page
    open_period.refresh_from_db()
    assert open_period.status == "closed"
    response = client.post(url)  # a second lead's stale page
    assert response.status_code == 409 and "is not open" in response.content.decode()


def test_open_next_through_the_confirmation_page(client, strategy, open_period, lead):
    upcoming = factories.PeriodFactory(
        strategy=strategy, label="April to September 2027", start_date=dt.date(2027, 4, 1),
        end_date=dt.date(2027, 9, 30), deadline=dt.date(2027, 10, 14), status="upcoming",
    )  # fmt: skip
    client.force_login(lead)
    url = _url("period_open_next", strategy)
    response = client.post(url)
    assert response.status_code == 409 and "is still open: close it before" in response.content.decode()
    open_period.status = "closed"
    open_period.save()
    page = client.get(url).content.decode()
    assert "Are you sure you want to open April to September 2027?" in page and "14 October 2027" in page
    page = client.post(url, follow=True).content.decode()
    assert "April to September 2027 is open." in page
    upcoming.refresh_from_db()
    assert upcoming.status == "open"


def test_a_period_of_another_strategy_is_not_found(client, strategy, other_strategy, lead):
    other = factories.PeriodFactory(strategy=other_strategy)
    client.force_login(lead)
    assert client.get(_url("period_change", strategy, other.pk)).status_code == 404
    assert client.post(_url("period_close", strategy, other.pk)).status_code == 404
