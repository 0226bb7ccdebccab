"""The one source of figures. The dashboard, the CSV export and the committee report all read progress here.

Definitions (also in docs/architecture.md):
- Deliverables in scope for a period: active (not withdrawn) and started by the period's end (or no start date).
- Counted updates (`counted_states`, the one definition, used by the dashboard, the CSV and the committee
  report alike): accepted ones, and submitted ones too when the reader chooses "Include updates not yet
  reviewed". By default only accepted updates count, everywhere: what goes to committee has been reviewed by
  the board, and the dashboard shows by default the figures the committee will read. Drafts and returned
  updates never count.
- A deliverable's status for the period: its counted update's RAG status; with none, "Awaiting review" if an
  update was submitted and is not counted, else "Complete" if an earlier counted update said complete, else
  "No update". So a deliverable whose update was submitted is never called "No update".
- Percent complete for the roll-up: this period's counted update, else the latest earlier counted one (carried
  forward, and marked so wherever it shows), else 0; complete means 100. The overall figure is the weighted
  mean, sum(weight × percent) / sum(weight), over the deliverables in scope, so a deliverable with no update
  pulls the figure down only as far as its last reported progress.
- Overdue: due date before the period's "as at" date (the earlier of today and the period's end), and not
  complete.
- Direction of travel: this period's RAG against the previous period's, ranked Red < Amber < Green < Complete;
  blank when either is missing or "Not started". In total: better when more deliverables improved than
  worsened, worse when the reverse, else the same.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    FilteredRelation,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from aims.models import (
    RAG,
    Aim,
    Deliverable,
    DeliverablePeriodStatus,
    ProgressUpdate,
    ReportingPeriod,
    Strategy,
    Theme,
)
from aims.rag import AWAITING_REVIEW, NO_UPDATE, RAG_TABLE
from aims.rag import KEYS as RAG_KEYS
from aims.rag import LABELS as RAG_LABELS
from aims.update_states import NOT_STARTED, update_state
from principles.models import DeliverablePrinciple, Principle

RANK = {status.key: status.rank for status in RAG_TABLE if status.rank is not None}
DIRECTION_LABELS = {"better": "Better", "same": "Same", "worse": "Worse", "": "–"}

# An update the officer has sent: it is counted (accepted, or submitted when chosen) or awaiting review, and its
# deliverable is not chased.
SUBMITTED_OR_ACCEPTED = (ProgressUpdate.State.SUBMITTED, ProgressUpdate.State.ACCEPTED)
ACCEPTED_ONLY = (ProgressUpdate.State.ACCEPTED,)
INCLUDE_SUBMITTED_DEFAULT = False  # the dashboard's, the CSV's and a new report's default alike


def counted_states(*, include_submitted: bool = INCLUDE_SUBMITTED_DEFAULT) -> tuple[str, ...]:
    """The update states the figures count: the one definition the dashboard, the CSV and the report share.

    Accepted updates always; submitted ones (not yet reviewed by the board) only when the reader chooses
    "Include updates not yet reviewed". Drafts and returned updates never count.
    """
    return SUBMITTED_OR_ACCEPTED if include_submitted else ACCEPTED_ONLY


def counted_updates_description(*, include_submitted: bool, awaiting_review: int) -> str:
    """The sentence that says which updates the figures count, under the headline figure and in the report."""
    if not awaiting_review:
        return "These figures count updates accepted by the Digital Board. No update is waiting for review."
    one = awaiting_review == 1
    waiting = f"{awaiting_review:,} update{'' if one else 's'} submitted but not yet reviewed"
    if include_submitted:
        return f"These figures count updates accepted by the Digital Board and {waiting}, marked “not yet reviewed”."
    return (
        f"These figures count only updates accepted by the Digital Board. {waiting} {'is' if one else 'are'} not "
        f"counted: {'its deliverable shows' if one else 'their deliverables show'} “Awaiting review”."
    )


def direction_of_travel(previous: str | None, current: str | None) -> str:
    if previous not in RANK or current not in RANK:
        return ""
    if RANK[current] > RANK[previous]:
        return "better"
    if RANK[current] < RANK[previous]:
        return "worse"
    return "same"


def period_list(*, strategy: Strategy) -> list[ReportingPeriod]:
    return list(strategy.periods.order_by("start_date"))


def period_default(*, periods: list[ReportingPeriod], today: dt.date | None = None) -> ReportingPeriod | None:
    """The latest period that has started: the open one, or the most recent closed one."""
    today = today or timezone.localdate()
    started = [p for p in periods if p.start_date <= today]
    open_ = [p for p in started if p.is_open]
    return (open_ or started or periods or [None])[-1]


def previous_period(*, periods: list[ReportingPeriod], period: ReportingPeriod) -> ReportingPeriod | None:
    earlier = [p for p in periods if p.start_date < period.start_date]
    return earlier[-1] if earlier else None


def as_at_for(period: ReportingPeriod, today: dt.date | None = None) -> dt.date:
    """The date figures are "as at": the period's end, or today while the period is still running."""
    return min(today or timezone.localdate(), period.end_date)


