"""Creating a strategy and changing its details: who may, the slug, the creator's lead role, the periods."""

import datetime as dt

import pytest

from accounts.models import Membership, Role
from aims.models import ReportingPeriod, Strategy
from core.errors import DomainError
from strategy_setup import strategies
from strategy_setup.strategies import StrategyDetails
from tests import factories

pytestmark = pytest.mark.django_db

DETAILS = StrategyDetails(
    title="Digital Strategy 2026 to 2029",
    start_date=dt.date(2026, 4, 1),
    end_date=dt.date(2029, 3, 31),
    cadence="six_monthly",
    aim_label="Pillar",
    aim_label_plural="Pillars",
)


def test_a_lead_creates_a_strategy_for_their_council(strategy, lead):
    created = strategies.strategy_create(organisation=strategy.organisation, details=DETAILS, by=lead)
    assert created.slug == "digital-strategy-2026-to-2029"
    assert (created.aim_label, created.theme_label, created.status) == ("Pillar", "Theme", "draft")
    membership = Membership.objects.get(strategy=created, user=lead)
    assert membership.role == Role.LEAD and membership.history.get().history_user == lead
    assert created.history.get().history_user == lead
    periods = list(created.periods.order_by("start_date").values_list("label", "start_date", "end_date"))
    assert len(periods) == 6
    assert periods[0] == ("April to September 2026", dt.date(2026, 4, 1), dt.date(2026, 9, 30))
    assert periods[-1][2] == dt.date(2029, 3, 31)


def test_slugs_are_unique_and_never_a_page_address(strategy, lead):
    first = strategies.strategy_create(organisation=strategy.organisation, details=DETAILS, by=lead)
    second = strategies.strategy_create(organisation=strategy.organisation, details=DETAILS, by=lead)
    assert (first.slug, second.slug) == ("digital-strategy-2026-to-2029", "digital-strategy-2026-to-2029-2")
    assert strategies.unique_slug("New") == "new-2"
    assert strategies.unique_slug("!!!") == "strategy"


def test_only_a_lead_of_that_council_or_a_superuser(strategy, other_strategy, lead, officer):
    with pytest.raises(DomainError, match="only set up strategies for councils you lead"):
        strategies.strategy_create(organisation=other_strategy.organisation, details=DETAILS, by=lead)
    with pytest.raises(DomainError):
        strategies.strategy_create(organisation=strategy.organisation, details=DETAILS, by=officer)
    admin = factories.UserFactory(username="admin", is_superuser=True)
    created = strategies.strategy_create(organisation=other_strategy.organisation, details=DETAILS, by=admin)
    assert Membership.objects.filter(strategy=created, user=admin, role=Role.LEAD).exists()
    assert Strategy.objects.filter(title=DETAILS.title).count() == 1


def test_end_must_follow_start(strategy, lead):
    wrong = StrategyDetails(**{**DETAILS.__dict__, "end_date": DETAILS.start_date})
    with pytest.raises(DomainError, match="The end date must be after the start date"):
        strategies.strategy_create(organisation=strategy.organisation, details=wrong, by=lead)


def test_changing_the_cadence_makes_the_periods_again_until_progress_is_recorded(strategy, lead):
    created = strategies.strategy_create(organisation=strategy.organisation, details=DETAILS, by=lead)
    quarterly = StrategyDetails(**{**DETAILS.__dict__, "cadence": "quarterly", "title": "Renamed"})
    strategies.strategy_change(strategy=created, details=quarterly, by=lead)
    created.refresh_from_db()
    assert created.title == "Renamed" and created.slug == "digital-strategy-2026-to-2029"  # links keep working
    assert created.periods.count() == 12
    period = created.periods.order_by("start_date").first()
    theme = factories.ThemeFactory(strategy=created)
    factories.ProgressUpdateFactory(deliverable=factories.DeliverableFactory(theme=theme), period=period)
    with pytest.raises(DomainError, match="Progress has been recorded"):
        strategies.strategy_change(strategy=created, details=DETAILS, by=lead)
    created.refresh_from_db()
    assert created.cadence == "quarterly" and ReportingPeriod.objects.filter(strategy=created).count() == 12
    # Other details can still change.
    strategies.strategy_change(strategy=created, details=StrategyDetails(**{**quarterly.__dict__, "vision": "V"}),
                               by=lead)  # fmt: skip
    created.refresh_from_db()
    assert created.vision == "V" and created.history.first().history_user == lead
