"""Who may do what with performance indicators. Views and services ask these; none decides access by itself.

- Set up indicators, their targets and tolerances: the strategy's leads (as for the rest of the strategy).
- Record an actual: the indicator's owner (one accountable person per figure, as councils assign them). A lead
  changes the owner when someone is away; contributors are not used for indicators.
- Review an actual: the strategy's board members, never the actual's author or the indicator's owner.
- See indicators: anyone who may see the strategy.
"""

from __future__ import annotations

from aims import rules as aims_rules


def can_view_indicators(user, strategy) -> bool:
    return aims_rules.can_view_strategy(user, strategy)


def can_manage_indicators(user, strategy) -> bool:
    return aims_rules.can_manage_strategy(user, strategy)


def can_record_actual(user, indicator) -> bool:
    return user.is_authenticated and (user.is_superuser or indicator.owner_id == user.pk)


def actual_review_conflict(user, actual) -> str | None:
    """Why this person may not review this actual, or None: nobody reviews their own figure."""
    if not user.is_authenticated:
        return None
    if actual.author_id == user.pk:
        return "you recorded it"
    if actual.period.indicator.owner_id == user.pk:
        return "you own this indicator"
    return None


def can_review_actuals(user, strategy) -> bool:
    return aims_rules.can_review(user, strategy)


def can_review_actual(user, actual) -> bool:
    return can_review_actuals(user, actual.period.indicator.strategy) and actual_review_conflict(user, actual) is None
