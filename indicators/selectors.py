"""Reads of performance indicators, in a fixed number of queries however many indicators and periods there are.

Definitions (what the dashboard, its CSV, the indicator page and the committee report all show):

- A measurement period's **reported figure** is its latest accepted revision; a revision not yet accepted
  (draft, submitted, returned) never counts, and an accepted "data not yet available" has no value.
- Its **status** is indicators.status.indicator_status of the reported value against that period's target.
- **Direction of travel**: against the previous measurement (the latest earlier period with a reported value)
  and against the same period last year (the period starting twelve months earlier), by polarity.
- **For a reporting period** (aims.ReportingPeriod) an indicator shows the latest measurement period that ends on
  or before the reporting period's last day and has a reported value (so annual survey data from last year still
  shows in this half-year, with its period named). With none, it is "No data", with the target of the latest
  period ending by then that has already ended. Measurements that end after the reporting period are not shown
  in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.models import Membership, Role
from aims.models import ReportingPeriod, Strategy
from aims.services import add_months
from core.wording import govuk_date
from indicators import status
from indicators.models import ActualState, Indicator, IndicatorActual, IndicatorTarget, MeasurementPeriod
from indicators.status import Target
from indicators.units import format_target, format_value


@dataclass
class PeriodRow:
    period: MeasurementPeriod
    target: Target | None
    reported: IndicatorActual | None  # the latest accepted revision
    pending: IndicatorActual | None  # a revision not accepted yet (draft, submitted or returned)
    revisions: list[IndicatorActual]
    status: str = status.NO_DATA
    direction_previous: str | None = None
    direction_year: str | None = None
    target_text: str = ""
    value_text: str = ""

    @property
    def value(self) -> Decimal | None:
        return self.reported.value if self.reported else None


@dataclass
class IndicatorRow:
    indicator: Indicator
    series: list[PeriodRow]
    shown: PeriodRow | None  # the measurement shown for the reporting period (None: no reported value by then)
    status: str
    target_text: str
    value_text: str
    period_label: str  # which measurement period the figures are of
    direction_previous: str | None
    direction_year: str | None
    aim_ids: set[int] = field(default_factory=set)
    theme_ids: set[int] = field(default_factory=set)

    @property
    def owner_name(self) -> str:
        return str(self.indicator.owner)


@dataclass
class IndicatorSummary:
    rows: list[IndicatorRow]
    counts: dict[str, int]  # by status key, over the rows (after the aim and theme filters)
    total: int
    met: int  # green
    missed: int  # amber + red
    within_tolerance: int  # amber

    @property
    def sentence(self) -> str:
        if not self.total:
            return "There are no performance indicators."
        return (
            f"{self.met} of {self.total} indicator{'s' if self.total != 1 else ''} met target, {self.missed} did not, "
            f"of which {self.within_tolerance} {'was' if self.within_tolerance == 1 else 'were'} within tolerance."
        )


def indicators_with_series(*, strategy: Strategy) -> QuerySet[Indicator]:
    """The strategy's indicators with everything a series needs: five queries in all."""
    periods = MeasurementPeriod.objects.select_related("target").prefetch_related(
        Prefetch("actuals", queryset=IndicatorActual.objects.order_by("revision"))
    )
    return (
        Indicator.objects.filter(strategy=strategy)
        .select_related("owner")
        .prefetch_related(Prefetch("periods", queryset=periods.order_by("start_date")), "aims", "themes")
        .order_by("reference")
    )


def _target(period: MeasurementPeriod) -> Target | None:
    row = getattr(period, "target", None)
    if row is None:
        return None
    return Target(value=row.value, lower=row.lower, upper=row.upper)