def deliverables_in_scope(*, strategy: Strategy, period: ReportingPeriod) -> QuerySet[Deliverable]:
    """Active deliverables started by the period's end (or with no start date): what a period's figures cover."""
    return Deliverable.objects.filter(strategy=strategy, is_active=True).filter(
        Q(start_date__isnull=True) | Q(start_date__lte=period.end_date)
    )


def awaiting_review_count(*, strategy: Strategy, period: ReportingPeriod) -> int:
    """Updates for the period submitted and not yet reviewed by the board, as PeriodFigures.awaiting_review."""
    return (
        ProgressUpdate.objects.filter(period=period, state=ProgressUpdate.State.SUBMITTED)
        .filter(deliverable__in=deliverables_in_scope(strategy=strategy, period=period))
        .count()
    )


def deliverable_queryset(
    *,
    strategy: Strategy,
    period: ReportingPeriod,
    previous: ReportingPeriod | None = None,
    include_submitted: bool = INCLUDE_SUBMITTED_DEFAULT,
    awaiting_review: bool = True,
) -> QuerySet[Deliverable]:
    """Deliverables in scope, annotated with their figures for the period, in a single query.

    The figures come from the deliverable's status row for the period and the way of counting
    (aims.DeliverablePeriodStatus, kept in the transaction of every write: aims/status_rows.py), joined on its
    unique key; this period's counted update is joined too (at most one, by the one-update-per-period rule) for
    what it says. `previous` is no longer needed (the row holds the previous period's RAG) and is accepted as
    before. A deliverable without a row (a writer that made no freshness mark) shows "No update" at 0%, and
    `manage.py status_rows_check` reports the row missing.

    `awaiting_review=False` (the public view: nothing submitted shows) reads "Awaiting review" as "No update".
    """
    states = counted_states(include_submitted=include_submitted)
    qs = deliverables_in_scope(strategy=strategy, period=period)
    qs = qs.annotate(
        row=FilteredRelation(
            "period_statuses",
            condition=Q(period_statuses__period=period, period_statuses__include_submitted=include_submitted),
        ),
        current=FilteredRelation("updates", condition=Q(updates__period=period, updates__state__in=states)),
        period_update_id=F("current__pk"),
        period_rag=F("current__rag_status"),
        period_percent=F("current__percent_complete"),
        period_state=F("current__state"),
        period_corrective=F("current__corrective_action"),
        period_achieved=F("current__achieved"),
        period_next=F("current__next_steps"),
        period_risks=F("current__risks_issues"),
        status=Coalesce("row__status", Value(NO_UPDATE))
        if awaiting_review
        else Case(
            When(row__status=AWAITING_REVIEW, then=Value(NO_UPDATE)), default=Coalesce("row__status", Value(NO_UPDATE))
        ),
        rollup_percent=Coalesce("row__percent", Value(0)),
        update_state=Coalesce("row__update_state", Value("")),
        previous_rag=F("row__previous_rag"),
        row_direction=Coalesce("row__direction", Value("")),
        last_period_label=Coalesce("row__carried_from", Value("")),
        last_update_at=F("row__last_update_at"),
    )
    return qs.select_related("theme", "owner").order_by("reference")


