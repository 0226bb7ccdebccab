"""Linked strategies: the other strategies of the same council a strategy is adopted or run with (for example a
digital strategy and the data strategy approved beside it). Changed by the strategy's leads on "Linked
strategies"; each change is written to the history of every strategy it touches, as a change reason in words."""

from __future__ import annotations

from collections.abc import Iterable

from aims.models import Strategy
from core import freshness
from core.errors import DomainError

OTHER_COUNCIL = "{title} belongs to another council: a strategy can only be linked to its own council's strategies."


def linkable_strategies(*, strategy: Strategy):
    """The council's other strategies, which this strategy may be linked to."""
    return Strategy.objects.filter(organisation_id=strategy.organisation_id).exclude(pk=strategy.pk).order_by("title")


def _titles(strategies: Iterable[Strategy]) -> str:
    names = sorted(s.title for s in strategies)
    return ", ".join(names) if names else "none"


def _record(strategy: Strategy, reason: str, by) -> None:
    """A row in the strategy's own history saying what changed: the link table has no history of its own."""
    strategy._change_reason = reason
    strategy._history_user = by
    strategy.save()


@freshness.atomic
def strategy_links_set(*, strategy: Strategy, linked: Iterable[Strategy], by) -> tuple[set[int], set[int]]:
    """Make `linked` exactly the strategies this one is linked to (the link goes both ways). Returns the ids of
    the strategies linked and unlinked. Refuses a strategy of another council, or the strategy itself."""
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    linked = list(linked)
    for other in linked:
        if other.organisation_id != strategy.organisation_id:
            raise DomainError(OTHER_COUNCIL.format(title=other.title))
        if other.pk == strategy.pk:
            raise DomainError("A strategy cannot be linked to itself.")
    before = list(strategy.linked_strategies.all())
    wanted, current = {s.pk for s in linked}, {s.pk for s in before}
    added, removed = wanted - current, current - wanted
    if not (added or removed):
        return added, removed
    strategy.linked_strategies.set(linked)
    _record(strategy, f"Linked strategies changed from {_titles(before)} to {_titles(linked)}", by)
    for other in Strategy.objects.filter(pk__in=added | removed):
        verb = "Linked to" if other.pk in added else "No longer linked to"
        _record(other, f"{verb} {strategy.title}", by)
    freshness.mark(strategy_wide=[strategy.pk, *added, *removed])
    return added, removed