def indicator_series(indicator: Indicator) -> list[PeriodRow]:
    """Every measurement period with its target, reported figure, status and directions (prefetched data only)."""
    rows: list[PeriodRow] = []
    by_start: dict[dt.date, PeriodRow] = {}
    unit, places = indicator.unit, indicator.decimal_places
    for period in indicator.periods.all():
        revisions = list(period.actuals.all())
        accepted = [a for a in revisions if a.state == ActualState.ACCEPTED]
        pending = [a for a in revisions if a.state != ActualState.ACCEPTED]
        row = PeriodRow(period, _target(period), accepted[-1] if accepted else None, pending[-1] if pending else None,
                        revisions)  # fmt: skip
        row.status = _status(indicator, row.value, row.target)
        earlier = next((r for r in reversed(rows) if r.value is not None), None)
        year_ago = by_start.get(add_months(period.start_date, -12))
        row.direction_previous = _direction(indicator, row, earlier)
        row.direction_year = _direction(indicator, row, year_ago)
        row.target_text = format_target(row.target, unit, places)
        row.value_text = format_value(row.value, unit, places)
        rows.append(row)
        by_start[period.start_date] = row
    return rows


def _status(indicator: Indicator, value: Decimal | None, target: Target | None) -> str:
    return status.indicator_status(
        value=value, target=target, polarity=indicator.polarity, tolerance=indicator.tolerance,
        tolerance_kind=indicator.tolerance_kind,
    )  # fmt: skip


def _direction(indicator: Indicator, row: PeriodRow, earlier: PeriodRow | None) -> str | None:
    if earlier is None:
        return None
    return status.direction_of_travel(
        value=row.value, earlier=earlier.value, polarity=indicator.polarity, target=row.target or earlier.target
    )


def indicator_row(indicator: Indicator, *, as_at: dt.date) -> IndicatorRow:
    """The indicator as shown for a reporting period ending `as_at` (see the module's definition)."""
    series = indicator_series(indicator)
    ended = [r for r in series if r.period.end_date <= as_at]
    shown = next((r for r in reversed(ended) if r.value is not None), None)
    # With no figure yet, the target of the latest period that has ended (never one still in the future).
    passed = [r for r in ended if r.period.end_date <= timezone.localdate()]
    context = shown or (passed[-1] if passed else None)
    return IndicatorRow(
        indicator=indicator,
        series=series,
        shown=shown,
        status=shown.status if shown else status.NO_DATA,
        target_text=context.target_text if context else "",
        value_text=shown.value_text if shown else "",
        period_label=context.period.label if context else "",
        direction_previous=shown.direction_previous if shown else None,
        direction_year=shown.direction_year if shown else None,
        aim_ids={aim.pk for aim in indicator.aims.all()},
        theme_ids={theme.pk for theme in indicator.themes.all()},
    )


def indicator_summary(
    *,
    strategy: Strategy,
    period: ReportingPeriod | None,
    aim: int | None = None,
    theme: int | None = None,
    status_key: str | None = None,
) -> IndicatorSummary:
    """The rows and counts the dashboard, its CSV and the committee report show for a reporting period (None: the
    latest figures). `aim` and `theme` (ids) narrow the rows and the counts; `status_key` narrows the rows only,
    so the counts still say how many of each there are. Five queries, whatever the number of indicators."""
    as_at = period.end_date if period else dt.date.max
    rows = [indicator_row(indicator, as_at=as_at) for indicator in indicators_with_series(strategy=strategy)]
    if aim:
        rows = [row for row in rows if aim in row.aim_ids]
    if theme:
        rows = [row for row in rows if theme in row.theme_ids]
    counts = {key: 0 for key in status.KEYS}
    for row in rows:
        counts[row.status] += 1
    if status_key:
        rows = [row for row in rows if row.status == status_key]
    return IndicatorSummary(
        rows=rows,
        counts=counts,
        total=sum(counts.values()),
        met=counts[status.GREEN],
        missed=counts[status.AMBER] + counts[status.RED],
        within_tolerance=counts[status.AMBER],
    )


