"""A lead's writes to a strategy's deliverables and their milestones: add, change, withdraw, reinstate, remove.

Owners and contributors are people with a role in the strategy (`strategy_people`, the one rule the pickers and
these services use). A deliverable with progress recorded is never removed (withdraw it instead: it leaves the
figures, its history stays); a milestone an update recorded as completed is never removed either.
Change history comes from django-simple-history on Deliverable, Milestone and DeliverablePrinciple.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError
from django.db.models import Q, QuerySet

from accounts.models import Membership, User
from aims.models import Deliverable, Milestone, Strategy, Theme
from core import freshness
from core.errors import DomainError
from principles.models import DeliverablePrinciple, Principle


def strategy_people(*, strategy: Strategy, deliverable: Deliverable | None = None) -> QuerySet[User]:
    """The people who may own or contribute to the strategy's deliverables: the active people with a role in it.
    For a deliverable being changed, also its owner and contributors as they are (an import may have named someone
    without a role), so saving it never drops anyone silently; nobody new without a role is accepted."""
    members = Q(pk__in=Membership.objects.filter(strategy=strategy).values("user_id"), is_active=True)
    if deliverable is not None and deliverable.pk:
        members |= Q(pk=deliverable.owner_id) | Q(contributed_deliverables=deliverable)
    return User.objects.filter(members).distinct().order_by("first_name", "last_name", "username")


def reference_taken_message(reference: str) -> str:
    return f"Another deliverable in this strategy has the reference {reference}: choose a different reference"


@dataclass
class DeliverableAnswers:
    reference: str
    title: str
    theme: Theme
    owner: User
    description: str = ""
    expected_outcome: str = ""
    contributors: list[User] = field(default_factory=list)
    lead_service: str = ""
    start_date: dt.date | None = None
    due_date: dt.date | None = None
    weight: Decimal = Decimal("1")
    principles: dict[int, str] = field(default_factory=dict)  # principle pk -> how the deliverable upholds it


def _check(*, strategy: Strategy, answers: DeliverableAnswers, deliverable: Deliverable | None) -> None:
    reference = answers.reference.strip()
    if not reference:
        raise DomainError("Enter a reference")
    others = Deliverable.objects.filter(strategy=strategy, reference__iexact=reference)
    if deliverable is not None:
        others = others.exclude(pk=deliverable.pk)
    if others.exists():
        raise DomainError(reference_taken_message(reference))
    if answers.theme.strategy_id != strategy.pk:
        raise DomainError("Choose a theme of this strategy")
    people = set(strategy_people(strategy=strategy, deliverable=deliverable).values_list("pk", flat=True))
    if answers.owner.pk not in people:
        raise DomainError(f"{answers.owner} has no role in this strategy: choose an owner who has, or invite them")
    strangers = [str(p) for p in answers.contributors if p.pk not in people]
    if strangers:
        raise DomainError(f"{', '.join(strangers)} has no role in this strategy: choose contributors who have one")
    if answers.start_date and answers.due_date and answers.due_date < answers.start_date:
        raise DomainError("The due date must be on or after the start date")
    if answers.weight <= 0:
        raise DomainError("The weight must be more than 0")
    known = set(Principle.objects.filter(strategy=strategy).values_list("pk", flat=True))
    if set(answers.principles) - known:
        raise DomainError("Choose principles of this strategy")


def _write(deliverable: Deliverable, answers: DeliverableAnswers) -> None:
    deliverable.reference = answers.reference.strip()
    for name in ("title", "description", "expected_outcome", "lead_service"):
        setattr(deliverable, name, getattr(answers, name).strip())
    deliverable.theme, deliverable.owner = answers.theme, answers.owner
    deliverable.start_date, deliverable.due_date, deliverable.weight = (
        answers.start_date,
        answers.due_date,
        answers.weight,
    )
    try:
        deliverable.save()
    except IntegrityError as exc:  # deliverable_unique_reference, when two leads chose it at the same moment
        raise DomainError(reference_taken_message(deliverable.reference)) from exc
    deliverable.contributors.set(answers.contributors)
    links = {link.principle_id: link for link in deliverable.principle_links.all()}
    for principle_id, link in links.items():
        if principle_id not in answers.principles:
            link.delete()
    for principle_id, note in answers.principles.items():
        link = links.get(principle_id)
        if link is None:
            DeliverablePrinciple.objects.create(deliverable=deliverable, principle_id=principle_id, note=note.strip())
        elif link.note != note.strip():
            link.note = note.strip()
            link.save(update_fields=["note"])


@freshness.atomic
def deliverable_create(*, strategy: Strategy, answers: DeliverableAnswers) -> Deliverable:
    _check(strategy=strategy, answers=answers, deliverable=None)
    deliverable = Deliverable(strategy=strategy)
    _write(deliverable, answers)
    freshness.mark(strategies=[strategy.pk], deliverables=[deliverable.pk])
    return deliverable


@freshness.atomic
def deliverable_update(*, deliverable: Deliverable, answers: DeliverableAnswers) -> Deliverable:
    """Change a deliverable. A new owner takes over its progress as it is (updates keep their authors); the
    previous owner and any removed contributors lose it from their homes."""
    deliverable = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
    _check(strategy=deliverable.strategy, answers=answers, deliverable=deliverable)
    before = {deliverable.owner_id, *deliverable.contributors.values_list("pk", flat=True)}
    _write(deliverable, answers)
    freshness.mark(deliverables=[deliverable.pk], people=before)
    return deliverable


@freshness.atomic
def deliverable_withdraw(*, deliverable: Deliverable) -> Deliverable:
    """Withdrawn: it leaves the counts and figures, its progress and history are kept, it can be reinstated."""
    return _set_active(deliverable, False)


@freshness.atomic
def deliverable_reinstate(*, deliverable: Deliverable) -> Deliverable:
    return _set_active(deliverable, True)


def _set_active(deliverable: Deliverable, active: bool) -> Deliverable:
    deliverable = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
    if deliverable.is_active == active:
        state = "active" if active else "withdrawn"
        raise DomainError(f"{deliverable.reference} is already {state}")
    deliverable.is_active = active
    deliverable.save(update_fields=["is_active"])
    freshness.mark(deliverables=[deliverable.pk])
    return deliverable


def deliverable_removal_refusal(*, deliverable: Deliverable) -> str:
    """Why the deliverable cannot be removed, or "": once progress is recorded it can only be withdrawn."""
    count = deliverable.updates.count()
    if count:
        updates = "a progress update" if count == 1 else f"{count} progress updates"
        return (
            f"{deliverable.reference} has {updates}, which would be lost. "
            "Withdraw it instead: it leaves the figures and its progress is kept."
        )
    return ""


@freshness.atomic
def deliverable_remove(*, deliverable: Deliverable) -> None:
    deliverable = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
    refusal = deliverable_removal_refusal(deliverable=deliverable)
    if refusal:
        raise DomainError(refusal)
    people = {deliverable.owner_id, *deliverable.contributors.values_list("pk", flat=True)}
    strategy_id = deliverable.strategy_id
    deliverable.delete()
    freshness.mark(strategies=[strategy_id], people=people)


# Milestones


def _milestone_title(title: str) -> str:
    if not title.strip():
        raise DomainError("Enter the milestone")
    return title.strip()


@freshness.atomic
def milestone_add(*, deliverable: Deliverable, title: str, due_date: dt.date | None) -> Milestone:
    title = _milestone_title(title)
    milestone = Milestone.objects.create(deliverable=deliverable, title=title, due_date=due_date)
    freshness.mark(deliverables=[deliverable.pk])
    return milestone


@freshness.atomic
def milestone_change(*, milestone: Milestone, title: str, due_date: dt.date | None) -> Milestone:
    milestone.title = _milestone_title(title)
    milestone.due_date = due_date
    milestone.save(update_fields=["title", "due_date"])
    freshness.mark(deliverables=[milestone.deliverable_id])
    return milestone


def milestone_removal_refusal(*, milestone: Milestone) -> str:
    if milestone.completed_on or milestone.completed_in_updates.exists():
        return f"“{milestone.title}” was recorded as achieved in a progress update, so it stays with that update."
    return ""


@freshness.atomic
def milestone_remove(*, milestone: Milestone) -> None:
    refusal = milestone_removal_refusal(milestone=milestone)
    if refusal:
        raise DomainError(refusal)
    deliverable_id = milestone.deliverable_id
    milestone.delete()
    freshness.mark(deliverables=[deliverable_id])