@dataclass
class Row:
    """One deliverable's figures for the period, shared by the dashboard table, the CSV and the report."""

    deliverable: Deliverable
    status: str
    percent: int  # for the roll-up: reported, carried forward, or 0
    reported_percent: int | None
    direction: str
    overdue: bool
    aims: list[Aim]
    last_update_at: dt.datetime | None
    update_state: str = ""  # this period's update, counted or not: "", draft, submitted, accepted or returned
    carried_from: str = ""  # the label of the period the percent is carried forward from, "" when not carried

    @property
    def status_label(self) -> str:
        return RAG_LABELS[self.status]

    @property
    def direction_label(self) -> str:
        return DIRECTION_LABELS[self.direction]

    @property
    def carried_forward(self) -> bool:
        """The percent comes from an earlier period's update: no counted update for this period."""
        return bool(self.carried_from)

    @property
    def not_reviewed(self) -> bool:
        """Counted although the board has not reviewed it yet (the reader chose to include such updates)."""
        return self.reported_percent is not None and self.update_state == ProgressUpdate.State.SUBMITTED


def row_from(deliverable: Deliverable, *, as_at: dt.date, aims: list[Aim] | None = None) -> Row:
    """The Row of a deliverable from `deliverable_queryset` (its aims prefetched, or given)."""
    status = deliverable.status
    overdue = bool(deliverable.due_date and deliverable.due_date < as_at and status != RAG.COMPLETE)
    return Row(
        deliverable=deliverable,
        status=status,
        percent=deliverable.rollup_percent,
        reported_percent=deliverable.period_percent,
        direction=deliverable.row_direction,
        overdue=overdue,
        aims=aims if aims is not None else list(deliverable.theme.aims.all()),
        last_update_at=deliverable.last_update_at,
        update_state=deliverable.update_state or "",
        carried_from=deliverable.last_period_label if deliverable.period_percent is None else "",
    )


@dataclass
class Figures:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RAG_KEYS, 0))
    total: int = 0
    overdue: int = 0
    weight_sum: Decimal = Decimal(0)
    weighted_percent_sum: Decimal = Decimal(0)
    directions: dict[str, int] = field(default_factory=lambda: {"better": 0, "same": 0, "worse": 0})

    def add(self, row: Row) -> None:
        self.counts[row.status] += 1
        self.total += 1
        self.overdue += row.overdue
        self.weight_sum += row.deliverable.weight
        self.weighted_percent_sum += row.deliverable.weight * row.percent
        if row.direction:
            self.directions[row.direction] += 1

    def add_group(self, *, status: str, direction: str, n: int, overdue: int, weight, weighted) -> None:
        """Add `n` deliverables of one status and direction at once (their sums from SQL: period_totals)."""
        self.counts[status] += n
        self.total += n
        self.overdue += overdue
        self.weight_sum += weight or 0
        self.weighted_percent_sum += weighted or 0
        if direction:
            self.directions[direction] += n

    @property
    def percent_complete(self) -> float:
        """Weighted mean percent complete, rounded to one decimal place; 0 with no deliverables."""
        if not self.weight_sum:
            return 0.0
        return float(round(self.weighted_percent_sum / self.weight_sum, 1))

    @property
    def direction(self) -> str:
        better, worse = self.directions["better"], self.directions["worse"]
        if not (better or worse or self.directions["same"]):
            return ""
        return "better" if better > worse else "worse" if worse > better else "same"

    @property
    def direction_label(self) -> str:
        return DIRECTION_LABELS[self.direction]

    @property
    def direction_word(self) -> str:
        """What joins the label to the period it is compared with: "Better than", "Same as", "Worse than"."""
        return "as" if self.direction == "same" else "than"

    @property
    def complete(self) -> int:
        return self.counts[RAG.COMPLETE]


class _PeriodSummary:
    """What the period's summary says, whether its figures were added up row by row or in SQL."""

    include_submitted: bool
    by_aim: list[tuple[Aim, Figures]]
    awaiting_review: int

    @property
    def counted_description(self) -> str:
        return counted_updates_description(
            include_submitted=self.include_submitted, awaiting_review=self.awaiting_review
        )

    @property
    def furthest_behind(self) -> tuple[Aim, Figures] | None:
        scored = [(aim, figures) for aim, figures in self.by_aim if figures.total]
        return min(scored, key=lambda item: (item[1].percent_complete, -item[1].counts[RAG.RED])) if scored else None