def indicator_get(*, pk: int) -> Indicator:
    return (
        Indicator.objects.select_related("strategy__organisation", "owner")
        .prefetch_related(
            Prefetch("periods", queryset=MeasurementPeriod.objects.select_related("target").order_by("start_date")),
            "periods__actuals__author",
            "periods__actuals__reviewer",
            "aims",
            "themes",
            "deliverables",
        )
        .get(pk=pk)
    )


def actuals_to_review(*, user) -> QuerySet[IndicatorActual]:
    """Submitted figures in the strategies where the person is on the board, oldest first."""
    qs = IndicatorActual.objects.filter(state=ActualState.SUBMITTED).select_related(
        "period__indicator__strategy", "period__indicator__owner", "author"
    )
    if not user.is_superuser:
        qs = qs.filter(
            period__indicator__strategy__in=Membership.objects.filter(user=user, role=Role.BOARD).values("strategy_id")
        )
    return qs.order_by("submitted_at", "pk")


@dataclass(frozen=True)
class Change:
    when: dt.datetime
    who: str
    what: str


def _indicator_changes(records: list, periods: dict[int, str]) -> list[Change]:
    changes, previous = [], None
    names = {f.name: str(f.verbose_name) for f in Indicator._meta.fields}
    for record in records:  # oldest first
        if previous is None or record.history_type == "+":
            what = "Indicator added"
        else:
            changed = [names[n] for n in INDICATOR_HISTORY_FIELDS if getattr(record, n) != getattr(previous, n)]
            what = "Changed " + ", ".join(changed) if changed else "Saved with no change to its set-up"
        changes.append(Change(record.history_date, _who(record), what))
        previous = record
    return changes


def _actual_changes(records: list, periods: dict[int, str], indicator: Indicator) -> list[Change]:
    changes = []
    for record in records:
        value = format_value(record.value, indicator.unit, indicator.decimal_places)
        figure = value or (
            f"data expected {govuk_date(record.expected_on)}"
            if record.not_available and record.expected_on
            else "no figure"
        )
        what = f"{periods.get(record.period_id, 'A period')}: {figure}, {ActualState(record.state).label.lower()}"
        if record.revision > 1:
            what += f" (revision {record.revision})"
        if record.state == ActualState.RETURNED and record.review_comment:
            what += f": “{record.review_comment}”"
        changes.append(Change(record.history_date, _who(record), what))
    return changes


def _target_changes(records: list, periods: dict[int, str], indicator: Indicator) -> list[Change]:
    changes = []
    for record in records:
        label = periods.get(record.period_id, "A period")
        if record.history_type == "-":
            what = f"{label}: target removed"
        else:
            target = Target(value=record.value, lower=record.lower, upper=record.upper)
            what = f"{label}: target set to {format_target(target, indicator.unit, indicator.decimal_places)}"
        changes.append(Change(record.history_date, _who(record), what))
    return changes


def _who(record) -> str:
    return str(record.history_user) if record.history_user else "The system"


INDICATOR_HISTORY_FIELDS = [
    "reference", "title", "definition", "calculation", "unit", "decimal_places", "polarity", "frequency",
    "baseline_value", "baseline_date", "tolerance_kind", "tolerance", "data_source", "owner_id", "is_published",
    "exempt_paragraph",
]  # fmt: skip


def indicator_history(*, indicator: Indicator, limit: int = 50) -> list[Change]:
    """Who changed what and when, newest first: the indicator's set-up, its targets and every save of its figures
    (each keeps the figure it held, so a revised or late figure never hides the earlier one). Three queries."""
    periods = {p.pk: p.label for p in indicator.periods.all()}
    own = list(indicator.history.select_related("history_user").order_by("history_date", "history_id"))
    figures = list(
        IndicatorActual.history.filter(period_id__in=list(periods))
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )
    targets = list(
        IndicatorTarget.history.filter(period_id__in=list(periods))
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )
    changes = (
        _indicator_changes(own, periods)
        + _actual_changes(figures, periods, indicator)
        + _target_changes(targets, periods, indicator)
    )
    return sorted(changes, key=lambda c: c.when, reverse=True)[:limit]
