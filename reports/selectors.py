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
    CharField,
    Count,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from aims.business_rules import CompleteMeans100
from aims.models import RAG, Aim, Deliverable, ProgressUpdate, ReportingPeriod, Strategy, Theme
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
    previous: ReportingPeriod | None,
    include_submitted: bool = INCLUDE_SUBMITTED_DEFAULT,
    awaiting_review: bool = True,
) -> QuerySet[Deliverable]:
    """Deliverables in scope, annotated with their figures for the period, in a single query.

    `awaiting_review=False` (the public view: nothing submitted shows) leaves "Awaiting review" out of the status,
    which is then what it would be had the uncounted update not been submitted.

    This period's and the previous period's counted updates are joined (at most one each, by the
    one-update-per-period rule), and this period's update in whatever state it is; only the carried-forward
    figures need subqueries.
    """
    states = counted_states(include_submitted=include_submitted)
    counted = ProgressUpdate.objects.filter(deliverable=OuterRef("pk"), state__in=states).order_by()
    up_to = counted.filter(period__start_date__lte=period.start_date).order_by("-period__start_date")
    qs = deliverables_in_scope(strategy=strategy, period=period)
    qs = qs.annotate(
        current=FilteredRelation("updates", condition=Q(updates__period=period, updates__state__in=states)),
        this_period=FilteredRelation("updates", condition=Q(updates__period=period)),
        period_update_id=F("current__pk"),
        period_rag=F("current__rag_status"),
        period_percent=F("current__percent_complete"),
        period_state=F("current__state"),
        period_corrective=F("current__corrective_action"),
        period_achieved=F("current__achieved"),
        period_next=F("current__next_steps"),
        period_risks=F("current__risks_issues"),
        update_state=F("this_period__state"),
        last_percent=Subquery(up_to.values("percent_complete")[:1]),
        last_period_label=Subquery(up_to.values("period__label")[:1]),
        last_update_at=Subquery(up_to.values("submitted_at")[:1]),
    )
    if previous:
        qs = qs.annotate(
            previous_update=FilteredRelation(
                "updates", condition=Q(updates__period=previous, updates__state__in=states)
            ),
            previous_rag=F("previous_update__rag_status"),
        )
    else:
        qs = qs.annotate(previous_rag=Value(None, output_field=CharField()))
    # The status the board reads, as a column so it can be filtered on. A submitted update that is not counted
    # makes "Awaiting review", never "No update".
    earlier_complete = counted.filter(period__start_date__lt=period.start_date, rag_status=RAG.COMPLETE)
    awaiting = Case(When(this_period__state=ProgressUpdate.State.SUBMITTED, then=Value(AWAITING_REVIEW)))
    earlier = Subquery(earlier_complete.values("rag_status")[:1])
    qs = qs.annotate(status=Coalesce("period_rag", *([awaiting] if awaiting_review else []), earlier, Value(NO_UPDATE)))
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


def row_from(deliverable: Deliverable, *, as_at: dt.date) -> Row:
    status = deliverable.status
    reported = deliverable.period_percent
    percent = CompleteMeans100.percent(status, reported if reported is not None else deliverable.last_percent or 0)
    overdue = bool(deliverable.due_date and deliverable.due_date < as_at and status != RAG.COMPLETE)
    return Row(
        deliverable=deliverable,
        status=status,
        percent=percent,
        reported_percent=deliverable.period_percent,
        direction=direction_of_travel(deliverable.previous_rag, deliverable.period_rag),
        overdue=overdue,
        aims=list(deliverable.theme.aims.all()),
        last_update_at=deliverable.last_update_at,
        update_state=deliverable.update_state or "",
        carried_from=(deliverable.last_period_label or "") if reported is None else "",
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


@dataclass
class PeriodFigures:
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
    def counted_description(self) -> str:
        return counted_updates_description(
            include_submitted=self.include_submitted, awaiting_review=self.awaiting_review
        )

    @property
    def exceptions(self) -> list[Row]:
        """Red then amber deliverables, for exception reporting."""
        return [r for r in self.rows if r.status == RAG.RED] + [r for r in self.rows if r.status == RAG.AMBER]

    @property
    def furthest_behind(self) -> tuple[Aim, Figures] | None:
        scored = [(aim, figures) for aim, figures in self.by_aim if figures.total]
        return min(scored, key=lambda item: (item[1].percent_complete, -item[1].counts[RAG.RED])) if scored else None


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


def rag_trend(
    *,
    strategy: Strategy,
    periods: list[ReportingPeriod],
    up_to: ReportingPeriod,
    include_submitted: bool = INCLUDE_SUBMITTED_DEFAULT,
) -> list[tuple[ReportingPeriod, dict[str, int]]]:
    """RAG counts for every period up to and including `up_to`, by the same rules as period_figures."""
    states = counted_states(include_submitted=include_submitted)
    shown = [p for p in periods if p.start_date <= up_to.start_date]
    starts = dict(Deliverable.objects.filter(strategy=strategy, is_active=True).values_list("pk", "start_date"))
    reported: dict[int, dict[int, str]] = defaultdict(dict)  # period -> deliverable -> rag
    # .order_by(): ProgressUpdate's default ordering would add joins that this count does not need.
    for deliverable_id, period_id, rag, state in (
        ProgressUpdate.objects.filter(
            period__in=shown,
            state__in=SUBMITTED_OR_ACCEPTED,
            deliverable__strategy=strategy,
            deliverable__is_active=True,
        )
        .order_by()
        .values_list("deliverable_id", "period_id", "rag_status", "state")
    ):
        reported[period_id][deliverable_id] = rag if state in states else AWAITING_REVIEW
    trend = []
    completed: set[int] = set()  # reported complete in an earlier period
    for period in shown:
        counts = dict.fromkeys(RAG_KEYS, 0)
        this_period = reported[period.pk]
        for deliverable_id, start in starts.items():
            if start is not None and start > period.end_date:
                continue
            rag = this_period.get(deliverable_id)
            if rag is None:
                rag = RAG.COMPLETE if deliverable_id in completed else NO_UPDATE
            counts[rag] += 1
        completed.update(d for d, rag in this_period.items() if rag == RAG.COMPLETE)
        trend.append((period, counts))
    return trend


@dataclass
class ChaseItem:
    deliverable: Deliverable
    state: str  # "" (nothing started), "draft" or "returned"

    @property
    def state_label(self) -> str:
        return update_state(self.state or NOT_STARTED).waiting_label


def _chase_queryset(*, strategy: Strategy, period: ReportingPeriod) -> QuerySet[Deliverable]:
    """Deliverables in scope with no submitted or accepted update for the period, by owner, then reference."""
    in_period = ProgressUpdate.objects.filter(deliverable=OuterRef("pk"), period=period).order_by()
    return (
        Deliverable.objects.filter(strategy=strategy, is_active=True)
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=period.end_date))
        .annotate(update_state=Subquery(in_period.values("state")[:1]))
        # Spelled out: a bare exclude() would also drop deliverables with no update at all (NULL).
        .filter(Q(update_state__isnull=True) | ~Q(update_state__in=SUBMITTED_OR_ACCEPTED))
        .exclude(
            pk__in=ProgressUpdate.objects.filter(
                period__strategy=strategy,
                period__start_date__lt=period.start_date,
                rag_status=RAG.COMPLETE,
                state__in=SUBMITTED_OR_ACCEPTED,
            )
            .order_by()
            .values("deliverable_id")
        )
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