@dataclass
class PeriodFigures(_PeriodSummary):
    """Every figure and every row for a period: what the CSV export and the committee report read."""

    strategy: Strategy
    period: ReportingPeriod
    previous: ReportingPeriod | None
    as_at: dt.date
    rows: list[Row]
    summary: Figures
    by_aim: list[tuple[Aim, Figures]]
    by_theme: list[tuple[Theme, Figures]]
    include_submitted: bool = INCLUDE_SUBMITTED_DEFAULT

    @property
    def awaiting_review(self) -> int:
        """Updates for the period submitted and not yet reviewed by the board, whether counted or not."""
        return sum(r.update_state == ProgressUpdate.State.SUBMITTED for r in self.rows)

    @property
    def exceptions(self) -> list[Row]:
        """Red then amber deliverables, for exception reporting."""
        return [r for r in self.rows if r.status == RAG.RED] + [r for r in self.rows if r.status == RAG.AMBER]


@dataclass
class PeriodTotals(_PeriodSummary):
    """The period's figures added up in SQL from the status rows, and the exceptions, without the other rows:
    what the dashboard reads (period_totals). The same numbers as PeriodFigures (tests/reports/)."""

    strategy: Strategy
    period: ReportingPeriod
    previous: ReportingPeriod | None
    as_at: dt.date
    summary: Figures
    by_aim: list[tuple[Aim, Figures]]
    by_theme: list[tuple[Theme, Figures]]
    awaiting_review: int
    exceptions: list[Row]
    include_submitted: bool = INCLUDE_SUBMITTED_DEFAULT
    aims_by_theme: dict[int, list[Aim]] = field(default_factory=dict)  # each theme's aims, in number order


def period_figures(
    *,
    strategy: Strategy,
    period: ReportingPeriod,
    periods: list[ReportingPeriod] | None = None,
    include_submitted: bool = INCLUDE_SUBMITTED_DEFAULT,
    today: dt.date | None = None,
) -> PeriodFigures:
    """Every figure for one strategy and period: summary, by aim, by theme, rows. A fixed number of queries."""
    today = today or timezone.localdate()
    periods = periods if periods is not None else period_list(strategy=strategy)
    previous = previous_period(periods=periods, period=period)
    as_at = as_at_for(period, today)
    qs = deliverable_queryset(strategy=strategy, period=period, previous=previous, include_submitted=include_submitted)
    qs = qs.prefetch_related(Prefetch("theme__aims", queryset=Aim.objects.order_by("number")))
    rows = [row_from(d, as_at=as_at) for d in qs]
    aims = list(strategy.aims.order_by("number"))
    themes = list(strategy.themes.order_by("number"))
    summary = Figures()
    by_aim = {aim.pk: Figures() for aim in aims}
    by_theme = {theme.pk: Figures() for theme in themes}
    for row in rows:
        summary.add(row)
        by_theme[row.deliverable.theme_id].add(row)
        for aim in row.aims:
            by_aim[aim.pk].add(row)
    return PeriodFigures(
        strategy=strategy,
        period=period,
        previous=previous,
        as_at=as_at,
        rows=rows,
        summary=summary,
        by_aim=[(aim, by_aim[aim.pk]) for aim in aims],
        by_theme=[(theme, by_theme[theme.pk]) for theme in themes],
        include_submitted=include_submitted,
    )


