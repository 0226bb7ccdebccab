"""What an API caller may read or write: the screens' rules (aims.rules), plus the public view of published
strategies. Nothing here decides access differently from the screens; it only adds what anyone may read.

- "full": the caller may view the strategy on the screens (aims.rules.can_view_strategy), and reads what its
  pages show.
- "public": anyone, for a published strategy (Strategy.is_published): accepted progress for closed periods only,
  no officers' names.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from aims import rules
from aims.models import Deliverable, Strategy
from indicators import rules as indicator_rules

FULL = "full"
PUBLIC = "public"


def strategy_access(user, strategy: Strategy) -> str | None:
    if rules.can_view_strategy(user, strategy):
        return FULL
    if strategy.is_published:
        return PUBLIC
    return None


def readable_strategies(user) -> QuerySet[Strategy]:
    """Strategies the caller may read through the API: those they may view on the screens, and published ones."""
    return Strategy.objects.filter(Q(is_published=True) | Q(pk__in=rules.visible_strategies(user).values("pk")))


def full_access_ids(user) -> set[int]:
    return set(rules.visible_strategies(user).values_list("pk", flat=True))


def can_record(user, deliverable: Deliverable) -> bool:
    """As the progress form: the strategy is visible to them and they may record the deliverable's progress."""
    return rules.can_view_strategy(user, deliverable.strategy_id) and rules.can_record_progress(user, deliverable)


def can_record_actual(user, indicator) -> bool:
    """As "Record an actual": the strategy is visible to them and they own the indicator."""
    return rules.can_view_strategy(user, indicator.strategy_id) and indicator_rules.can_record_actual(user, indicator)
