"""Keeps the data versions moving whenever anything a cached page shows changes.

- `Strategy.data_version` is raised by any change in the strategy's tree or progress: it keys the dashboard and
  the officer's home (reports/views.py, aims/views.py).
- `Deliverable.data_version` is raised by a change to the deliverable, its updates, evidence, milestones,
  principle links or contributors, and by any strategy-wide change (aims, themes, periods, principles, the
  strategy itself, period roll-over), which every deliverable page shows: it keys the deliverable page, so one
  officer's update does not evict the other 1,999 pages of the strategy.

- `User.home_version` is raised for every person whose home page shows what changed: the owner and contributors
  of a changed deliverable (a previous owner or a removed contributor too), everyone with a role in or work on a
  changed strategy, and a person whose roles change. It keys the home page, which then needs no query of its own
  to know whether its cached body is current (the user row is read on every request anyway).
- A person's rename raises every strategy: names (owners, authors, reviewers) appear in bodies of every kind.

Signals rather than services, because the Django admin and imports write without going through services.
Versions are raised in SQL (`F() + 1`), never from a value held in memory, and a save of a loaded row writes
`data_version = data_version` (see `_keep_stored_version`), so a stale instance can never move a version back.
"""

from django.db.models import F, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from accounts.models import Membership, User
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
from principles.models import DeliverablePrinciple, Principle

Contributors = Deliverable.contributors.through


def strategy_changed(strategy_id: int | None) -> None:
    """A change every page of the strategy shows: raise the strategy's version, all its deliverables', and the
    home version of everyone with a role in it or work on it."""
    if strategy_id:
        Strategy.objects.filter(pk=strategy_id).update(data_version=F("data_version") + 1)
        Deliverable.objects.filter(strategy_id=strategy_id).update(data_version=F("data_version") + 1)
        _raise_homes(
            Q(pk__in=Membership.objects.filter(strategy_id=strategy_id).values("user_id"))
            | Q(pk__in=Deliverable.objects.filter(strategy_id=strategy_id).values("owner_id"))
            | Q(pk__in=Contributors.objects.filter(deliverable__strategy_id=strategy_id).values("user_id"))
        )


def deliverables_changed(deliverable_ids) -> None:
    """A change to some deliverables (or their progress): raise theirs and their strategies' versions, and the
    home version of their owners and contributors."""
    ids = [pk for pk in deliverable_ids if pk]
    if not ids:
        return
    # Rows are locked in one order everywhere (strategies, then deliverables, then people), as strategy_changed
    # does, so a progress save and a strategy-wide change running together cannot deadlock.
    strategy_ids = set(Deliverable.objects.filter(pk__in=ids).values_list("strategy_id", flat=True))
    Strategy.objects.filter(pk__in=strategy_ids).update(data_version=F("data_version") + 1)
    Deliverable.objects.filter(pk__in=ids).update(data_version=F("data_version") + 1)
    _raise_homes(_people_on(ids))


def homes_changed(user_ids) -> None:
    """Raise the home version of these people."""
    ids = {pk for pk in user_ids if pk}
    if ids:
        _raise_homes(Q(pk__in=ids))


def _people_on(deliverable_ids) -> Q:
    """The owners and contributors of these deliverables, as stored now."""
    return Q(pk__in=Deliverable.objects.filter(pk__in=deliverable_ids).values("owner_id")) | Q(
        pk__in=Contributors.objects.filter(deliverable_id__in=deliverable_ids).values("user_id")
    )


