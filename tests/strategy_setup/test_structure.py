"""The services of aims, principles and themes: numbering stays 1..n, removal is refused where progress exists,
every change is in the change history with who made it, and cached pages are told (freshness marks)."""

import pytest

from aims import signals
from aims.models import Aim, Strategy, Theme
from core.errors import DomainError
from principles.models import Principle
from strategy_setup import structure
from tests import factories

pytestmark = pytest.mark.django_db


def _numbers(model, strategy):
    return list(model.objects.filter(strategy=strategy).order_by("number").values_list("number", "title"))


def _version(strategy):
    return Strategy.objects.get(pk=strategy.pk).data_version


def test_added_aims_are_numbered_in_order_with_history(strategy, lead):
    first = structure.aim_add(strategy=strategy, title="Digital residents", by=lead)
    second = structure.aim_add(strategy=strategy, title="Digital place", description="Gigabit for all", by=lead)
    assert (first.number, second.number) == (1, 2)
    record = second.history.get()
    assert record.history_type == "+" and record.history_user == lead and record.description == "Gigabit for all"


def test_move_swaps_neighbours_and_keeps_real_history(strategy, lead):
    a, b, c = (structure.aim_add(strategy=strategy, title=t, by=lead) for t in "ABC")
    assert structure.aim_move(aim=c, direction="up", by=lead) is True
    assert _numbers(Aim, strategy) == [(1, "A"), (2, "C"), (3, "B")]
    assert structure.aim_move(aim=a, direction="up", by=lead) is False  # already first: nothing changes
    assert structure.aim_move(aim=Aim.objects.get(title="C"), direction="down", by=lead) is True
    assert _numbers(Aim, strategy) == [(1, "A"), (2, "B"), (3, "C")]
    # Before and after only, never the temporary 0 used to swap under the unique constraint.
    assert list(c.history.order_by("history_id").values_list("number", flat=True)) == [3, 2, 3]
    assert all(h.history_user == lead for h in c.history.all())
    with pytest.raises(DomainError, match="up or down"):
        structure.aim_move(aim=a, direction="sideways", by=lead)


def test_remove_closes_the_gap(strategy, lead):
    items = [structure.principle_add(strategy=strategy, title=t, by=lead) for t in "ABCD"]
    removed_pk = items[1].pk
    structure.principle_remove(principle=items[1], by=lead)
    assert _numbers(Principle, strategy) == [(1, "A"), (2, "C"), (3, "D")]
    removed = Principle.history.filter(id=removed_pk, history_type="-").get()
    assert removed.history_user == lead and removed.title == "B"
    structure.principle_remove(principle=Principle.objects.get(title="A"), by=lead)
    assert _numbers(Principle, strategy) == [(1, "C"), (2, "D")]


def test_aim_with_progress_in_its_themes_cannot_be_removed(strategy, open_period, lead):
    aim = structure.aim_add(strategy=strategy, title="Digital residents", by=lead)
    other = structure.aim_add(strategy=strategy, title="Digital place", by=lead)
    theme = structure.theme_add(strategy=strategy, title="Inclusion", aims=[aim], by=lead)
    deliverable = factories.DeliverableFactory(theme=theme)
    factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period)
    with pytest.raises(DomainError, match=r"1\. Inclusion.*serves another aim first"):
        structure.aim_remove(aim=aim, by=lead)
    assert Aim.objects.filter(pk=aim.pk).exists()
    # Once the theme serves another aim, the aim can go; the theme, its work and its progress stay.
    structure.theme_change(theme=theme, title="Inclusion", aims=[other], by=lead)
    assert structure.aim_removal_refusal(aim=aim) is None
    structure.aim_remove(aim=aim, by=lead)
    assert _numbers(Aim, strategy) == [(1, "Digital place")]
    assert deliverable.updates.count() == 1


def test_removing_an_aim_unlinks_its_themes_in_their_history(strategy, lead):
    aim = structure.aim_add(strategy=strategy, title="A", by=lead)
    keep = structure.aim_add(strategy=strategy, title="B", by=lead)
    theme = structure.theme_add(strategy=strategy, title="T", aims=[aim, keep], by=lead)
    structure.aim_remove(aim=aim, by=lead)
    assert list(theme.aims.values_list("title", flat=True)) == ["B"]
    latest = theme.history.order_by("-history_id").first()
    assert [m.aim_id for m in latest.aims.all()] == [keep.pk]
    assert latest.history_user == lead