def period_totals(
    *,
    strategy: Strategy,
    period: ReportingPeriod,
    periods: list[ReportingPeriod] | None = None,
    include_submitted: bool = INCLUDE_SUBMITTED_DEFAULT,
    today: dt.date | None = None,
) -> PeriodTotals:
    """The period's summary, by aim and by theme, added up in SQL from the status rows (one GROUP BY over the
    deliverables in scope), and its red and amber rows: a fixed number of queries, none of them per deliverable."""
    today = today or timezone.localdate()
    periods = periods if periods is not None else period_list(strategy=strategy)
    as_at = as_at_for(period, today)
    qs = deliverable_queryset(strategy=strategy, period=period, include_submitted=include_submitted)
    overdue = Q(due_date__lt=as_at) & ~Q(status=RAG.COMPLETE)
    groups = (
        qs.order_by()
        .values("theme_id", "status", "row_direction")
        .annotate(
            n=Count("pk"),
            late=Count("pk", filter=overdue),
            weights=Sum("weight"),
            weighted=Sum(F("weight") * F("rollup_percent"), output_field=DecimalField()),
            submitted=Count("pk", filter=Q(update_state=ProgressUpdate.State.SUBMITTED)),
        )
    )
    aims = list(strategy.aims.order_by("number"))
    themes = list(strategy.themes.order_by("number"))
    theme_aims = defaultdict(list)
    for theme_id, aim_id in Theme.aims.through.objects.filter(theme__strategy=strategy).values_list("theme", "aim"):
        theme_aims[theme_id].append(aim_id)
    summary, by_aim, by_theme = Figures(), {a.pk: Figures() for a in aims}, {t.pk: Figures() for t in themes}
    awaiting = 0
    for g in groups:
        group = {"status": g["status"], "direction": g["row_direction"], "n": g["n"], "overdue": g["late"]}
        group |= {"weight": g["weights"], "weighted": g["weighted"]}
        awaiting += g["submitted"]
        for figures in (summary, by_theme[g["theme_id"]], *(by_aim[a] for a in theme_aims[g["theme_id"]])):
            figures.add_group(**group)
    aims_by_theme = {t.pk: [a for a in aims if a.pk in theme_aims[t.pk]] for t in themes}
    exceptions = qs.filter(status__in=[RAG.RED, RAG.AMBER])
    rows = [row_from(d, as_at=as_at, aims=aims_by_theme[d.theme_id]) for d in exceptions]
    return PeriodTotals(
        strategy=strategy,
        period=period,
        previous=previous_period(periods=periods, period=period),
        as_at=as_at,
        summary=summary,
        by_aim=[(aim, by_aim[aim.pk]) for aim in aims],
        by_theme=[(theme, by_theme[theme.pk]) for theme in themes],
        awaiting_review=awaiting,
        exceptions=[r for r in rows if r.status == RAG.RED] + [r for r in rows if r.status == RAG.AMBER],
        include_submitted=include_submitted,
        aims_by_theme=aims_by_theme,
    )


def rows_page(*, queryset: QuerySet[Deliverable], totals: PeriodTotals, number: object = 1, per_page: int = 50) -> Page:
    """One page of rows of `deliverable_queryset` (already filtered), with their aims from `totals`: a COUNT and
    the page's deliverables; an invalid or out-of-range page number gives the first or last page, as
    Paginator.get_page does."""
    page = Paginator(queryset, per_page).get_page(number)
    page.object_list = [
        row_from(d, as_at=totals.as_at, aims=totals.aims_by_theme.get(d.theme_id, [])) for d in page.object_list
    ]
    return page


def rag_trend(
    *,
    strategy: Strategy,
    periods: list[ReportingPeriod],
    up_to: ReportingPeriod,
    include_submitted: bool = INCLUDE_SUBMITTED_DEFAULT,
) -> list[tuple[ReportingPeriod, dict[str, int]]]:
    """RAG counts for every period up to and including `up_to`, by the same rules as period_figures: one GROUP BY
    over the status rows of the deliverables in scope in each period."""
    shown = [p for p in periods if p.start_date <= up_to.start_date]
    rows = (
        DeliverablePeriodStatus.objects.filter(
            strategy=strategy, include_submitted=include_submitted, period__in=shown, deliverable__is_active=True
        )
        .filter(deliverable__strategy=strategy)  # the same rows; lets the planner read only this strategy's
        .filter(Q(deliverable__start_date__isnull=True) | Q(deliverable__start_date__lte=F("period__end_date")))
        .order_by()
        .values_list("period_id", "status")
        .annotate(n=Count("pk"))
    )
    counts: dict[int, dict[str, int]] = {p.pk: dict.fromkeys(RAG_KEYS, 0) for p in shown}
    for period_id, status, n in rows:
        counts[period_id][status] += n
    return [(period, counts[period.pk]) for period in shown]


@dataclass
class ChaseItem:
    deliverable: Deliverable
    state: str  # "" (nothing started), "draft" or "returned"

    @property
    def state_label(self) -> str:
        return update_state(self.state or NOT_STARTED).waiting_label


def _chase_queryset(*, strategy: Strategy, period: ReportingPeriod) -> QuerySet[Deliverable]:
    """Deliverables in scope with no submitted or accepted update for the period, and not reported complete
    (submitted or accepted) in an earlier one, by owner, then reference: read from their status rows counting
    submitted updates too, whose status is "complete" exactly when an earlier update said so."""
    return (
        Deliverable.objects.filter(strategy=strategy, is_active=True)
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=period.end_date))
        .annotate(
            row=FilteredRelation(
                "period_statuses",
                condition=Q(period_statuses__period=period, period_statuses__include_submitted=True),
            ),
            update_state=Coalesce("row__update_state", Value("")),
            chase_status=Coalesce("row__status", Value(NO_UPDATE)),
        )
        # On the annotations: a plain WHERE on the joined row (an exclude() across the relation would not be).
        .filter(~Q(update_state__in=SUBMITTED_OR_ACCEPTED) & ~Q(chase_status=RAG.COMPLETE))
        .order_by("owner__last_name", "owner__first_name", "owner__username", "reference")
    )


