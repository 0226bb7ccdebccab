"""Reads that matter for the delivery tree and progress, shaped so query counts do not grow with data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Role
from aims import update_states
from aims.models import (
    Aim,
    Deliverable,
    Evidence,
    Organisation,
    ProgressUpdate,
    ReportingPeriod,
    StagedUpload,
    Strategy,
    Theme,
)
from aims.rules import roles_by_strategy, visible_strategies
from core import wording
from principles.models import DeliverablePrinciple


def organisation_single_get() -> Organisation | None:
    """The council, when the portal holds only one (a council's own deployment); else None."""
    organisations = list(Organisation.objects.all()[:2])
    return organisations[0] if len(organisations) == 1 else None


def strategy_list(*, user, with_counts: bool = False) -> QuerySet[Strategy]:
    qs = visible_strategies(user).select_related("organisation").order_by("organisation__name", "title")
    if with_counts:
        count = (
            Deliverable.objects.filter(strategy=OuterRef("pk"))
            .order_by()
            .values("strategy")
            .annotate(n=Count("pk"))
            .values("n")
        )
        qs = qs.annotate(deliverable_count=Coalesce(Subquery(count), 0))
    return qs


def strategy_get_tree(*, slug: str) -> Strategy:
    """A strategy with its aims, themes and deliverables loaded in a fixed number of queries."""
    return (
        Strategy.objects.select_related("organisation")
        .prefetch_related(
            Prefetch("aims", queryset=Aim.objects.order_by("number")),
            Prefetch(
                "themes",
                queryset=Theme.objects.order_by("number")
                .prefetch_related("aims")
                .annotate(deliverable_count=Count("deliverables")),
            ),
            "principles",
            Prefetch("linked_strategies", queryset=Strategy.objects.order_by("title")),
        )
        .get(slug=slug)
    )


def open_periods_by_strategy(*, strategy_ids) -> dict[int, ReportingPeriod]:
    return {
        p.strategy_id: p
        for p in ReportingPeriod.objects.filter(strategy_id__in=strategy_ids, status=ReportingPeriod.Status.OPEN)
    }


@dataclass(frozen=True)
class Recordable:
    """The answer of `recordable_period`: `refusal` is empty when progress may be recorded for `period`."""

    FINISHED: ClassVar[str] = "finished"  # its update was submitted or accepted
    CLOSED: ClassVar[str] = "closed"  # the period is not open, and its update was not returned

    period: ReportingPeriod
    update: ProgressUpdate | None  # the deliverable's update for the period, if it has one
    refusal: str = ""

    @property
    def message(self) -> str:
        """Why progress cannot be recorded, as the person is told; empty when it can."""
        if self.refusal == self.FINISHED:
            return f"The {self.period.label} update has been {self.update.get_state_display().lower()}."
        if self.refusal == self.CLOSED:
            return f"The reporting period {self.period.label} is not open for updates."
        return ""


def recordable_period(*, deliverable: Deliverable, period: ReportingPeriod, updates=None) -> Recordable:
    """Whether progress may be recorded for the deliverable in the period, and if not why: the one rule that the
    progress form, the service saving it and the deliverable page's "Record progress" button all follow. An update
    is recorded while its period is open, until it is submitted; a returned update may be corrected whatever its
    period's status. Who may record is aims.rules.can_record_progress.
    `updates`: the deliverable's updates (or just this period's), when the caller has read them already."""
    if updates is None:
        update = ProgressUpdate.objects.filter(deliverable=deliverable, period=period).first()
    else:
        update = next((u for u in updates if u.period_id == period.pk), None)
    if update is not None and not update.is_editable:
        return Recordable(period, update, Recordable.FINISHED)
    if not period.is_open and (update is None or update.state != ProgressUpdate.State.RETURNED):
        return Recordable(period, update, Recordable.CLOSED)
    return Recordable(period, update)


def period_to_record(
    *, deliverable: Deliverable, open_period: ReportingPeriod | None, updates: list[ProgressUpdate]
) -> ReportingPeriod | None:
    """The period the deliverable page offers to record: a returned update's first, else the open period, if
    `recordable_period` allows it. `updates`: all the deliverable's updates, newest first."""
    returned = [u.period for u in updates if u.state == ProgressUpdate.State.RETURNED]
    for period in [*returned, *([open_period] if open_period else [])]:
        if not recordable_period(deliverable=deliverable, period=period, updates=updates).refusal:
            return period
    return None


def progress_update_to_check(*, pk: int) -> ProgressUpdate:
    """An update with what "Check your answers" shows: its deliverable, period, evidence and milestones."""
    return (
        ProgressUpdate.objects.select_related("deliverable__strategy", "period", "author", "reviewer", "entered_by")
        .prefetch_related("evidence", "milestones_completed")
        .get(pk=pk)
    )


def staged_uploads(*, user, deliverable: Deliverable, period: ReportingPeriod) -> list[StagedUpload]:
    """The files the person chose for the deliverable's update for the period and that were kept while they
    corrected the form, listed there (and nowhere else) as "Files you have added"."""
    return list(StagedUpload.objects.filter(user=user, deliverable=deliverable, period=period))


@dataclass
class OfficerDeliverable:
    deliverable: Deliverable
    period: ReportingPeriod | None
    update: ProgressUpdate | None

    STATE_ORDER = update_states.ORDER

    @property
    def state(self) -> str:
        if self.period is None:
            return "no_period"
        return self.update.state if self.update else "not_started"

    @property
    def state_label(self) -> str:
        return update_states.update_state(self.state).label

    @property
    def overdue(self) -> bool:
        """Due before today and not complete (this period's update, if any, does not say complete): the
        dashboard's definition (reports/selectors.py) as at today. Home bodies are cached per day."""
        due = self.deliverable.due_date
        complete = self.update is not None and self.update.rag_status == "complete"
        return bool(due and due < timezone.localdate() and not complete)


def officer_deliverable_versions(*, user) -> list[tuple[int, int, int, bool]]:
    """(pk, data_version, strategy_id, is_active) of every deliverable the person owns or contributes to, by pk:
    keys their home page and tells which strategies they work in. A UNION of two index lookups: an OR of owner
    and contributor made PostgreSQL scan every deliverable."""
    fields = ("pk", "data_version", "strategy_id", "is_active")
    owned = Deliverable.objects.filter(owner=user).order_by().values_list(*fields)
    contributed = Deliverable.objects.filter(contributors=user).order_by().values_list(*fields)
    return sorted(owned.union(contributed))


def home_strategies(*, user, versions: list[tuple[int, int, int, bool]]) -> list[Strategy]:
    """The strategies the person may see (aims.rules.visible_strategies: member of, or owns or contributes to
    a deliverable in), from what the home page has read already: their roles and `officer_deliverable_versions`.
    One plain query instead of visible_strategies' three subqueries, on the page officers open most."""
    if user.is_superuser:
        return list(strategy_list(user=user))
    ids = set(roles_by_strategy(user)) | {strategy_id for _, _, strategy_id, _ in versions}
    return list(
        Strategy.objects.filter(pk__in=ids).select_related("organisation").order_by("organisation__name", "title")
    )


def officer_deliverable_list(*, user, ids: list[int] | None = None) -> list[tuple[Strategy, list[OfficerDeliverable]]]:
    """The deliverables a person owns or contributes to, grouped by strategy, each with its state for the open
    period; returned updates first, then not started, drafts, submitted and accepted. Fixed query count.
    `ids`: the deliverables they own or contribute to, when the caller has read them already."""
    finished = ProgressUpdate.objects.filter(  # an accepted update said complete, so nothing more is due
        deliverable=OuterRef("pk"), rag_status="complete", state=ProgressUpdate.State.ACCEPTED
    ).order_by()
    deliverables = list(
        Deliverable.objects.filter(
            pk__in=ids if ids is not None else [row[0] for row in officer_deliverable_versions(user=user)],
            is_active=True,
        )
        .exclude(Exists(finished))
        .select_related("strategy__organisation", "theme", "owner")
        .order_by("strategy__title", "reference")
    )
    periods = open_periods_by_strategy(strategy_ids={d.strategy_id for d in deliverables})
    # Not yet started by the end of the open period: nothing is due from them yet.
    deliverables = [
        d
        for d in deliverables
        if d.start_date is None or d.strategy_id not in periods or d.start_date <= periods[d.strategy_id].end_date
    ]
    updates = {
        (u.deliverable_id, u.period_id): u
        for u in ProgressUpdate.objects.filter(
            deliverable__in=deliverables, period__in=list(periods.values())
        ).select_related("reviewer")
    }
    groups: dict[int, tuple[Strategy, list[OfficerDeliverable]]] = {}
    for d in deliverables:
        period = periods.get(d.strategy_id)
        item = OfficerDeliverable(d, period, updates.get((d.pk, period.pk)) if period else None)
        groups.setdefault(d.strategy_id, (d.strategy, []))[1].append(item)
    for _, items in groups.values():
        items.sort(key=lambda i: (OfficerDeliverable.STATE_ORDER[i.state], i.deliverable.reference))
    return sorted(
        groups.values(),
        key=lambda g: (min(OfficerDeliverable.STATE_ORDER[i.state] for i in g[1]), g[0].title),
    )


def deliverable_get(*, pk: int) -> Deliverable:
    """A deliverable with everything its page shows, in a fixed number of queries."""
    return (
        Deliverable.objects.select_related("strategy__organisation", "theme", "owner")
        .prefetch_related(
            "theme__aims",
            "contributors",
            "milestones",
            Prefetch("principle_links", queryset=DeliverablePrinciple.objects.select_related("principle")),
            Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.select_related("period", "author", "reviewer", "entered_by")
                .prefetch_related("evidence")
                .order_by("-period__start_date"),
            ),
        )
        .get(pk=pk)
    )