def _raise_homes(people: Q) -> None:
    User.objects.filter(people).update(home_version=F("home_version") + 1)


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
    for model in (Strategy, Aim, Theme, Deliverable, Milestone, ReportingPeriod, ProgressUpdate, Evidence,
                  Principle, DeliverablePrinciple):  # fmt: skip
        post_save.connect(_changed, sender=model, dispatch_uid=f"data-version-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"data-version-delete-{model.__name__}")
    for model in (Strategy, Deliverable):
        pre_save.connect(_keep_stored_version, sender=model, dispatch_uid=f"data-version-keep-{model.__name__}")


@receiver(pre_save, sender=Deliverable, dispatch_uid="home-version-previous-owner")
def _remember_previous_owner(sender, instance, raw=False, **kwargs):
    """A deliverable handed to someone else leaves its previous owner's home: remember who that was."""
    if not raw and not instance._state.adding:
        instance._previous_owner_id = (
            Deliverable.objects.filter(pk=instance.pk).values_list("owner_id", flat=True).first()
        )


@receiver(post_save, sender=Deliverable, dispatch_uid="home-version-previous-owner-raise")
def _raise_previous_owners_home(sender, instance, raw=False, **kwargs):
    previous = instance.__dict__.pop("_previous_owner_id", None)
    if not raw and previous != instance.owner_id:
        homes_changed([previous])


@receiver(pre_delete, sender=Deliverable, dispatch_uid="home-version-deliverable-delete")
def _remember_people_on_deleted(sender, instance, **kwargs):
    # Contributor rows go before the deliverable does, and with no m2m signal: read them while they are there.
    instance._people_ids = [
        instance.owner_id,
        *Contributors.objects.filter(deliverable=instance).values_list("user_id", flat=True),
    ]


@receiver(post_delete, sender=Deliverable, dispatch_uid="home-version-deliverable-deleted")
def _raise_homes_of_deleted(sender, instance, **kwargs):
    homes_changed(instance.__dict__.pop("_people_ids", []))


@receiver(post_save, sender=Membership, dispatch_uid="home-version-membership-save")
@receiver(post_delete, sender=Membership, dispatch_uid="home-version-membership-delete")
def _roles_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        homes_changed([instance.user_id])


NAME_FIELDS = ("first_name", "last_name", "username")


@receiver(pre_save, sender=User, dispatch_uid="data-version-renamed-check")
def _note_renaming(sender, instance, raw=False, update_fields=None, **kwargs):
    """People's names appear in cached bodies of every kind (owners, authors, reviewers, contributors)."""
    if raw or instance._state.adding or (update_fields is not None and not set(update_fields) & set(NAME_FIELDS)):
        return
    stored = User.objects.filter(pk=instance.pk).values_list(*NAME_FIELDS).first()
    instance._renamed = stored is not None and stored != tuple(getattr(instance, f) for f in NAME_FIELDS)


@receiver(post_save, sender=User, dispatch_uid="data-version-renamed")
def _renamed(sender, instance, **kwargs):
    """A rename is rare (an administrator's change) and its name may be shown anywhere: every strategy changes."""
    if instance.__dict__.pop("_renamed", False):
        for strategy_id in Strategy.objects.values_list("pk", flat=True):
            strategy_changed(strategy_id)


@receiver(pre_save, sender=User, dispatch_uid="home-version-keep")
def _keep_stored_home_version(sender, instance, raw=False, update_fields=None, **kwargs):
    """As _keep_stored_version, for the person's home version; put back as a number after the save (below), as
    request.user keys the home page."""
    if not raw and not instance._state.adding and (update_fields is None or "home_version" in update_fields):
        instance.home_version = F("home_version")


@receiver(post_save, sender=User, dispatch_uid="home-version-reload")
def _reload_home_version(sender, instance, **kwargs):
    if isinstance(instance.home_version, F):
        instance.refresh_from_db(fields=["home_version"])


@receiver(post_save, sender=Organisation, dispatch_uid="single-organisation-save")
@receiver(post_delete, sender=Organisation, dispatch_uid="single-organisation-delete")
def _organisations_changed(sender, instance, raw=False, **kwargs):
    forget_single_organisation()
    if not raw and kwargs.get("signal") is post_save:
        for strategy_id in Strategy.objects.filter(organisation=instance).values_list("pk", flat=True):
            strategy_changed(strategy_id)  # pages name the council


@receiver(m2m_changed, sender=Theme.aims.through, dispatch_uid="data-version-theme-aims")
def _theme_aims_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):  # instance is the theme, or the aim for aim.themes.add(...): both have a strategy
        strategy_changed(instance.strategy_id)


@receiver(m2m_changed, sender=Deliverable.contributors.through, dispatch_uid="data-version-contributors")
def _contributors_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear":  # pk_set is None for a clear: note who is leaving while they are still there
        instance._cleared_ids = list(
            Contributors.objects.filter(**{"user" if reverse else "deliverable": instance}).values_list(
                "deliverable_id" if reverse else "user_id", flat=True
            )
        )
    if not action.startswith("post_"):
        return
    cleared = instance.__dict__.pop("_cleared_ids", []) if action == "post_clear" else []
    # From the user's side (user.contributed_deliverables.add) django-simple-history fails before this runs, so
    # the portal only changes contributors from the deliverable's side; handled anyway in case that changes.
    if reverse:
        deliverables_changed([*(pk_set or []), *cleared])
        homes_changed([instance.pk])
    else:
        deliverables_changed([instance.pk])
        homes_changed([*(pk_set or []), *cleared])  # those removed are no longer found on the deliverable
