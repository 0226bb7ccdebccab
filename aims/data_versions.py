"""What freshness marks (core/freshness.py) raise: the data versions that key the cached pages.

- `Strategy.data_version` keys the dashboard and, with the others, the officer's home (reports/views.py,
  reports/home_views.py): raised by any change in the strategy's tree or progress.
- `Deliverable.data_version` keys the deliverable page: raised by a change to the deliverable, its updates,
  evidence, milestones, principle links or contributors, and by any strategy-wide change (aims, themes, periods,
  principles, the strategy itself, period roll-over), which every deliverable page shows; so one officer's
  update does not evict the other 1,999 pages of the strategy.
- `User.home_version` keys the home page, which then needs no query of its own to know whether its cached body
  is current (the user row is read on every request anyway): raised for the owner and contributors of a changed
  deliverable, for everyone with a role in or work on a strategy changed as a whole, and for people marked
  directly (a previous owner, a removed contributor, a person whose roles changed).

`write` is registered with core/freshness.py (aims/apps.py) and runs once per batch, just before the
transaction commits: at most one UPDATE per table, strategies, then deliverables, then people, the one lock
order of every raise, so a progress save and a strategy-wide change made at the same moment cannot deadlock.
Versions are raised in SQL (`F() + 1`), never from a value held in memory, and a save of a loaded row never
writes its version back (`Strategy.save`, `Deliverable.save`, `User.save`).

`row_marks` says what a changed row of the tree means in marks: the safety net (aims/signals.py) and the
import use it.
"""

from django.db import transaction
from django.db.models import F, Model, Q

from accounts.models import Membership, User
from aims import status_rows
from aims.context_processors import forget_single_organisation
from aims.models import (
    Aim,
    Deliverable,
    Evidence,
    Milestone,
    Organisation,
    ProgressUpdate,
    ReportingPeriod,
    Strategy,
    Theme,
)
from core.freshness import Marks
from principles.models import DeliverablePrinciple, Principle

Contributors = Deliverable.contributors.through


def write(marks: Marks) -> None:
    wide = set(marks.strategy_wide) | marks.periods
    if marks.renamed:  # rare (an administrator's change), and a name may be shown anywhere
        wide |= set(Strategy.objects.values_list("pk", flat=True))
    if marks.organisations:
        wide |= set(Strategy.objects.filter(organisation__in=marks.organisations).values_list("pk", flat=True))
        forget_single_organisation()  # this process's memo of the council's name; others forget within a minute
        transaction.on_commit(forget_single_organisation)  # in case a page read it again before the commit
    changed = marks.deliverables
    pages = marks.deliverable_pages - changed  # their own page and homes only, not their strategy's

    strategies = Q(pk__in=marks.strategies | wide)
    if changed:
        strategies |= Q(pk__in=Deliverable.objects.filter(pk__in=changed).values("strategy_id"))
    if marks.strategies or wide or changed:
        Strategy.objects.filter(strategies).update(data_version=F("data_version") + 1)

    if changed or pages or wide:
        Deliverable.objects.filter(Q(pk__in=changed | pages) | Q(strategy_id__in=wide)).update(
            data_version=F("data_version") + 1
        )

    people = Q(pk__in=marks.people)
    if changed or pages:
        people |= _on_deliverables(changed | pages)
    if wide:
        people |= _in_strategies(wide)
    if marks.people or changed or pages or wide:
        User.objects.filter(people).update(home_version=F("home_version") + 1)

    # Last, in the same transaction: the figures kept per deliverable and period (aims/status_rows.py).
    status_rows.prune(strategies=wide)  # a deliverable moved from one of them (rare)
    status_rows.refresh(deliverables=changed, strategies=marks.periods)


def _on_deliverables(ids) -> Q:
    """The owners and contributors of these deliverables, as stored when the query runs."""
    return Q(pk__in=Deliverable.objects.filter(pk__in=ids).values("owner_id")) | Q(
        pk__in=Contributors.objects.filter(deliverable_id__in=ids).values("user_id")
    )


def _in_strategies(ids) -> Q:
    """Everyone with a role in these strategies, or owning or contributing to work in them."""
    return (
        Q(pk__in=Membership.objects.filter(strategy_id__in=ids).values("user_id"))
        | Q(pk__in=Deliverable.objects.filter(strategy_id__in=ids).values("owner_id"))
        | Q(pk__in=Contributors.objects.filter(deliverable__strategy_id__in=ids).values("user_id"))
    )


def people_on_deliverables(ids) -> list[int]:
    """The owners and contributors of these deliverables now (read before a change takes them away)."""
    return list(User.objects.filter(_on_deliverables(ids)).values_list("pk", flat=True))


def people_in_strategies(ids) -> list[int]:
    """Everyone with a role or work in these strategies now (read before a delete takes them away)."""
    return list(User.objects.filter(_in_strategies(ids)).values_list("pk", flat=True))


TREE = (Strategy, Aim, Theme, Deliverable, Milestone, ReportingPeriod, ProgressUpdate, Evidence, Principle,
        DeliverablePrinciple, Membership, Organisation)  # fmt: skip


def row_marks(instance: Model, *, deleting: bool = False) -> dict[str, list]:
    """The marks for a saved (or, with `deleting`, about to be deleted) row of the tree; {} for other rows.

    A row about to be deleted is read while it is still there: the people on a deliverable or in a strategy
    are gone by the time the marks are written."""
    if isinstance(instance, Strategy):
        if deleting:  # the roles and the deliverables go with it
            return {"strategy_wide": [instance.pk], "people": people_in_strategies([instance.pk])}
        return {"strategy_wide": [instance.pk]}
    if isinstance(instance, ReportingPeriod):
        return {"strategy_wide": [instance.strategy_id], "periods": [instance.strategy_id]}
    if isinstance(instance, (Aim, Theme, Principle)):
        return {"strategy_wide": [instance.strategy_id]}
    if isinstance(instance, Deliverable):
        if deleting:  # the row goes, so the strategy is raised as a whole (rare: work is withdrawn, not deleted)
            return {"strategy_wide": [instance.strategy_id], "people": people_on_deliverables([instance.pk])}
        return {"strategies": [instance.strategy_id], "deliverables": [instance.pk]}
    if isinstance(instance, ProgressUpdate) and not deleting and instance.draft_saved_again:
        return {"deliverable_pages": [instance.deliverable_id]}
    if isinstance(instance, (Milestone, ProgressUpdate, DeliverablePrinciple)):
        return {"deliverables": [instance.deliverable_id]}
    if isinstance(instance, Evidence):  # shown on its deliverable's page only, never in the figures
        if Evidence.update.is_cached(instance):
            return {"deliverable_pages": [instance.update.deliverable_id]}
        return {
            "deliverable_pages": list(
                ProgressUpdate.objects.filter(pk=instance.update_id).values_list("deliverable_id", flat=True)
            )
        }
    if isinstance(instance, Membership):
        return {"people": [instance.user_id]}
    if isinstance(instance, Organisation):
        return {"organisations": [instance.pk]}
    return {}
