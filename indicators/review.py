"""The indicators' section of "Updates to review": submitted figures, oldest first (core.review_sections)."""

from __future__ import annotations

from indicators import rules, selectors
from indicators.units import format_value

SECTION_LIMIT = 200  # a busy round has a few dozen figures; the rest are named by the count


def review_section(user) -> dict | None:
    actuals = list(selectors.actuals_to_review(user=user)[: SECTION_LIMIT + 1])
    if not actuals:
        return None
    for actual in actuals:
        indicator = actual.period.indicator
        actual.value_text = format_value(actual.value, indicator.unit, indicator.decimal_places)
        actual.is_own_work = rules.actual_review_conflict(user, actual) is not None
    return {
        "template": "indicators/includes/review_section.html",
        "actuals": actuals[:SECTION_LIMIT],
        "more": len(actuals) > SECTION_LIMIT,
    }