def chase_list(*, strategy: Strategy, period: ReportingPeriod) -> list[tuple[object, list[ChaseItem]]]:
    """Deliverables in scope with no submitted or accepted update for the period, grouped by owner."""
    groups: dict[int, tuple[object, list[ChaseItem]]] = {}
    for d in _chase_queryset(strategy=strategy, period=period).select_related("owner"):
        groups.setdefault(d.owner_id, (d.owner, []))[1].append(ChaseItem(d, d.update_state or ""))
    return list(groups.values())


CHASE_PAGE_SIZE = 50


@dataclass
class ChaseGroup:
    """One owner's deliverables on a page of the chase list."""

    owner: object
    items: list[ChaseItem]
    waiting: int  # all of the owner's deliverables waiting, on every page
    continued: bool  # the owner's list began on an earlier page


@dataclass
class ChasePage:
    """A page of the chase list for the dashboard, with how many deliverables and owners are waiting in all."""

    deliverables: int  # waiting, on every page
    owners: int
    page: Page  # of deliverables; its paginator's count is `deliverables`
    groups: list[ChaseGroup]


def chase_list_page(
    *, strategy: Strategy, period: ReportingPeriod, number: object = 1, per_page: int = CHASE_PAGE_SIZE
) -> ChasePage:
    """One page of the chase list (as chase_list, at most `per_page` deliverables), with the totals.

    Two queries whatever the size: the counts, then the page's rows. An invalid or out-of-range page number
    gives the first or last page, as Paginator.get_page does.
    """
    qs = _chase_queryset(strategy=strategy, period=period)
    totals = qs.aggregate(deliverables=Count("pk"), owners=Count("owner", distinct=True))
    paginator = Paginator(qs, per_page)
    paginator.count = totals["deliverables"]  # already counted with the owners: no second COUNT query
    page = paginator.get_page(number)
    # Per owner, over the whole list rather than the page: how many are waiting, and each one's place in the
    # owner's list, so an owner carried over from the previous page can say so. Window functions are
    # evaluated before LIMIT and OFFSET, so they see every row.
    first = (page.number - 1) * per_page
    rows = list(
        qs.select_related("owner").annotate(
            owner_waiting=Window(Count("pk"), partition_by=[F("owner_id")]),
            owner_position=Window(RowNumber(), partition_by=[F("owner_id")], order_by=F("reference").asc()),
        )[first : first + per_page]
    )
    page.object_list = rows
    groups: dict[int, ChaseGroup] = {}
    for d in rows:
        if d.owner_id not in groups:
            groups[d.owner_id] = ChaseGroup(d.owner, [], d.owner_waiting, d.owner_position > 1)
        groups[d.owner_id].items.append(ChaseItem(d, d.update_state or ""))
    return ChasePage(
        deliverables=totals["deliverables"], owners=totals["owners"], page=page, groups=list(groups.values())
    )


@dataclass
class Coverage:
    aims: list[Aim]
    rows: list[tuple[Principle, list[int], int]]  # principle, count per aim (in aims order), total

    @property
    def uncovered(self) -> list[Principle]:
        return [principle for principle, _, total in self.rows if total == 0]


def principle_coverage(*, strategy: Strategy) -> Coverage:
    """Aims × principles: how many active deliverables uphold each principle under each aim."""
    aims = list(strategy.aims.order_by("number"))
    principles = list(strategy.principles.order_by("number"))
    links = DeliverablePrinciple.objects.filter(principle__strategy=strategy, deliverable__is_active=True)
    cells = {
        (item["principle_id"], item["deliverable__theme__aims"]): item["n"]
        for item in links.values("principle_id", "deliverable__theme__aims").annotate(
            n=Count("deliverable_id", distinct=True)
        )
    }
    totals = {
        item["principle_id"]: item["n"]
        for item in links.values("principle_id").annotate(n=Count("deliverable_id", distinct=True))
    }
    rows = [(p, [cells.get((p.pk, a.pk), 0) for a in aims], totals.get(p.pk, 0)) for p in principles]
    return Coverage(aims=aims, rows=rows)