def test_theme_with_deliverables_cannot_be_removed(strategy, open_period, lead):
    theme = structure.theme_add(strategy=strategy, title="Inclusion", aims=[], by=lead)
    deliverable = factories.DeliverableFactory(theme=theme, reference="DI-01")
    with pytest.raises(DomainError, match="It has deliverables \\(DI-01\\). Move them to another theme"):
        structure.theme_remove(theme=theme, by=lead)
    factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period)
    deliverable.is_active = False
    deliverable.save()
    with pytest.raises(DomainError, match="Progress has been recorded on 1 of its deliverables \\(DI-01\\). Withdraw"):
        structure.theme_remove(theme=theme, by=lead)
    assert Theme.objects.filter(pk=theme.pk).exists()


def test_principle_upheld_by_deliverables_cannot_be_removed(strategy, theme, lead):
    principle = structure.principle_add(strategy=strategy, title="Digital for all", by=lead)
    factories.DeliverablePrincipleFactory(
        deliverable=factories.DeliverableFactory(theme=theme, reference="D-9"), principle=principle
    )
    with pytest.raises(DomainError, match="D-9 upholds this principle. Take the principle off that deliverable"):
        structure.principle_remove(principle=principle, by=lead)
    assert Principle.objects.filter(pk=principle.pk).exists()


def test_theme_serves_aims_of_its_own_strategy_only(strategy, other_strategy, lead):
    foreign = factories.AimFactory(strategy=other_strategy)
    with pytest.raises(DomainError, match="Choose aims of"):
        structure.theme_add(strategy=strategy, title="T", aims=[foreign], by=lead)
    assert not Theme.objects.filter(strategy=strategy).exists()


def test_council_words_in_refusals(strategy, open_period, lead):
    strategy.aim_label, strategy.theme_label, strategy.theme_label_plural = "Pillar", "Workstream", "Workstreams"
    strategy.save()
    aim = structure.aim_add(strategy=strategy, title="P", by=lead)
    theme = structure.theme_add(strategy=strategy, title="W", aims=[aim], by=lead)
    factories.ProgressUpdateFactory(deliverable=factories.DeliverableFactory(theme=theme), period=open_period)
    assert "Change that workstream so that it serves another pillar first" in structure.aim_removal_refusal(aim=aim)
    assert "move them to another workstream" in structure.theme_removal_refusal(theme=theme)


@pytest.fixture
def no_safety_net():
    signals.disconnect()
    yield
    signals.connect()


WRITES = {
    "aim_add": lambda s, first, by: structure.aim_add(strategy=s, title="C", by=by),
    "aim_change": lambda s, first, by: structure.aim_change(aim=first, title="A2", by=by),
    "aim_move": lambda s, first, by: structure.aim_move(aim=first, direction="down", by=by),
    "aim_remove": lambda s, first, by: structure.aim_remove(aim=first, by=by),
    "principle_add": lambda s, first, by: structure.principle_add(strategy=s, title="P", by=by),
    "theme_add": lambda s, first, by: structure.theme_add(strategy=s, title="T", aims=[first], by=by),
}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_every_write_marks_the_strategy_and_its_deliverables(strategy, theme, lead, write, no_safety_net):
    """Aims appear on every page of the strategy: the strategy and its deliverables' cached pages are told (by the
    service itself: the safety net in aims/signals.py is off)."""
    deliverable = factories.DeliverableFactory(theme=theme)
    first = structure.aim_add(strategy=strategy, title="A", by=lead)
    structure.aim_add(strategy=strategy, title="B", by=lead)
    before, before_deliverable = _version(strategy), type(deliverable).objects.get(pk=deliverable.pk).data_version
    WRITES[write](strategy, first, lead)
    assert _version(strategy) > before
    assert type(deliverable).objects.get(pk=deliverable.pk).data_version > before_deliverable
