"""Set-up, targets and the figure workflow through the services, and the rules the database holds."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction

from core.errors import DomainError
from indicators import selectors, services
from indicators.models import IndicatorActual, IndicatorTarget, MeasurementPeriod
from indicators.status import Target
from tests import factories
from tests.indicators.helpers import indicator_with_periods

pytestmark = pytest.mark.django_db

DATA = {
    "reference": "PI-01", "title": "Transactions completed online", "unit": "percent", "decimal_places": 1,
    "polarity": "higher", "frequency": "quarterly", "tolerance_kind": "percent", "tolerance": D("5"),
}  # fmt: skip


def test_a_lead_adds_an_indicator_with_its_own_quarterly_periods(strategy, lead, officer):
    indicator = services.indicator_create(strategy=strategy, data={**DATA, "owner": officer}, user=lead)
    periods = list(indicator.periods.all())
    # The strategy runs 1 April 2025 to 31 March 2028: twelve quarters.
    assert len(periods) == 12
    assert (periods[0].start_date, periods[0].end_date, periods[0].label) == (
        dt.date(2025, 4, 1), dt.date(2025, 6, 30), "April to June 2025",
    )  # fmt: skip
    assert periods[-1].end_date == dt.date(2028, 3, 31)
    assert indicator.history.count() == 1


def test_only_leads_set_up_indicators(strategy, board_member, officer):
    with pytest.raises(DomainError, match="leads"):
        services.indicator_create(strategy=strategy, data={**DATA, "owner": officer}, user=board_member)


def test_a_reference_is_unique_in_its_strategy(strategy, lead, officer):
    services.indicator_create(strategy=strategy, data={**DATA, "owner": officer}, user=lead)
    with pytest.raises(DomainError, match="reference"):
        services.indicator_create(strategy=strategy, data={**DATA, "owner": officer}, user=lead)


def test_frequency_changes_only_before_any_figure(strategy, lead, officer):
    indicator = services.indicator_create(strategy=strategy, data={**DATA, "owner": officer}, user=lead)
    services.indicator_update(indicator=indicator, data={"frequency": "annual"}, user=lead)
    assert indicator.periods.count() == 3
    period = indicator.periods.first()
    IndicatorActual.objects.create(period=period, author=officer)
    with pytest.raises(DomainError, match="cannot change"):
        services.indicator_update(indicator=indicator, data={"frequency": "monthly"}, user=lead)
    assert indicator.periods.count() == 3


def test_remove_is_refused_once_figures_exist(strategy, lead, officer):
    indicator = indicator_with_periods(strategy=strategy, owner=officer, actuals=["50"])
    with pytest.raises(DomainError, match="cannot be removed"):
        services.indicator_remove(indicator=indicator, user=lead)
    empty = indicator_with_periods(strategy=strategy, owner=officer)
    services.indicator_remove(indicator=empty, user=lead)
    assert not MeasurementPeriod.objects.filter(indicator_id=empty.pk).exists()


def test_targets_are_set_per_period_and_must_match_the_polarity(strategy, lead, officer):
    indicator = indicator_with_periods(strategy=strategy, owner=officer)
    first, second = indicator.periods.all()[:2]
    services.indicator_targets_set(indicator=indicator, targets={first.pk: Target(value=D("75"))}, user=lead)
    assert first.target.value == D("75")
    with pytest.raises(DomainError, match="single target"):
        services.indicator_targets_set(
            indicator=indicator, targets={second.pk: Target(lower=D("1"), upper=D("2"))}, user=lead
        )
    services.indicator_targets_set(indicator=indicator, targets={first.pk: None}, user=lead)
    assert not IndicatorTarget.objects.filter(period=first).exists()


def test_an_annual_target_is_profiled():
    # 1,000 residents over four quarters, whole numbers: 250 each.
    assert (
        services.annual_target_profile(annual=D("1000"), periods=4, cumulative=True, decimal_places=0) == [D("250")] * 4
    )
    # 1,000 over three: 333, 333 and the remainder 334, so the year adds up exactly.
    assert services.annual_target_profile(annual=D("1000"), periods=3, cumulative=True, decimal_places=0) == [
        D("333"), D("333"), D("334"),
    ]  # fmt: skip
    # A percentage is the same every period.
    assert (
        services.annual_target_profile(annual=D("75"), periods=4, cumulative=False, decimal_places=1) == [D("75.0")] * 4
    )


def _record(indicator, user, value, *, submit=False, period=None):
    period = period or indicator.periods.first()
    actual = services.actual_to_record(period=period, user=user)
    return services.actual_save(
        actual=actual, answers=services.ActualAnswers(value=None if value is None else D(value)), user=user,
        expected_version=actual.version if actual.pk else 0, submit=submit,
    )  # fmt: skip


def test_the_owner_records_submits_and_the_board_accepts(strategy, officer, board_member):
    indicator = indicator_with_periods(strategy=strategy, owner=officer, targets=["80"])
    draft = _record(indicator, officer, None)  # a draft may be blank
    assert draft.state == "draft"
    draft = _record(indicator, officer, "77.5")
    submitted = services.actual_submit(actual=draft, user=officer, expected_version=draft.version)
    assert submitted.state == "submitted"
    accepted = services.actual_review(actual=submitted, user=board_member, accept=True)
    assert (accepted.state, accepted.reviewer) == ("accepted", board_member)
    row = selectors.indicator_row(selectors.indicators_with_series(strategy=strategy).get(), as_at=dt.date.max)
    assert (row.status, row.value_text) == ("amber", "77.5%")


def test_only_the_owner_records(strategy, officer, other_officer):
    indicator = indicator_with_periods(strategy=strategy, owner=officer)
    with pytest.raises(DomainError, match="owner"):
        _record(indicator, other_officer, "5")


def test_submitting_needs_a_value_or_an_expected_date(strategy, officer):
    indicator = indicator_with_periods(strategy=strategy, owner=officer)
    draft = _record(indicator, officer, None)
    with pytest.raises(DomainError, match="Enter the value"):
        services.actual_submit(actual=draft, user=officer, expected_version=draft.version)
    later = services.actual_save(
        actual=draft, user=officer, expected_version=draft.version, submit=True,
        answers=services.ActualAnswers(not_available=True, expected_on=dt.date(2026, 8, 15)),
    )  # fmt: skip
    assert later.state == "submitted"


def test_a_stale_save_is_refused(strategy, officer):
    indicator = indicator_with_periods(strategy=strategy, owner=officer)
    draft = _record(indicator, officer, "5")
    with pytest.raises(services.ConcurrentEditError):
        services.actual_save(
            actual=draft, answers=services.ActualAnswers(value=D("6")), user=officer, expected_version=draft.version - 1
        )
    assert IndicatorActual.objects.get().value == D("5")


def test_nobody_reviews_their_own_figure_and_a_return_needs_a_comment(strategy, officer, board_member):
    factories.MembershipFactory(user=officer, strategy=strategy, role="board")
    indicator = indicator_with_periods(strategy=strategy, owner=officer)
    submitted = _record(indicator, officer, "5", submit=True)
    with pytest.raises(DomainError, match="you recorded it"):
        services.actual_review(actual=submitted, user=officer, accept=True)
    with pytest.raises(DomainError, match="comment"):
        services.actual_review(actual=submitted, user=board_member, accept=False)
    returned = services.actual_review(actual=submitted, user=board_member, accept=False, comment="Check the source")
    assert returned.is_editable
    again = _record(indicator, officer, "6", submit=True)
    assert (again.pk, again.state, again.value) == (returned.pk, "submitted", D("6"))


def test_a_revision_keeps_the_accepted_figure_until_it_is_accepted(strategy, officer, board_member):
    indicator = indicator_with_periods(strategy=strategy, owner=officer, targets=["80"], actuals=["70"])
    period = indicator.periods.first()
    revision = _record(indicator, officer, "81", submit=True, period=period)
    assert revision.revision == 2

    def shown():
        fresh = selectors.indicators_with_series(strategy=strategy).get()
        return selectors.indicator_row(fresh, as_at=dt.date.max).value_text

    assert shown() == "70.0%"  # the revision is not accepted yet
    services.actual_review(actual=revision, user=board_member, accept=True)
    assert shown() == "81.0%"
    assert list(period.actuals.values_list("revision", "value")) == [(1, D("70")), (2, D("81"))]


def test_the_database_holds_the_rules(strategy, officer):
    indicator = indicator_with_periods(strategy=strategy, owner=officer)
    period = indicator.periods.first()
    cases = [
        {"state": "submitted"},  # past draft with no answer
        {"value": D("1"), "not_available": True},  # both
        {"evidence_url": "javascript:alert(1)"},
    ]
    for fields in cases:
        with pytest.raises(IntegrityError), transaction.atomic():
            IndicatorActual.objects.create(period=period, author=officer, **fields)
    IndicatorActual.objects.create(period=period, author=officer)
    with pytest.raises(IntegrityError), transaction.atomic():  # a second open revision of the period
        IndicatorActual.objects.create(period=period, author=officer, revision=2)


def test_a_returned_figure_is_emailed_to_its_owner(strategy, officer, board_member, mailoutbox,
                                                   django_capture_on_commit_callbacks):  # fmt: skip
    indicator = indicator_with_periods(strategy=strategy, owner=officer)
    submitted = _record(indicator, officer, "5", submit=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.actual_review(actual=submitted, user=board_member, accept=False, comment="Use the audited figure")
    (mail,) = mailoutbox
    assert mail.to == [officer.email]
    assert mail.subject == f"Figure returned: {indicator.reference} {indicator.title}"
    assert "Use the audited figure" in mail.body and "/periods/" in mail.body
