"""Keeps Strategy.data_version moving whenever anything in a strategy's tree or progress changes.

Cached figures are keyed by it (reports/views.py), so a cache can never serve figures older than the data.
Signals rather than services, because the Django admin and imports write without going through services.
"""

from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from aims.models import Aim, Deliverable, Evidence, Milestone, ProgressUpdate, ReportingPeriod, Strategy, Theme


def strategy_changed(strategy_id: int | None) -> None:
    if strategy_id:
        Strategy.objects.filter(pk=strategy_id).update(data_version=F("data_version") + 1)


def _strategy_id(instance) -> int | None:
    if isinstance(instance, (Aim, Theme, Deliverable, ReportingPeriod)):
        return instance.strategy_id
    if isinstance(instance, (ProgressUpdate, Milestone)):
        return Deliverable.objects.filter(pk=instance.deliverable_id).values_list("strategy_id", flat=True).first()
    if isinstance(instance, Evidence):
        return (
            ProgressUpdate.objects.filter(pk=instance.update_id)
            .values_list("deliverable__strategy_id", flat=True)
            .first()
        )
    principle = getattr(instance, "principle", None) or instance
    return getattr(principle, "strategy_id", None)


def _changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    strategy_changed(_strategy_id(instance))


def connect() -> None:
    from principles.models import DeliverablePrinciple, Principle

    for model in (Aim, Theme, Deliverable, Milestone, ReportingPeriod, ProgressUpdate, Evidence, Principle,
                  DeliverablePrinciple):  # fmt: skip
        post_save.connect(_changed, sender=model, dispatch_uid=f"data-version-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"data-version-delete-{model.__name__}")


@receiver(m2m_changed, sender=Theme.aims.through, dispatch_uid="data-version-theme-aims")
def _theme_aims_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        strategy_changed(getattr(instance, "strategy_id", None))


@receiver(m2m_changed, sender=Deliverable.contributors.through, dispatch_uid="data-version-contributors")
def _contributors_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # user.contributed_deliverables.add(...): instance is the user
        for strategy_id in set(Deliverable.objects.filter(pk__in=pk_set or []).values_list("strategy_id", flat=True)):
            strategy_changed(strategy_id)
    else:
        strategy_changed(instance.strategy_id)
