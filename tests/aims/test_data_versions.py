"""Data versions key the cached pages (aims/data_versions.py): every change a page shows must raise the version
its body is keyed on, and nothing else should, so one officer's update does not evict every page of the strategy.

Most changes here are made straight on the models (factories, .save()), as a writer that does not say what it
changed would: the safety net (aims/signals.py) marks them. What a row cannot tell (a previous owner, a rename) is
changed through the portal's own write paths; tests/aims/test_freshness.py walks each of those without the net."""

import pytest
from django.test import Client
from django.urls import reverse

from aims.models import Deliverable, Strategy
from tests import factories
from tests.admin_forms import admin_post


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
    if change in DRAFT_ONLY:  # nothing the strategy's dashboard or figures show: it stays cached
        assert strategy_version(strategy) == strategy_before
    else:
        assert strategy_version(strategy) > strategy_before


# A draft saved again and evidence show on the deliverable's page only (aims/data_versions.py).
DRAFT_ONLY = {"update", "update_saved_again", "evidence"}


def test_a_draft_submitted_by_a_save_outside_the_services_raises_its_strategy(pair, strategy, open_period):
    """The safety net tells a draft saved again from one whose state changed, whoever saves it."""
    mine, _ = pair
    update = factories.ProgressUpdateFactory(deliverable=mine, period=open_period, rag_status="green")
    update = type(update).objects.get(pk=update.pk)
    before = strategy_version(strategy)
    update.state, update.percent_complete, update.achieved = "submitted", 20, "Done."
    update.save()
    assert strategy_version(strategy) > before


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
    aims.rules.visible_strategies for members, owners, contributors (also of withdrawn work) and superusers."""
    from aims import selectors
    from aims.rules import visible_strategies

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


def homes(*people):
    from accounts.models import User

    return {p.pk: User.objects.get(pk=p.pk).home_version for p in people}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, expected",
    [
        ("update_on_mine", {"officer", "contributor"}),
        ("update_on_someone_elses", {"other_officer"}),
        ("evidence_on_mine", {"officer", "contributor"}),
        ("handed_to_other_officer", {"officer", "other_officer", "contributor"}),
        ("contributor_removed", {"officer", "contributor"}),
        ("contributors_cleared", {"officer", "contributor"}),
        ("contributor_added", {"officer", "contributor", "other_officer"}),
        # the row is gone, so its strategy is raised as a whole (rare: deliverables are withdrawn, not deleted)
        ("deliverable_deleted", {"officer", "other_officer", "contributor", "board_member"}),
        ("role_given", {"bystander"}),
        ("role_removed", {"board_member"}),
        ("period_changed", {"officer", "other_officer", "contributor", "board_member"}),
        ("strategy_renamed", {"officer", "other_officer", "contributor", "board_member"}),
        ("council_renamed", {"officer", "other_officer", "contributor", "board_member"}),
        ("update_in_another_strategy", {"bystander"}),
    ],
)
def test_a_change_raises_the_home_version_of_exactly_those_whose_home_shows_it(
    change, expected, strategy, theme, open_period, officer, other_officer, board_member, other_strategy, client
):
    """The officer's home is keyed on User.home_version alone: a person whose home shows a change must see it
    at once, and nobody else's cached home should be evicted by it."""
    from accounts.models import Membership, Role

    contributor, bystander = factories.UserFactory(), factories.UserFactory()
    mine = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer)
    mine.contributors.add(contributor)
    update = factories.ProgressUpdateFactory(deliverable=mine, period=open_period)
    theirs = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=other_officer)
    elsewhere = factories.DeliverableFactory(theme=factories.ThemeFactory(strategy=other_strategy), owner=bystander)
    period_elsewhere = factories.PeriodFactory(strategy=other_strategy)
    people = {"officer": officer, "other_officer": other_officer, "contributor": contributor,
              "board_member": board_member, "bystander": bystander}  # fmt: skip
    before = homes(*people.values())
    if change == "update_on_mine":
        update.percent_complete = 70
        update.save()
    elif change == "update_on_someone_elses":
        factories.ProgressUpdateFactory(deliverable=theirs, period=open_period)
    elif change == "evidence_on_mine":
        factories.EvidenceFactory(update=update)
    elif change == "handed_to_other_officer":  # in the admin, which knows who owned it before
        client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
        admin_post(client, reverse("admin:aims_deliverable_change", args=[mine.pk]), owner=other_officer.pk)
    elif change == "contributor_removed":
        mine.contributors.remove(contributor)
    elif change == "contributors_cleared":
        mine.contributors.clear()
    elif change == "contributor_added":
        mine.contributors.add(other_officer)
    elif change == "deliverable_deleted":
        mine.delete()
    elif change == "role_given":
        factories.MembershipFactory(user=bystander, strategy=strategy, role=Role.BOARD)
    elif change == "role_removed":
        Membership.objects.filter(user=board_member).delete()
    elif change == "period_changed":
        open_period.deadline = open_period.end_date
        open_period.save()
    elif change == "strategy_renamed":
        strategy.title = "Renamed strategy"
        strategy.save()
    elif change == "council_renamed":
        strategy.organisation.name = "Renamed Council"
        strategy.organisation.save()
    elif change == "update_in_another_strategy":
        factories.ProgressUpdateFactory(deliverable=elsewhere, period=period_elsewhere)
    after = homes(*people.values())
    assert {name for name, p in people.items() if after[p.pk] > before[p.pk]} == expected


