"""Every edge of the status rule and of direction of travel, with hand-computed expectations."""

from decimal import Decimal as D

import pytest

from indicators import status
from indicators.status import Target


def rag(value, target, polarity="higher", tolerance="5", kind="percent"):
    return status.indicator_status(
        value=None if value is None else D(value), target=target, polarity=polarity, tolerance=D(tolerance),
        tolerance_kind=kind,
    )  # fmt: skip


T80 = Target(value=D("80"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("80", status.GREEN),  # exactly on target
        ("80.0001", status.GREEN),  # better
        ("79.9999", status.AMBER),  # just worse
        ("76", status.AMBER),  # 5% of 80 = 4: exactly on the tolerance line is Amber (inclusive)
        ("75.9999", status.RED),  # just outside
        ("10", status.RED),
    ],
)
def test_higher_is_better_percent_tolerance(value, expected):
    assert rag(value, T80) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10", status.GREEN),  # on target
        ("9", status.GREEN),  # fewer days is better
        ("12", status.AMBER),  # 10 + 2 days absolute: on the line
        ("12.01", status.RED),
    ],
)
def test_lower_is_better_absolute_tolerance(value, expected):
    assert rag(value, Target(value=D("10")), polarity="lower", tolerance="2", kind="absolute") == expected


def test_lower_is_better_percent_tolerance():
    # 5% of 20 days = 1 day
    assert rag("21", Target(value=D("20")), polarity="lower") == status.AMBER
    assert rag("21.01", Target(value=D("20")), polarity="lower") == status.RED


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("70", status.GREEN),  # on the lower bound: inside
        ("75", status.GREEN),
        ("80", status.GREEN),  # on the upper bound: inside
        ("66.5", status.AMBER),  # 5% of the lower bound 70 = 3.5 below it: on the line
        ("66.49", status.RED),
        ("84", status.AMBER),  # 5% of the upper bound 80 = 4 above it: on the line
        ("84.01", status.RED),
    ],
)
def test_within_a_range(value, expected):
    assert rag(value, Target(lower=D("70"), upper=D("80")), polarity="range") == expected


def test_percent_tolerance_of_a_zero_target_is_nothing():
    zero = Target(value=D("0"))
    assert rag("0", zero, polarity="lower") == status.GREEN
    assert rag("0.01", zero, polarity="lower") == status.RED  # 5% of 0 is 0: anything worse is Red
    assert rag("0.01", zero, polarity="lower", tolerance="0.01", kind="absolute") == status.AMBER


def test_zero_tolerance_means_anything_worse_is_red():
    assert rag("79.99", T80, tolerance="0") == status.RED


def test_no_data_and_no_target():
    assert rag(None, T80) == status.NO_DATA
    assert rag(None, None) == status.NO_DATA
    assert rag("5", None) == status.NO_TARGET
    # A single-value target on a range indicator (polarity changed later) is no target, not a crash.
    assert rag("5", T80, polarity="range") == status.NO_TARGET


def direction(value, earlier, polarity="higher", target=None):
    return status.direction_of_travel(
        value=None if value is None else D(value), earlier=None if earlier is None else D(earlier),
        polarity=polarity, target=target,
    )  # fmt: skip


def test_direction_of_travel_by_polarity():
    assert direction("60", "55") == status.IMPROVING
    assert direction("55", "60") == status.WORSENING
    assert direction("55", "55.0") == status.SAME
    assert direction("9", "12", "lower") == status.IMPROVING
    assert direction("12", "9", "lower") == status.WORSENING
    assert direction("5", None) is None
    assert direction(None, "5") is None


def test_direction_of_travel_for_a_range_is_by_distance_from_it():
    band = Target(lower=D("70"), upper=D("80"))
    assert direction("68", "60", "range", band) == status.IMPROVING  # 10 away, now 2
    assert direction("85", "78", "range", band) == status.WORSENING  # inside, now 5 above
    assert direction("82", "68", "range", band) == status.SAME  # 2 below, now 2 above
    assert direction("71", "79", "range", band) == status.SAME  # both inside
    assert direction("71", "79", "range", None) is None


def test_the_table_names_every_status_once():
    assert status.KEYS == ["red", "amber", "green", "no_data", "no_target"]
    assert status.status_label(status.AMBER) == "Amber"
    assert status.direction_label(None) == "Not known"
