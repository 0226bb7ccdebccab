"""An indicator's status and direction of travel: computed from the figures, never typed. One table, like aims/rag.py.

The rule, as councils publish it, with its edges (all arithmetic in Decimal):

- **No data**: there is no accepted value for the period (nothing recorded, or "data not yet available").
- **No target**: there is a value but no target for its period.
- The **shortfall** is how far the value is on the wrong side of the target: for "higher is better"
  ``target - value``, for "lower is better" ``value - target``, for "within a range" how far it is below the
  lower bound or above the upper bound (0 inside the range, bounds included).
- The **tolerance** is the indicator's tolerance as an amount: absolute, or a percentage of the target
  (``|target| × percent / 100``; for a range, of the bound that was missed). A percentage of a zero target is 0.
- **Green**: shortfall ≤ 0 (on or better than target; exactly on target is Green).
- **Amber**: 0 < shortfall ≤ tolerance (worse than target but within tolerance; *within means inclusive*:
  exactly on the tolerance line is Amber).
- **Red**: shortfall > tolerance.

Direction of travel compares a value with an earlier one (the previous measurement, or the same period a year
before): **Improving** if it moved the good way by polarity, **Worsening** if the bad way, **Same** if equal;
for a range, by distance from the range (closer is improving; two values both inside are the same). No earlier
value: no direction. Pure functions: no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from aims import rag

GREEN = "green"
AMBER = "amber"
RED = "red"
NO_DATA = "no_data"
NO_TARGET = "no_target"

IMPROVING = "improving"
SAME = "same"
WORSENING = "worsening"

HIGHER = "higher"
LOWER = "lower"
RANGE = "range"
PERCENT = "percent"


@dataclass(frozen=True)
class IndicatorStatus:
    key: str
    label: str
    meaning: str  # the rule in plain English, on the indicator page and the dashboard
    colour: str  # chart fill (the RAG colours, from aims/rag.py)
    text_colour: str
    css_class: str  # the tag's modifier class


# In the order every count, table and legend uses.
STATUS_TABLE: tuple[IndicatorStatus, ...] = (
    IndicatorStatus(RED, "Red", "Outside the agreed tolerance", rag.BY_KEY[rag.RED].colour, "#ffffff",
                    "app-rag--red"),
    IndicatorStatus(AMBER, "Amber", "Worse than target, but within the agreed tolerance",
                    rag.BY_KEY[rag.AMBER].colour, "#0b0c0c", "app-rag--amber"),
    IndicatorStatus(GREEN, "Green", "On or better than target", rag.BY_KEY[rag.GREEN].colour, "#ffffff",
                    "app-rag--green"),
    IndicatorStatus(NO_DATA, "No data", "No accepted figure for the period yet", "#b1b4b6", "#0b0c0c",
                    "app-rag--none"),
    IndicatorStatus(NO_TARGET, "No target", "No target was set for the period", "#505a5f", "#ffffff",
                    "app-rag--not-started"),
)  # fmt: skip

BY_KEY: dict[str, IndicatorStatus] = {status.key: status for status in STATUS_TABLE}
KEYS: list[str] = [status.key for status in STATUS_TABLE]

DIRECTION_LABELS = {IMPROVING: "Improving", SAME: "Same", WORSENING: "Worsening"}


@dataclass(frozen=True)
class Target:
    """A period's target: `value`, or for "within a range" `lower` and `upper`."""

    value: Decimal | None = None
    lower: Decimal | None = None
    upper: Decimal | None = None

    @property
    def is_range(self) -> bool:
        return self.value is None


def tolerance_amount(*, target: Target, tolerance: Decimal, kind: str, missed_bound: Decimal | None = None) -> Decimal:
    """The tolerance in the indicator's unit. A percentage is of the target (for a range, of the bound missed)."""
    if kind != PERCENT:
        return tolerance
    base = target.value if missed_bound is None else missed_bound
    return abs(base) * tolerance / Decimal(100)


def shortfall(*, value: Decimal, target: Target, polarity: str) -> tuple[Decimal, Decimal | None]:
    """How far `value` is on the wrong side of the target (≤ 0: on or better), and for a range the bound missed."""
    if polarity == RANGE:
        if value < target.lower:
            return target.lower - value, target.lower
        if value > target.upper:
            return value - target.upper, target.upper
        return Decimal(0), None
    if polarity == LOWER:
        return value - target.value, None
    return target.value - value, None


def indicator_status(
    *, value: Decimal | None, target: Target | None, polarity: str, tolerance: Decimal, tolerance_kind: str
) -> str:
    """Green, Amber, Red, No data or No target for one value against its period's target (the module's rule)."""
    if value is None:
        return NO_DATA
    if target is None:
        return NO_TARGET
    if (polarity == RANGE) != target.is_range:
        return NO_TARGET  # a target of the wrong shape (the polarity changed after it was set) is no target
    gap, bound = shortfall(value=value, target=target, polarity=polarity)
    if gap <= 0:
        return GREEN
    if gap <= tolerance_amount(target=target, tolerance=tolerance, kind=tolerance_kind, missed_bound=bound):
        return AMBER
    return RED


def distance_from_range(value: Decimal, target: Target) -> Decimal:
    return max(target.lower - value, value - target.upper, Decimal(0))


def direction_of_travel(
    *, value: Decimal | None, earlier: Decimal | None, polarity: str, target: Target | None = None
) -> str | None:
    """Improving, same or worsening from `earlier` to `value`; None when either is missing (or, for a range,
    there is no range to measure the distance from)."""
    if value is None or earlier is None:
        return None
    if polarity == RANGE:
        if target is None or not target.is_range:
            return None
        now, before = distance_from_range(value, target), distance_from_range(earlier, target)
        better = before - now
    elif polarity == LOWER:
        better = earlier - value
    else:
        better = value - earlier
    if better > 0:
        return IMPROVING
    if better < 0:
        return WORSENING
    return SAME


def status_label(key: str) -> str:
    return BY_KEY[key].label


def direction_label(key: str | None) -> str:
    return DIRECTION_LABELS.get(key, "Not known") if key else "Not known"