HISTORY_LABELS = {
    "rag_status": "RAG status",
    "percent_complete": "Percent complete",
    "achieved": "What has been achieved",
    "next_steps": "What happens next",
    "risks_issues": "Risks and issues",
    "corrective_action": "Corrective action",
    "state": "State",
    "review_comment": "Review comment",
}
# Many-to-many changes are not diffed: simple_history would read them with a query per history record.
HISTORY_M2M = ["milestones_completed", "contributors", "aims"]
HISTORY_HIDDEN = {
    "version",
    "updated_at",
    "created_at",
    "submitted_at",
    "reviewed_at",
    "id",
    "file",
    "sha256",
    "entered_by",
}  # fmt: skip (who entered it on whose behalf is said by the change reason)


@dataclass
class HistoryEntry:
    when: object
    who: str
    what: str
    changes: list[tuple[str, str, str]]  # (field, before, after)


def _changes(record, prev, names: dict) -> list[tuple[str, str, str]]:
    """`names`: the related rows already read for this history, by (model, pk), so a change of owner or theme
    reads as names, not numbers, with one query per row named however often it appears."""
    if prev is None:
        return []
    delta = record.diff_against(prev, excluded_fields=HISTORY_M2M)
    changes = []
    for change in delta.changes:
        if change.field in HISTORY_HIDDEN:
            continue
        model_field = record.instance._meta.get_field(change.field)
        label = HISTORY_LABELS.get(change.field) or model_field.verbose_name
        choices = dict(model_field.choices or [])
        old, new = choices.get(change.old, change.old), choices.get(change.new, change.new)
        if model_field.many_to_one:
            old, new = (_related(model_field.related_model, pk, names) for pk in (old, new))
        changes.append((str(label).capitalize(), _display(old), _display(new)))
    return changes


