"""How an indicator's figures are written: its unit and decimal places. Pure functions, no database."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SUFFIX = {"percent": "%", "days": " days", "rate_per_1000": " per 1,000"}


def format_number(value: Decimal | None, decimal_places: int) -> str:
    """1234.5 with 1 decimal place: "1,234.5"; blank for no value."""
    if value is None:
        return ""
    step = Decimal(1).scaleb(-decimal_places)
    return f"{value.quantize(step, rounding=ROUND_HALF_UP):,.{decimal_places}f}"


def format_value(value: Decimal | None, unit: str, decimal_places: int) -> str:
    """A figure as people read it: "72.5%", "£1,200", "12 days", "3.2 per 1,000", "1,234"."""
    if value is None:
        return ""
    number = format_number(value, decimal_places)
    if unit == "pounds":
        return f"-£{number[1:]}" if number.startswith("-") else f"£{number}"
    if unit == "days" and number == "1":
        return "1 day"
    return number + SUFFIX.get(unit, "")


def format_target(target, unit: str, decimal_places: int) -> str:
    """A target (indicators.status.Target) as text: "75%", or a range "70% to 80%"; blank for none."""
    if target is None:
        return ""
    if target.is_range:
        return (
            f"{format_value(target.lower, unit, decimal_places)} to {format_value(target.upper, unit, decimal_places)}"
        )
    return format_value(target.value, unit, decimal_places)
