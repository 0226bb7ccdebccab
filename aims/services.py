"""Writes that matter for the delivery tree and progress. Views and tasks call these, never the ORM directly."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field, fields
from decimal import Decimal
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role
from aims import exempt
from aims.business_rules import CompleteMeans100, RedNeedsCorrectiveAction, SubmittedHasStatusAndPercent
from aims.models import Deliverable, Evidence, Milestone, ProgressUpdate, ReportingPeriod, StagedUpload, Strategy
from aims.rules import can_record_progress, can_review, review_conflict
from aims.selectors import Recordable, recordable_period
from core import freshness, wording
from core.errors import DomainError
from core.notifications import absolute_url, notify

logger = logging.getLogger(__name__)


MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return dt.date(year, month, 1) if day.day == 1 else dt.date(year, month, min(day.day, 28))


def period_label(start: dt.date, end: dt.date) -> str:
    """ "April to September 2026", or "October 2026 to March 2027" across a year end."""
    if start.year == end.year:
        if start.month == end.month:
            return f"{MONTHS[start.month - 1]} {start.year}"
        return f"{MONTHS[start.month - 1]} to {MONTHS[end.month - 1]} {end.year}"
    return f"{MONTHS[start.month - 1]} {start.year} to {MONTHS[end.month - 1]} {end.year}"


def period_status_on(start: dt.date, end: dt.date, today: dt.date) -> str:
    if end < today:
        return ReportingPeriod.Status.CLOSED
    if start <= today:
        return ReportingPeriod.Status.OPEN
    return ReportingPeriod.Status.UPCOMING


@freshness.atomic
def reporting_periods_generate(*, strategy: Strategy, today: dt.date | None = None) -> list[ReportingPeriod]:
    """Create the strategy's reporting periods from its cadence, from start to end date.

    Existing periods (matched by start date) are kept as they are, so edited labels and deadlines survive, and
    a period that would overlap one already there (after the strategy's dates or cadence changed) is not added:
    nothing is ever deleted or doubled. The update deadline defaults to the last day of the period. The period
    containing today is opened unless another period is already open.
    """
    today = today or timezone.localdate()
    step = strategy.cadence_months
    existing = {p.start_date: p for p in strategy.periods.all()}
    has_open = any(p.status == ReportingPeriod.Status.OPEN for p in existing.values())
    periods = []
    start = strategy.start_date
    while start <= strategy.end_date:
        end = min(add_months(start, step) - dt.timedelta(days=1), strategy.end_date)
        period = existing.get(start)
        overlaps = period is None and any(p.start_date <= end and start <= p.end_date for p in existing.values())
        if period is None and not overlaps:
            status = period_status_on(start, end, today)
            if status == ReportingPeriod.Status.OPEN:
                if has_open:
                    status = ReportingPeriod.Status.UPCOMING
                has_open = True
            period = ReportingPeriod.objects.create(
                strategy=strategy,
                label=period_label(start, end),
                start_date=start,
                end_date=end,
                deadline=end,
                status=status,
            )
            freshness.mark(strategy_wide=[strategy.pk], periods=[strategy.pk])
        if period is not None:
            periods.append(period)
        start = end + dt.timedelta(days=1)
    return periods


@freshness.atomic
def reporting_periods_roll_over(*, strategy: Strategy, today: dt.date | None = None) -> list[ReportingPeriod]:
    """Close the open period once its end date has passed and open the one containing today.

    Returns the periods closed by this call, so callers can act on them (e.g. draft a committee report).
    Safe to run any number of times: the strategy row is locked, and a second run finds nothing to do.
    """
    today = today or timezone.localdate()
    Strategy.objects.select_for_update().filter(pk=strategy.pk).first()
    reporting_periods_generate(strategy=strategy, today=today)
    closed = []
    for period in strategy.periods.filter(status=ReportingPeriod.Status.OPEN, end_date__lt=today):
        period.status = ReportingPeriod.Status.CLOSED
        period.save(update_fields=["status"])
        closed.append(period)
    opened = None
    if not strategy.periods.filter(status=ReportingPeriod.Status.OPEN).exists():
        # Only an upcoming one: a period its lead closed early stays closed (aims/periods.py).
        opened = strategy.periods.filter(
            status=ReportingPeriod.Status.UPCOMING, start_date__lte=today, end_date__gte=today
        ).first()
        if opened is not None:
            opened.status = ReportingPeriod.Status.OPEN
            opened.save(update_fields=["status"])
    # Periods wholly in the past that were never opened are closed too, so nothing stays "upcoming" behind us.
    behind = strategy.periods.filter(status=ReportingPeriod.Status.UPCOMING, end_date__lt=today).update(
        status=ReportingPeriod.Status.CLOSED
    )
    if closed or opened or behind:  # a day with nothing to roll over leaves every cached page as it is
        freshness.mark(strategy_wide=[strategy.pk], periods=[strategy.pk])
    return closed


# Progress updates and evidence


class ConcurrentEditError(DomainError):
    """Someone saved the update after this person opened it. `current` is the update as it is now."""

    def __init__(self, current):
        self.current = current
        who = current.history.first()
        name = who.history_user.display_name if who and who.history_user else "Someone else"
        when = wording.govuk_datetime(current.updated_at)
        super().__init__(
            f"{name} saved this update on {when}, after you opened it. Your changes have not been saved yet: "
            "check what they changed below, then save again to keep your version."
        )


@dataclass(frozen=True)
class ProgressAnswers:
    """The officer's answers in a progress update (the ProgressUpdate fields of the same names)."""

    rag_status: str  # "" when not given yet (a draft)
    percent_complete: int | None
    achieved: str = ""
    next_steps: str = ""
    risks_issues: str = ""
    corrective_action: str = ""
    # Exempt information (aims.exempt): the paragraph of Schedule 12A, and which of the text fields it covers.
    exempt_paragraph: int | None = None
    exempt_fields: tuple[str, ...] = ()


UPDATE_FIELDS = [f.name for f in fields(ProgressAnswers)]

# What an update needs before it goes to the board: what was achieved, and the business rules that hold only once
# it is past draft (aims/business_rules.py), so "Save as draft" saves whatever has been entered.
ACHIEVED_NEEDED = "Enter what has been achieved before you submit the update for review"
SUBMISSION_RULES = (SubmittedHasStatusAndPercent, RedNeedsCorrectiveAction)


def submission_problems(update) -> list[tuple[str, str]]:
    """(answer, message) for each thing that stops `update` (or a form's cleaned data) being submitted for review."""
    problems = []
    achieved = update.get("achieved") if isinstance(update, dict) else update.achieved
    if not (achieved or "").strip():
        problems.append(("achieved", ACHIEVED_NEEDED))
    problems += [problem for rule in SUBMISSION_RULES for problem in rule.problems(update)]
    return problems


def _submission_check(update: ProgressUpdate) -> None:
    """Refuse to submit an update that is not ready: a business rule (BusinessRuleViolation), or no achievement."""
    for rule in SUBMISSION_RULES:
        rule.check(update)
    if problems := submission_problems(update):
        raise DomainError(problems[0][1])


def progress_update_start(*, deliverable: Deliverable, period: ReportingPeriod, user) -> ProgressUpdate:
    """An unsaved update for the period, prefilled from the deliverable's previous update."""
    previous = (
        deliverable.updates.filter(period__start_date__lt=period.start_date).order_by("-period__start_date").first()
    )
    update = ProgressUpdate(deliverable=deliverable, period=period, author=user, version=0)
    if previous is not None:
        for field in UPDATE_FIELDS:
            setattr(update, field, getattr(previous, field))
        update.percent_complete = CompleteMeans100.percent(previous.rag_status, previous.percent_complete)
    else:
        update.rag_status = ""
        update.percent_complete = None
    return update


def _check_can_edit(*, update: ProgressUpdate, user) -> None:
    if not can_record_progress(user, update.deliverable):
        raise DomainError("Only the deliverable's owner and contributors can record its progress.")
    recordable = recordable_period(
        deliverable=update.deliverable, period=update.period, updates=[update] if update.pk else []
    )
    if recordable.refusal == Recordable.FINISHED:
        raise DomainError(
            f"This update has been {update.get_state_display().lower()}, so it cannot be changed. "
            "A board member can return it to you if it needs changing."
        )
    if recordable.refusal:
        raise DomainError(recordable.message)


@dataclass
class EvidenceInput:
    files: list = field(default_factory=list)  # (UploadedFile or StagedUpload, CheckedFile)
    links: list[tuple[str, str]] = field(default_factory=list)  # (title, url)
    figures: list[tuple[str, Decimal, str]] = field(default_factory=list)  # (name, value, unit)
    notes: list[str] = field(default_factory=list)
    remove_ids: list[int] = field(default_factory=list)


@freshness.atomic
def progress_update_save(
    *,
    update: ProgressUpdate,
    answers: ProgressAnswers,
    user,
    expected_version: int,
    submit: bool,
    evidence: EvidenceInput | None = None,
    milestones_completed: list[Milestone] | dict[Milestone, dt.date | None] | None = None,
    entered_by=None,
) -> ProgressUpdate:
    """Save a draft or submit an update for review, with its evidence, guarding against lost edits.

    `entered_by`: a lead typing the answers in for `user`, the owner (the progress sheet; see `_set_author`).
    `expected_version` is the version the person opened (0 for a new update). If anyone saved since,
    ConcurrentEditError is raised and nothing is written. `milestones_completed`: the milestones this update
    completes, each with the date it was achieved (a list, or None as a date: today, or the date already held);
    one this update completed before and no longer lists is no longer complete. None changes no milestone.
    """
    _check_can_edit(update=update, user=user)
    deliverable = update.deliverable
    if update.pk:
        current = ProgressUpdate.objects.select_for_update().get(pk=update.pk)
        if current.version != expected_version:
            raise ConcurrentEditError(current)
        update = current
    elif ProgressUpdate.objects.filter(deliverable=update.deliverable, period=update.period).exists():
        current = ProgressUpdate.objects.select_for_update().get(deliverable=update.deliverable, period=update.period)
        raise ConcurrentEditError(current)

    _apply_answers(update, answers)
    if submit:
        _submission_check(update)
    elif update.state == ProgressUpdate.State.RETURNED:  # still past draft: the database holds it to these rules
        for rule in SUBMISSION_RULES:
            rule.check(update)
    previous_state, stored = update.state, bool(update.pk)
    _set_author(update, user, entered_by)
    update.version = (update.version or 0) + 1
    if submit:
        update.state = ProgressUpdate.State.SUBMITTED
        update.submitted_at = timezone.now()
    elif update.state != ProgressUpdate.State.RETURNED:
        update.state = ProgressUpdate.State.DRAFT
    try:
        update.save()
    except IntegrityError as exc:
        raise DomainError("This update could not be saved because it breaks a rule; check each answer.") from exc

    if milestones_completed is not None:
        _milestones_complete(update, milestones_completed, user=user)
    if evidence is not None:
        evidence_apply(update=update, evidence=evidence, user=user)
    _mark_saved(deliverable, again=stored and update.state == previous_state and update.is_editable)
    if submit:
        transaction.on_commit(lambda: notify_update_submitted(update_id=update.pk, previous_state=previous_state))
    return update


def _apply_answers(update: ProgressUpdate, answers: ProgressAnswers) -> None:
    update.rag_status = answers.rag_status
    update.percent_complete = CompleteMeans100.percent(answers.rag_status, answers.percent_complete)
    update.achieved = answers.achieved
    update.next_steps = answers.next_steps
    update.risks_issues = answers.risks_issues
    update.corrective_action = answers.corrective_action
    marked = [name for name in exempt.UPDATE_FIELDS if name in answers.exempt_fields]
    update.exempt_paragraph = exempt.valid_paragraph(answers.exempt_paragraph) if marked else None
    update.exempt_fields = marked if update.exempt_paragraph else []


def _set_author(update: ProgressUpdate, user, entered_by) -> None:
    """The update is the author's; when a strategy lead typed it in for them (the progress sheet), it says so, and
    its history reads "Entered by X on behalf of Y". A version the author saves themselves clears the mark."""
    update.author = user
    update.entered_by = entered_by
    if entered_by is not None:
        update._change_reason = f"Entered by {entered_by} on behalf of {user}"
        update._history_user = entered_by


def _mark_saved(deliverable: Deliverable, *, again: bool) -> None:
    """A draft (or returned update) saved `again` in the same state changes its page and its people's homes, but
    nothing the strategy's dashboard or figures show: the dashboard stays cached, the strategy row unwritten."""
    if again:
        freshness.mark(deliverable_pages=[deliverable.pk])
    else:
        freshness.mark(strategies=[deliverable.strategy_id], deliverables=[deliverable.pk])


def _milestones_complete(update: ProgressUpdate, chosen, *, user) -> None:
    """Link the update to the milestones it completes and date them (one UPDATE, one INSERT of their history);
    clear the date of any it completed before and no longer does, unless another update completed it."""
    chosen = dict.fromkeys(chosen) if isinstance(chosen, list) else dict(chosen)
    today = timezone.localdate()
    starts_on = update.deliverable.strategy.start_date
    for milestone, day in chosen.items():
        if day and (day > today or day < starts_on):
            raise DomainError(
                f"The date {milestone.title} was achieved must be between {starts_on:%-d %B %Y}, when the strategy "
                "started, and today."
            )
    before = set(update.milestones_completed.values_list("pk", flat=True))
    update.milestones_completed.set(list(chosen))
    changed = []
    for milestone, day in chosen.items():
        day = day or milestone.completed_on or today
        if milestone.completed_on != day:
            milestone.completed_on = day
            changed.append(milestone)
    dropped = before - {m.pk for m in chosen}
    if dropped:
        for milestone in Milestone.objects.filter(pk__in=dropped, completed_in_updates=None).exclude(completed_on=None):
            milestone.completed_on = None
            changed.append(milestone)
    if changed:
        Milestone.objects.bulk_update(changed, ["completed_on"])
        Milestone.history.bulk_history_create(changed, update=True, default_user=user)


def evidence_apply(*, update: ProgressUpdate, evidence: EvidenceInput, user) -> None:
    if evidence.remove_ids:
        for item in update.evidence.filter(pk__in=evidence.remove_ids):
            item.delete()  # the file itself stays on disk: the history still refers to it
    for source, checked in evidence.files:
        evidence_attach_file(update=update, source=source, checked=checked, user=user)
    # Links, figures and notes in one INSERT, and their history in another.
    items = [
        Evidence(update=update, kind=Evidence.Kind.LINK, title=title, url=url, added_by=user)
        for title, url in evidence.links
    ]
    items += [
        Evidence(
            update=update, kind=Evidence.Kind.FIGURE, title=name, figure_value=value, figure_unit=unit, added_by=user
        )
        for name, value, unit in evidence.figures
    ]
    items += [Evidence(update=update, kind=Evidence.Kind.NOTE, note=note, added_by=user) for note in evidence.notes]
    if items:
        Evidence.history.bulk_history_create(Evidence.objects.bulk_create(items), default_user=user)
    freshness.mark(deliverable_pages=[update.deliverable_id])  # evidence shows on its page, not in the figures


def evidence_attach_file(*, update: ProgressUpdate, source, checked, user) -> Evidence:
    """Store a checked file under a generated name; the person's file name is kept only for display."""
    if isinstance(source, StagedUpload):
        file = source.file
        evidence = Evidence(
            update=update,
            kind=Evidence.Kind.FILE,
            original_name=source.original_name,
            size_bytes=source.size_bytes,
            content_type=source.content_type,
            sha256=source.sha256,
            added_by=user,
        )
        evidence.file.name = file.name
        evidence.save()
        source.delete()  # the row only; the stored file now belongs to the evidence
        return evidence
    evidence = Evidence(
        update=update,
        kind=Evidence.Kind.FILE,
        original_name=checked.original_name,
        size_bytes=checked.size_bytes,
        content_type=checked.content_type,
        sha256=checked.sha256,
        added_by=user,
    )
    evidence.file.save(
        generated_name(checked.original_name), _content_to_store(source=source, checked=checked), save=False
    )
    evidence.save()
    return evidence


def _content_to_store(*, source, checked):
    """The checked file's own bytes when checking made cleaner ones (a re-encoded image), else the upload."""
    return source if checked.content is None else ContentFile(checked.content)


def generated_name(original_name: str) -> str:
    suffix = PurePath(original_name).suffix.lower()
    return f"{uuid.uuid4().hex}{suffix}"


def staged_upload_create(*, user, deliverable: Deliverable, period: ReportingPeriod, source, checked) -> StagedUpload:
    """Keep a valid file the person chose for the deliverable's update for the period while another answer on the
    form needs correcting: it is offered on that form only, and attached when it is next saved."""
    staged = StagedUpload(
        user=user,
        deliverable=deliverable,
        period=period,
        original_name=checked.original_name,
        size_bytes=checked.size_bytes,
        content_type=checked.content_type,
        sha256=checked.sha256,
    )
    staged.file.save(
        generated_name(checked.original_name), _content_to_store(source=source, checked=checked), save=False
    )
    staged.save()
    return staged


def staged_upload_remove(*, staged: StagedUpload) -> None:
    """Delete a kept file the person removed, with its stored file."""
    staged.file.delete(save=False)
    staged.delete()


def staged_uploads_clean(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Remove kept files (StagedUpload) that can never be attached: their update was accepted, or their period
    closed with no update returned to correct. Kept files are otherwise kept until the person removes them or
    saves the form, however long that takes; `older_than` spares ones chosen just now."""
    count = 0
    stale = StagedUpload.objects.filter(created_at__lt=timezone.now() - older_than).select_related("period")
    for staged in stale:
        recordable = recordable_period(deliverable=staged.deliverable, period=staged.period)
        accepted = recordable.update is not None and recordable.update.state == ProgressUpdate.State.ACCEPTED
        if recordable.refusal == Recordable.CLOSED or accepted:
            staged_upload_remove(staged=staged)
            count += 1
    return count


@freshness.atomic
def progress_update_submit(*, update: ProgressUpdate, user, expected_version: int) -> ProgressUpdate:
    """Submit a saved update for review as it stands, after the person checked their answers.

    `expected_version` is the version they checked: if anyone saved since, ConcurrentEditError is raised and
    nothing is written. Refused with the first problem of `submission_problems` if the update is not ready.
    """
    if not update.pk:
        raise DomainError("Save your answers before you submit them.")
    _check_can_edit(update=update, user=user)
    current = ProgressUpdate.objects.select_for_update().select_related("deliverable").get(pk=update.pk)
    if current.version != expected_version:
        raise ConcurrentEditError(current)
    _submission_check(current)
    previous_state = current.state
    current.state = ProgressUpdate.State.SUBMITTED
    current.submitted_at = timezone.now()
    current.author = user
    current.version += 1
    current.save()
    freshness.mark(strategies=[current.deliverable.strategy_id], deliverables=[current.deliverable_id])
    transaction.on_commit(lambda: notify_update_submitted(update_id=current.pk, previous_state=previous_state))
    return current


@freshness.atomic
def progress_update_review(*, update: ProgressUpdate, user, accept: bool, comment: str = "") -> ProgressUpdate:
    """Accept an update, or return it to the officer with a comment saying what to change."""
    if not can_review(user, update.deliverable.strategy):
        raise DomainError("Only board members of this strategy can review its updates.")
    update = ProgressUpdate.objects.select_for_update().select_related("deliverable").get(pk=update.pk)
    conflict = review_conflict(user, update)
    if conflict:
        raise DomainError(f"You cannot review this update because {conflict}. Another board member must review it.")
    if update.state != ProgressUpdate.State.SUBMITTED:
        raise DomainError(f"This update is {update.get_state_display().lower()}, so it cannot be reviewed now.")
    if not accept and not comment.strip():
        raise DomainError("Enter a comment saying what the officer needs to change.")
    update.state = ProgressUpdate.State.ACCEPTED if accept else ProgressUpdate.State.RETURNED
    update.reviewer = user
    update.review_comment = comment.strip()
    update.reviewed_at = timezone.now()
    update.version += 1
    update.save()
    freshness.mark(strategies=[update.deliverable.strategy_id], deliverables=[update.deliverable_id])
    if not accept:
        transaction.on_commit(lambda: notify_update_returned(update_id=update.pk))
    return update


# Emails (core.notifications, templates/emails/). Sent after the transaction commits; a mail failure is logged and
# never undoes the saved work.


def notify_update_submitted(*, update_id: int, previous_state: str) -> None:
    update = ProgressUpdate.objects.select_related("deliverable__strategy", "period", "author").get(pk=update_id)
    deliverable = update.deliverable
    board = Membership.objects.filter(strategy=deliverable.strategy, role=Role.BOARD, user__is_active=True)
    notify(
        template="update_submitted",
        to=[m.user.email for m in board.select_related("user")],
        context={
            "update": update,
            "deliverable": deliverable,
            "again": previous_state == ProgressUpdate.State.RETURNED,
            "review_url": absolute_url(reverse("aims:update_review", args=[update.pk])),
        },
    )


def notify_update_returned(*, update_id: int) -> None:
    update = ProgressUpdate.objects.select_related("deliverable__owner", "period", "reviewer").get(pk=update_id)
    deliverable = update.deliverable
    notify(
        template="update_returned",
        to=[deliverable.owner.email, update.author.email],
        context={
            "update": update,
            "deliverable": deliverable,
            "correct_url": absolute_url(reverse("aims:progress_update", args=[deliverable.pk, update.period_id])),
        },
    )