def _related(model, pk, names: dict):
    if pk is None:
        return None
    if (model, pk) not in names:
        names[(model, pk)] = model._default_manager.filter(pk=pk).first() or f"(removed, number {pk})"
    return names[(model, pk)]


def _display(value) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, list):
        return f"{len(value)} item(s)"
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return wording.govuk_date(value)
    return str(value)


def deliverable_history(*, deliverable: Deliverable, limit: int = 50) -> list[HistoryEntry]:
    """Who changed what and when, across the deliverable, its updates and their evidence, newest first."""
    entries: list[HistoryEntry] = []
    kinds = {"+": "created", "~": "changed", "-": "deleted"}
    sources = [
        (deliverable.history.select_related("history_user").order_by("history_date"), lambda r: "Deliverable"),
        (
            ProgressUpdate.history.filter(deliverable_id=deliverable.pk)
            .select_related("history_user", "period")
            .order_by("history_date"),
            lambda r: f"Update for {r.period.label}",
        ),
        (
            Evidence.history.filter(update__deliverable_id=deliverable.pk)
            .select_related("history_user")
            .order_by("history_date"),
            lambda r: f"Evidence “{r.title or r.original_name or r.url or r.get_kind_display()}”",
        ),
    ]
    names: dict = {}
    for queryset, describe in sources:
        previous: dict[int, object] = {}
        for record in queryset:
            prev = previous.get(record.id)
            previous[record.id] = record
            changes = _changes(record, prev, names) if record.history_type == "~" else []
            if record.history_type == "~" and not changes:
                continue
            who = record.history_user.display_name if record.history_user else "The system"
            what = f"{describe(record)} {kinds[record.history_type]}"
            if record.history_change_reason:  # "Entered by X on behalf of Y" (the progress sheet)
                what = f"{what} ({record.history_change_reason})"
            entries.append(HistoryEntry(record.history_date, who, what, changes))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def updates_to_review(*, user) -> QuerySet[ProgressUpdate]:
    """Submitted updates in the strategies where the person is a board member, oldest first."""
    qs = ProgressUpdate.objects.filter(state=ProgressUpdate.State.SUBMITTED)
    if not user.is_superuser:
        # The strategy ids as literals (the roles are read once per request anyway), not a join through
        # memberships, whose row count PostgreSQL guesses as 1: it then probed every deliverable of the strategies
        # instead of starting from the few submitted updates (partial index update_awaiting_review).
        boards = [strategy_id for strategy_id, roles in roles_by_strategy(user).items() if Role.BOARD in roles]
        qs = qs.filter(deliverable__strategy_id__in=boards)
    # Nobody reviews their own work (aims.rules.review_conflict): such updates are listed, marked as theirs.
    own = (
        Q(author=user)
        | Q(deliverable__owner=user)
        | Exists(Deliverable.contributors.through.objects.filter(deliverable_id=OuterRef("deliverable_id"), user=user))
    )
    return (
        qs.select_related("deliverable__strategy", "deliverable__owner", "period", "author")
        .annotate(is_own_work=ExpressionWrapper(own, output_field=BooleanField()))
        .order_by("deliverable__strategy__title", "submitted_at")
    )


@dataclass(frozen=True)
class ReviewItem:
    """A submitted update on a board member's home page, with how long it has waited for review."""

    update: ProgressUpdate
    waiting_days: int

    @property
    def waiting_label(self) -> str:
        if self.waiting_days < 1:
            return "Submitted today"
        return f"Waiting {self.waiting_days} day{'' if self.waiting_days == 1 else 's'}"


def home_updates_to_review(*, user, strategy_ids, limit: int = 10) -> tuple[list[ReviewItem], int]:
    """The oldest `limit` submitted updates the person may review in `strategy_ids` (the strategies where they sit
    on the board, None for every strategy; their own work left out: aims.rules.review_conflict), and how many
    there are. At most two queries."""
    qs = updates_to_review(user=user).filter(is_own_work=False)
    if strategy_ids is not None:
        qs = qs.filter(deliverable__strategy_id__in=strategy_ids)
    now = timezone.now()
    items = [
        ReviewItem(update, (now - update.submitted_at).days if update.submitted_at else 0)
        for update in qs.order_by("submitted_at", "pk")[:limit]
    ]
    return items, (len(items) if len(items) < limit else qs.count())
