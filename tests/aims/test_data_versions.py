"""Data versions key the cached pages (aims/signals.py): every change a page shows must raise the version its
body is keyed on, and nothing else should, so one officer's update does not evict every page of the strategy."""

import pytest
from django.urls import reverse

from aims.models import Deliverable, Strategy
from tests import factories


def versions(*deliverables):
    return {d.pk: Deliverable.objects.get(pk=d.pk).data_version for d in deliverables}


def strategy_version(strategy):
    return Strategy.objects.get(pk=strategy.pk).data_version


@pytest.fixture
def pair(strategy, theme, officer):
    return (
        factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer),
        factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer),
    )


def raised(before: dict, after: dict) -> set:
    return {pk for pk in before if after[pk] > before[pk]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        "update",
        "update_saved_again",
        "evidence",
        "milestone",
        "principle_link",
        "contributor_added",
        "contributor_removed",
        "deliverable_saved",
    ],
)
def test_a_change_to_one_deliverable_raises_its_version_and_its_strategys_only(
    change, pair, strategy, open_period, other_officer
):
    mine, other = pair
    update = factories.ProgressUpdateFactory(deliverable=mine, period=open_period)
    mine.contributors.add(other_officer)
    principle = factories.PrincipleFactory(strategy=strategy)  # a new principle is a strategy-wide change
    before, strategy_before = versions(mine, other), strategy_version(strategy)
    if change == "update":
        update.percent_complete = 60
        update.save()
    elif change == "update_saved_again":
        update.save()
        update.save()
    elif change == "evidence":
        factories.EvidenceFactory(update=update)
    elif change == "milestone":
        factories.MilestoneFactory(deliverable=mine)
    elif change == "principle_link":
        factories.DeliverablePrincipleFactory(deliverable=mine, principle=principle)
    elif change == "contributor_added":
        mine.contributors.add(factories.UserFactory())
    elif change == "contributor_removed":
        mine.contributors.remove(other_officer)
    elif change == "deliverable_saved":
        mine.title = "Renamed"
        mine.save()
    assert raised(before, versions(mine, other)) == {mine.pk}
    assert strategy_version(strategy) > strategy_before


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["aim", "theme", "period", "principle", "strategy", "theme_aims"])
def test_a_strategy_wide_change_raises_every_deliverable_of_that_strategy(change, pair, strategy, theme, open_period,
                                                                          other_strategy):  # fmt: skip
    elsewhere = factories.DeliverableFactory(theme=factories.ThemeFactory(strategy=other_strategy))
    before = versions(*pair, elsewhere)
    if change == "aim":
        factories.AimFactory(strategy=strategy)
    elif change == "theme":
        theme.title = "Renamed theme"
        theme.save()
    elif change == "period":
        open_period.deadline = open_period.end_date
        open_period.save()
    elif change == "principle":
        factories.PrincipleFactory(strategy=strategy)
    elif change == "strategy":
        strategy.title = "Renamed strategy"
        strategy.save()
    elif change == "theme_aims":
        theme.aims.add(factories.AimFactory(strategy=strategy))
    assert raised(before, versions(*pair, elsewhere)) == {pair[0].pk, pair[1].pk}


@pytest.mark.django_db
def test_saving_a_stale_instance_never_moves_a_version_back(pair, open_period):
    mine, _ = pair
    stale = Deliverable.objects.get(pk=mine.pk)
    factories.MilestoneFactory(deliverable=mine)
    factories.MilestoneFactory(deliverable=mine)
    raised_to = Deliverable.objects.get(pk=mine.pk).data_version
    stale.title = "Saved from an old copy"
    stale.save()
    assert Deliverable.objects.get(pk=mine.pk).data_version > raised_to


@pytest.mark.django_db
def test_deliverable_page_is_served_from_cache_after_another_deliverables_update(
    client, pair, open_period, officer, django_assert_max_num_queries
):
    mine, other = pair
    client.force_login(officer)
    url = reverse("aims:deliverable_detail", args=[mine.pk])
    client.get(url)
    factories.ProgressUpdateFactory(deliverable=other, period=open_period, achieved="Elsewhere")
    with django_assert_max_num_queries(6):  # from the cache: session, user, deliverable, access checks
        assert client.get(url).status_code == 200
    factories.ProgressUpdateFactory(deliverable=mine, period=open_period, achieved="Mine moved on")
    assert "Mine moved on" in client.get(url).content.decode()


@pytest.mark.django_db
def test_officer_home_shows_a_change_to_their_deliverable_at_once_and_ignores_others(
    client, pair, open_period, officer, other_officer, theme, strategy, django_assert_max_num_queries
):
    mine, _ = pair
    someone_elses = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=other_officer)
    client.force_login(officer)
    home = reverse("home")
    assert "Not started" in client.get(home).content.decode()
    factories.ProgressUpdateFactory(deliverable=someone_elses, period=open_period)
    with django_assert_max_num_queries(7):  # from the cache
        client.get(home)
    factories.ProgressUpdateFactory(deliverable=mine, period=open_period, state="submitted")
    page = client.get(home).content.decode()
    assert "Submitted" in page


@pytest.mark.django_db
def test_header_names_the_council_only_while_the_portal_holds_one(client, strategy, officer):
    client.force_login(officer)
    name = strategy.organisation.name
    header = f'<span class="app-header__organisation">{name}</span>'
    assert header in client.get(reverse("accessibility")).content.decode()
    factories.OrganisationFactory(name="Another Council")  # clears the cached name at once
    assert 'class="app-header__organisation"' not in client.get(reverse("accessibility")).content.decode()


@pytest.mark.django_db
def test_home_strategies_are_exactly_the_visible_strategies(strategy, other_strategy, theme, officer, outsider):
    """The home reads the strategies from roles and deliverables it has loaded anyway: it must agree with
    accounts.rules.visible_strategies for members, owners, contributors (also of withdrawn work) and superusers."""
    from accounts.rules import visible_strategies
    from aims import selectors

    third = factories.StrategyFactory()
    contributor, withdrawn_owner, nobody = factories.UserFactory(), factories.UserFactory(), factories.UserFactory()
    factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer).contributors.add(contributor)
    factories.DeliverableFactory(theme=factories.ThemeFactory(strategy=third), owner=withdrawn_owner, is_active=False)
    admin = factories.UserFactory(is_superuser=True)
    for person in (officer, outsider, contributor, withdrawn_owner, nobody, admin):
        versions = selectors.officer_deliverable_versions(user=person)
        shown = {s.pk for s in selectors.home_strategies(user=person, versions=versions)}
        assert shown == set(visible_strategies(person).values_list("pk", flat=True)), person.username
    assert {s.pk for s in selectors.home_strategies(user=withdrawn_owner, versions=[])} == set()