@pytest.mark.django_db
def test_saving_a_stale_user_never_moves_their_home_version_back(officer, strategy, theme):
    from accounts.models import User

    stale = User.objects.get(pk=officer.pk)
    factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer)
    raised_to = User.objects.get(pk=officer.pk).home_version
    stale.job_title = "Saved from an old copy"
    stale.save()
    assert User.objects.get(pk=officer.pk).home_version == raised_to
    assert stale.home_version == raised_to  # a number again after the save, as request.user keys the home page


@pytest.mark.django_db
def test_officer_home_from_cache_needs_no_query_of_its_own(
    client, pair, open_period, officer, strategy, django_assert_num_queries
):
    """A cached home costs what any signed-in page costs (session, user, roles): the user row keys it. A role
    given elsewhere shows at once."""
    client.force_login(officer)
    home = reverse("home")
    client.get(home)
    with django_assert_num_queries(3):
        assert client.get(home).status_code == 200
    factories.MembershipFactory(user=officer, strategy=factories.StrategyFactory(title="A second strategy"))
    assert "A second strategy" in client.get(home).content.decode()


@pytest.mark.django_db
def test_administrators_home_shows_a_new_strategy_at_once(client):
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    client.get(reverse("home"))
    factories.StrategyFactory(title="Brand new strategy")
    assert "Brand new strategy" in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_a_renamed_person_shows_under_the_new_name_at_once(client, strategy, theme, officer, other_officer):
    """Names appear in cached bodies (here a contributor's home names the owner): a rename reaches them at once,
    while signing in (which saves last_login) changes nothing."""
    officer.first_name, officer.last_name = "Ada", "Lovelace"
    officer.save()
    mine = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer)
    mine.contributors.add(other_officer)
    client.force_login(other_officer)
    assert "owner: Ada Lovelace" in client.get(reverse("home")).content.decode()
    assert "Ada Lovelace" in client.get(reverse("aims:deliverable_detail", args=[mine.pk])).content.decode()

    before = homes(other_officer), versions(mine)
    officer.save(update_fields=["last_login"])
    admin = Client()  # people are renamed by an administrator, in the admin
    admin.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    change = reverse("admin:accounts_user_change", args=[officer.pk])
    admin_post(admin, change)  # saved unchanged
    assert (homes(other_officer), versions(mine)) == before

    admin_post(admin, change, last_name="King")
    assert "owner: Ada King" in client.get(reverse("home")).content.decode()
    assert "Ada King" in client.get(reverse("aims:deliverable_detail", args=[mine.pk])).content.decode()


@pytest.mark.django_db
def test_version_bumps_lock_strategies_then_deliverables_then_people(pair, strategy, open_period):
    """One lock order for every bump, so a progress save and a strategy-wide change made at the same moment
    cannot deadlock each other."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core import freshness

    def both():
        with freshness.atomic():
            freshness.mark(people=[pair[1].owner_id])
            freshness.mark(deliverables=[pair[0].pk])
            freshness.mark(strategy_wide=[strategy.pk])

    for bump in (
        lambda: freshness.mark(deliverables=[pair[0].pk]),
        lambda: freshness.mark(strategy_wide=[strategy.pk]),
        both,
    ):
        with CaptureQueriesContext(connection) as ctx:
            bump()
        tables = [q["sql"].split('"')[1] for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
        assert tables == ["aims_strategy", "aims_deliverable", "accounts_user"]
