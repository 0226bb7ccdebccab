"""Linked strategies: a strategy names the other strategies of its council it is linked to, both ways, with history."""

import pytest
from django.urls import reverse

from aims.links import strategy_links_set
from core.errors import DomainError
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def sibling(strategy):
    return factories.StrategyFactory(organisation=strategy.organisation, title="Data Strategy 2025-28")


def test_a_link_goes_both_ways_and_is_in_both_histories(strategy, sibling, lead):
    strategy_links_set(strategy=strategy, linked=[sibling], by=lead)
    assert list(strategy.linked_strategies.all()) == [sibling]
    assert list(sibling.linked_strategies.all()) == [strategy]
    mine, theirs = strategy.history.first(), sibling.history.first()
    assert mine.history_change_reason == "Linked strategies changed from none to Data Strategy 2025-28"
    assert theirs.history_change_reason == f"Linked to {strategy.title}" and theirs.history_user == lead

    strategy_links_set(strategy=strategy, linked=[], by=lead)
    assert not sibling.linked_strategies.exists()
    assert sibling.history.first().history_change_reason == f"No longer linked to {strategy.title}"


def test_saving_the_same_links_writes_no_history(strategy, sibling, lead):
    strategy_links_set(strategy=strategy, linked=[sibling], by=lead)
    count = strategy.history.count()
    assert strategy_links_set(strategy=strategy, linked=[sibling], by=lead) == (set(), set())
    assert strategy.history.count() == count


def test_another_councils_strategy_cannot_be_linked(strategy, other_strategy, lead):
    with pytest.raises(DomainError, match="belongs to another council"):
        strategy_links_set(strategy=strategy, linked=[other_strategy], by=lead)
    assert not strategy.linked_strategies.exists()
    with pytest.raises(DomainError, match="itself"):
        strategy_links_set(strategy=strategy, linked=[strategy], by=lead)


def test_the_lead_links_strategies_on_their_page(client, strategy, sibling, lead, board_member, outsider):
    url = reverse("aims:linked_strategies", args=[strategy.slug])
    other_council = factories.StrategyFactory(title="Someone else's strategy")

    assert client.get(url).status_code == 302  # anonymous: to sign in
    for person in (board_member, outsider):
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert client.post(url, {"linked": [sibling.pk]}).status_code == 403
    assert not strategy.linked_strategies.exists()

    client.force_login(lead)
    page = client.get(url).content.decode()
    assert sibling.title in page and other_council.title not in page and strategy.title in page
    response = client.post(url, {"linked": [other_council.pk]})
    assert "Select one of the council" in response.content.decode() and not strategy.linked_strategies.exists()
    response = client.post(url, {"linked": [sibling.pk]})
    assert response.status_code == 302
    detail = client.get(reverse("aims:strategy_detail", args=[strategy.slug])).content.decode()
    assert f'href="/strategies/{sibling.slug}/">{sibling.title}</a>' in detail
    assert reverse("aims:linked_strategies", args=[strategy.slug]) in detail


def test_a_strategy_alone_in_its_council_says_there_is_nothing_to_link(client, strategy, lead):
    client.force_login(lead)
    page = client.get(reverse("aims:linked_strategies", args=[strategy.slug])).content.decode()
    assert "has no other strategy in the portal yet" in page
    detail = client.get(reverse("aims:strategy_detail", args=[strategy.slug])).content.decode()
    assert "Linked strategies" in detail
