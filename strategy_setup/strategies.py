"""Writes of "Set up a new strategy" and "Strategy details": create a strategy, change its details.

The creator becomes a lead of the new strategy (a Membership, so it is in the history of people and roles) and its
reporting periods are generated from the cadence by `aims.services.reporting_periods_generate`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db.models import ProtectedError
from django.utils.text import slugify

from accounts.models import Membership, Role, User
from aims import rules
from aims.models import Organisation, ReportingPeriod, Strategy
from aims.services import reporting_periods_generate
from core import freshness
from core.errors import DomainError

# A slug that is also a page address under /strategies/ would make that strategy unreachable.
RESERVED_SLUGS = {"new"}
END_AFTER_START = "The end date must be after the start date"
PERIODS_IN_USE = (
    "Progress has been recorded in this strategy's reporting periods, so its dates and reporting cadence can no "
    "longer change. Change the reporting periods themselves instead (their labels and deadlines)."
)


@dataclass(frozen=True)
class StrategyDetails:
    """What "Set up a new strategy" and "Strategy details" ask (the Strategy fields of the same names)."""

    title: str
    start_date: dt.date
    end_date: dt.date
    cadence: str
    aim_label: str = "Aim"
    aim_label_plural: str = "Aims"
    theme_label: str = "Theme"
    theme_label_plural: str = "Themes"
    summary: str = ""
    vision: str = ""
    responsible_officer: str = ""
    adopted_by: str = ""
    adopted_on: dt.date | None = None
    status: str = Strategy.Status.DRAFT
    is_published: bool = False
    public_shows_names: bool = False


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    """A web address made from the title ("digital-strategy-2026-29"), with -2, -3 … when it is taken."""
    base = slugify(title)[:90].strip("-") or "strategy"
    taken = set(Strategy.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken or slug in RESERVED_SLUGS:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check(details: StrategyDetails) -> None:
    if not details.title.strip():
        raise DomainError("Enter the strategy's title")
    if details.end_date <= details.start_date:
        raise DomainError(END_AFTER_START)


@freshness.atomic
def strategy_create(*, organisation: Organisation, details: StrategyDetails, by: User) -> Strategy:
    """Create a strategy for a council the person leads in (any, for a superuser), make them its lead and generate
    its reporting periods."""
    if not rules.can_set_up_strategy_in(by, organisation):
        raise DomainError(f"You can only set up strategies for councils you lead a strategy in, not {organisation}.")
    _check(details)
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()  # one slug chooser at a time
    strategy = Strategy(organisation=organisation, slug=unique_slug(details.title), **asdict(details))
    strategy._history_user = by
    strategy.save()
    membership = Membership(user=by, strategy=strategy, role=Role.LEAD)
    membership._history_user = by
    membership.save()
    reporting_periods_generate(strategy=strategy)
    freshness.mark(strategy_wide=[strategy.pk], periods=[strategy.pk], people=[by.pk])
    return strategy


def _periods_change(strategy: Strategy) -> None:
    """New dates or cadence: the periods are made again, unless progress or a report already uses one."""
    periods = ReportingPeriod.objects.filter(strategy=strategy)
    if periods.filter(updates__isnull=False).exists():
        raise DomainError(PERIODS_IN_USE)
    try:
        periods.delete()
    except ProtectedError as exc:  # a committee report names one of them
        raise DomainError(PERIODS_IN_USE) from exc
    reporting_periods_generate(strategy=strategy)


@freshness.atomic
def strategy_change(*, strategy: Strategy, details: StrategyDetails, by: User) -> Strategy:
    """Change a strategy's details. Changing its dates or cadence makes its reporting periods again (refused once
    progress has been recorded in them). The web address (slug) stays, so links keep working."""
    _check(details)
    stored = Strategy.objects.select_for_update().get(pk=strategy.pk)
    for name, value in asdict(details).items():
        setattr(strategy, name, value)
    strategy._history_user = by
    strategy.save()
    timing = ("start_date", "end_date", "cadence")
    if any(getattr(stored, name) != getattr(strategy, name) for name in timing):
        _periods_change(strategy)
    freshness.mark(strategy_wide=[strategy.pk], periods=[strategy.pk])
    return strategy
