"""The deliverable setup services (aims.deliverable_setup): who may own, references, withdrawal, removal."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import Role
from aims import deliverable_setup as services
from aims.models import Deliverable, Milestone
from core.errors import DomainError
from principles.models import DeliverablePrinciple
from tests import factories

pytestmark = pytest.mark.django_db


def _answers(theme, owner, **changes):
    values = {"reference": "DS-01", "title": "New website", "theme": theme, "owner": owner} | changes
    return services.DeliverableAnswers(**values)


def test_create_writes_every_answer_with_principles_and_notes(strategy, theme, officer, other_officer):
    principle = factories.PrincipleFactory(strategy=strategy, title="Digital for all")
    answers = _answers(
        theme, officer, description="Replace the site", expected_outcome="Residents find things",
        contributors=[other_officer], lead_service="Customer Services", start_date=dt.date(2025, 5, 1),
        due_date=dt.date(2026, 3, 31), weight=Decimal("2.5"), principles={principle.pk: "Plain English throughout"},
    )  # fmt: skip
    deliverable = services.deliverable_create(strategy=strategy, answers=answers)
    deliverable.refresh_from_db()
    assert (deliverable.reference, deliverable.owner, deliverable.weight) == ("DS-01", officer, Decimal("2.50"))
    assert list(deliverable.contributors.all()) == [other_officer]
    assert DeliverablePrinciple.objects.get(deliverable=deliverable).note == "Plain English throughout"


def test_owner_and_contributors_must_have_a_role_in_the_strategy(strategy, theme, officer, outsider):
    with pytest.raises(DomainError, match="has no role in this strategy: choose an owner"):
        services.deliverable_create(strategy=strategy, answers=_answers(theme, outsider))
    with pytest.raises(DomainError, match="choose contributors who have one"):
        services.deliverable_create(strategy=strategy, answers=_answers(theme, officer, contributors=[outsider]))
    assert not Deliverable.objects.exists()


def test_the_reference_is_unique_in_the_strategy_whatever_its_case(strategy, theme, officer, other_strategy):
    services.deliverable_create(strategy=strategy, answers=_answers(theme, officer))
    with pytest.raises(DomainError, match="Another deliverable in this strategy has the reference ds-01"):
        services.deliverable_create(strategy=strategy, answers=_answers(theme, officer, reference="ds-01"))
    # Another strategy may use it.
    other_theme = factories.ThemeFactory(strategy=other_strategy)
    other_owner = factories.MembershipFactory(strategy=other_strategy, role=Role.OFFICER).user
    services.deliverable_create(strategy=other_strategy, answers=_answers(other_theme, other_owner))
    assert Deliverable.objects.filter(reference="DS-01").count() == 2


def test_a_theme_of_another_strategy_is_refused(strategy, officer, other_strategy):
    other_theme = factories.ThemeFactory(strategy=other_strategy)
    with pytest.raises(DomainError, match="Choose a theme of this strategy"):
        services.deliverable_create(strategy=strategy, answers=_answers(other_theme, officer))


def test_changing_the_owner_keeps_progress_and_history_records_it(strategy, theme, deliverable, open_period,
                                                                  other_officer):  # fmt: skip
    update = factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period)
    answers = _answers(theme, other_officer, reference=deliverable.reference, title=deliverable.title)
    services.deliverable_update(deliverable=deliverable, answers=answers)
    update.refresh_from_db()
    assert update.deliverable.owner == other_officer and update.author == deliverable.owner
    latest, before = deliverable.history.all()[:2]
    assert {c.field for c in latest.diff_against(before).changes} >= {"owner"}
    assert before.owner_id != latest.owner_id == other_officer.pk


def test_update_changes_principle_links_and_notes(strategy, theme, deliverable, officer):
    keep, drop, add = (factories.PrincipleFactory(strategy=strategy) for _ in range(3))
    factories.DeliverablePrincipleFactory(deliverable=deliverable, principle=keep, note="old")
    factories.DeliverablePrincipleFactory(deliverable=deliverable, principle=drop)
    answers = _answers(theme, officer, reference=deliverable.reference, principles={keep.pk: "new", add.pk: ""})
    services.deliverable_update(deliverable=deliverable, answers=answers)
    links = dict(deliverable.principle_links.values_list("principle_id", "note"))
    assert links == {keep.pk: "new", add.pk: ""}


def test_withdraw_and_reinstate(deliverable):
    services.deliverable_withdraw(deliverable=deliverable)
    deliverable.refresh_from_db()
    assert not deliverable.is_active
    with pytest.raises(DomainError, match="already withdrawn"):
        services.deliverable_withdraw(deliverable=deliverable)
    services.deliverable_reinstate(deliverable=deliverable)
    deliverable.refresh_from_db()
    assert deliverable.is_active


def test_removal_is_refused_once_progress_is_recorded(deliverable, open_period):
    factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period, state="draft")
    with pytest.raises(DomainError, match="has a progress update, which would be lost. Withdraw it instead"):
        services.deliverable_remove(deliverable=deliverable)
    assert Deliverable.objects.filter(pk=deliverable.pk).exists()


def test_removal_without_progress_removes_it_and_its_milestones(deliverable):
    factories.MilestoneFactory(deliverable=deliverable)
    services.deliverable_remove(deliverable=deliverable)
    assert not Deliverable.objects.filter(pk=deliverable.pk).exists() and not Milestone.objects.exists()


def test_milestones_add_change_remove_and_an_achieved_one_stays(deliverable, open_period):
    milestone = services.milestone_add(deliverable=deliverable, title=" Supplier chosen ", due_date=None)
    assert milestone.title == "Supplier chosen"
    services.milestone_change(milestone=milestone, title="Supplier signed", due_date=dt.date(2026, 6, 30))
    milestone.refresh_from_db()
    assert (milestone.title, milestone.due_date) == ("Supplier signed", dt.date(2026, 6, 30))
    update = factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period)
    update.milestones_completed.add(milestone)
    with pytest.raises(DomainError, match="was recorded as achieved"):
        services.milestone_remove(milestone=milestone)
    spare = services.milestone_add(deliverable=deliverable, title="Spare", due_date=None)
    services.milestone_remove(milestone=spare)
    assert list(deliverable.milestones.all()) == [milestone]
    with pytest.raises(DomainError, match="Enter the milestone"):
        services.milestone_add(deliverable=deliverable, title="  ", due_date=None)


def test_the_pickers_list_only_active_people_with_a_role(strategy, officer, lead, outsider):
    gone = factories.MembershipFactory(strategy=strategy, user=factories.UserFactory(is_active=False)).user
    people = set(services.strategy_people(strategy=strategy))
    assert people == {officer, lead} and outsider not in people and gone not in people
