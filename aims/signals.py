"""Keeps the data versions moving whenever anything a cached page shows changes.

- `Strategy.data_version` is raised by any change in the strategy's tree or progress: it keys the dashboard and
  the officer's home (reports/views.py, aims/views.py).
- `Deliverable.data_version` is raised by a change to the deliverable, its updates, evidence, milestones,
  principle links or contributors, and by any strategy-wide change (aims, themes, periods, principles, the
  strategy itself, period roll-over), which every deliverable page shows: it keys the deliverable page, so one
  officer's update does not evict the other 1,999 pages of the strategy.

Signals rather than services, because the Django admin and imports write without going through services.
Versions are raised in SQL (`F() + 1`), never from a value held in memory, and a save of a loaded row writes
`data_version = data_version` (see `_keep_stored_version`), so a stale instance can never move a version back.
"""

from django.core.cache import cache
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

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


def strategy_changed(strategy_id: int | None) -> None:
    """A change every page of the strategy shows: raise the strategy's version and all its deliverables'."""
    if strategy_id:
        Strategy.objects.filter(pk=strategy_id).update(data_version=F("data_version") + 1)
        Deliverable.objects.filter(strategy_id=strategy_id).update(data_version=F("data_version") + 1)


def deliverables_changed(deliverable_ids) -> None:
    """A change to some deliverables (or their progress): raise theirs and their strategies' versions."""
    ids = [pk for pk in deliverable_ids if pk]
    if not ids:
        return
    Deliverable.objects.filter(pk__in=ids).update(data_version=F("data_version") + 1)
    strategy_ids = set(Deliverable.objects.filter(pk__in=ids).values_list("strategy_id", flat=True))
    Strategy.objects.filter(pk__in=strategy_ids).update(data_version=F("data_version") + 1)


def _deliverable_id(instance) -> int | None:
    if isinstance(instance, Deliverable):
        return instance.pk
    if isinstance(instance, Evidence):
        return ProgressUpdate.objects.filter(pk=instance.update_id).values_list("deliverable_id", flat=True).first()
    return getattr(instance, "deliverable_id", None)  # ProgressUpdate, Milestone, DeliverablePrinciple


def _strategy_id(instance) -> int | None:
    if isinstance(instance, Strategy):
        return instance.pk
    if isinstance(instance, (Aim, Theme, ReportingPeriod)):
        return instance.strategy_id
    return getattr(instance, "strategy_id", None)  # Principle


def _changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    from principles.models import DeliverablePrinciple

    if isinstance(instance, (Deliverable, ProgressUpdate, Milestone, Evidence, DeliverablePrinciple)):
        deliverables_changed([_deliverable_id(instance)])
        if isinstance(instance, Deliverable) and kwargs.get("signal") is post_delete:
            strategy_changed(instance.strategy_id)  # the row is gone, so the update above found no strategy
    else:
        strategy_changed(_strategy_id(instance))


def _keep_stored_version(sender, instance, **kwargs):
    """Saving a row loaded earlier must not write back the version it was loaded with."""
    if not instance._state.adding and not kwargs.get("raw"):
        instance.data_version = F("data_version")


def connect() -> None:
    from principles.models import DeliverablePrinciple, Principle

    for model in (Strategy, Aim, Theme, Deliverable, Milestone, ReportingPeriod, ProgressUpdate, Evidence,
                  Principle, DeliverablePrinciple):  # fmt: skip
        post_save.connect(_changed, sender=model, dispatch_uid=f"data-version-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"data-version-delete-{model.__name__}")
    for model in (Strategy, Deliverable):
        pre_save.connect(_keep_stored_version, sender=model, dispatch_uid=f"data-version-keep-{model.__name__}")


@receiver(post_save, sender=Organisation, dispatch_uid="single-organisation-save")
@receiver(post_delete, sender=Organisation, dispatch_uid="single-organisation-delete")
def _organisations_changed(sender, **kwargs):
    from accounts.context_processors import SINGLE_ORGANISATION_KEY

    cache.delete(SINGLE_ORGANISATION_KEY)


@receiver(m2m_changed, sender=Theme.aims.through, dispatch_uid="data-version-theme-aims")
def _theme_aims_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):  # instance is the theme, or the aim for aim.themes.add(...): both have a strategy
        strategy_changed(instance.strategy_id)


@receiver(m2m_changed, sender=Deliverable.contributors.through, dispatch_uid="data-version-contributors")
def _contributors_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    # From the user's side (user.contributed_deliverables.add) django-simple-history fails before this runs, so
    # the portal only changes contributors from the deliverable's side; handled anyway in case that changes.
    if reverse:
        deliverables_changed(pk_set or [])
    else:
        deliverables_changed([instance.pk])
