import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_sign_in_page_is_public(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Sign in" in response.content.decode()


@pytest.mark.parametrize("name", ["home", "aims:strategy_list"])
def test_lists_need_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_strategy_list_shows_only_the_persons_strategies(client, strategy, other_strategy, lead):
    client.force_login(lead)
    page = client.get(reverse("aims:strategy_list")).content.decode()
    assert strategy.title in page
    assert other_strategy.title not in page


def test_officer_sees_strategies_where_they_own_work_without_a_membership(client, other_strategy, deliverable):
    from tests import factories

    theme = factories.ThemeFactory(strategy=other_strategy)
    factories.DeliverableFactory(strategy=other_strategy, theme=theme, owner=deliverable.owner)
    client.force_login(deliverable.owner)
    page = client.get(reverse("aims:strategy_list")).content.decode()
    assert other_strategy.title in page


def test_strategy_detail_anonymous_wrong_role_right_role(client, strategy, outsider, board_member):
    url = reverse("aims:strategy_detail", args=[strategy.slug])
    assert client.get(url).status_code == 302
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.force_login(board_member)
    response = client.get(url)
    assert response.status_code == 200
    assert strategy.title in response.content.decode()


def test_unknown_strategy_is_not_found(client, lead):
    client.force_login(lead)
    assert client.get(reverse("aims:strategy_detail", args=["no-such-strategy"])).status_code == 404


def test_a_submitted_update_without_its_time_never_reads_submitted_on_nothing(client, deliverable, open_period):
    """Updates submitted before the time was recorded (or entered by import) said "submitted for review on ."."""
    factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period, state="submitted", submitted_at=None)
    client.force_login(deliverable.owner)
    page = " ".join(client.get(reverse("aims:deliverable_detail", args=[deliverable.pk])).content.decode().split())
    assert "update was submitted for review. It cannot be changed" in page
    assert "on ." not in page
