"""The safety net: a save or delete of any row of the delivery tree marks what it changed (core/freshness.py).

Every write path of the portal says itself what it changed: the services (aims/services.py), the import
(aims/strategy_io.py), the hand-over (aims/handover.py), the demo (aims/demo.py) and the admin (aims/admin.py,
principles/admin.py, accounts/admin.py); tests/aims/test_freshness.py walks each of them with this receiver
switched off. The receiver stays for writers that are not one of those paths and forget: the shell, a data
migration, a later feature, the tests' factories. Its marks join the current batch, so inside
`freshness.atomic` it adds no UPDATE of its own, and it reads nothing in the common case.

What it covers, with the marks `aims.data_versions.row_marks` gives each row:
- post_save and pre_delete of Strategy, Aim, Theme, Deliverable, Milestone, ReportingPeriod, ProgressUpdate,
  Evidence, Principle, DeliverablePrinciple, Membership and Organisation. Deletes are marked before the row
  goes, while the people on a deliverable or in a strategy can still be read; a row deleted because the row
  above it is (a milestone of a deleted deliverable) is left to that row's marks.
- m2m_changed of a deliverable's contributors (those added, removed, or cleared, read before the clear), a
  theme's aims, an update's completed milestones and a principle's deliverables.

What it cannot cover, so the writers say it: what a row held before the save (a deliverable's previous owner or
strategy, a membership's previous person), a person's rename (a user row is not part of the tree; its writers,
the admin and the demo, mark `renamed`), and bulk writes (QuerySet.update, bulk_create), which send no signals.
Raw saves (loaddata) are skipped: portal_restore empties the page cache instead.
"""

from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from aims import status_rows
from aims.data_versions import TREE, row_marks
from aims.models import Deliverable, ProgressUpdate, ReportingPeriod, Theme
from core import freshness
from principles.models import Principle

Contributors = Deliverable.contributors.through
LINKS = (Contributors, Theme.aims.through, ProgressUpdate.milestones_completed.through, Principle.deliverables.through)
SIGNALS = [(post_save, model) for model in TREE] + [(pre_delete, model) for model in TREE]
SIGNALS += [(m2m_changed, through) for through in LINKS]
# A delete marked outside freshness.atomic is written before the row goes: the status rows are recomputed again
# once it has gone (inside a batch, the batch's write comes after the delete anyway).
SIGNALS += [(post_delete, ProgressUpdate), (post_delete, ReportingPeriod)]


def _changed(sender, signal, instance, raw=False, **kwargs) -> None:
    """The one receiver: a row of the tree saved, a row about to be deleted, or links added or removed."""
    if signal is m2m_changed:
        freshness.mark(**_link_marks(sender, instance, **kwargs))
    elif signal is post_delete:
        origin = kwargs.get("origin")
        deleted = origin.model if isinstance(origin, QuerySet) else type(origin)
        if freshness.pending() is None and deleted is type(instance):  # not deleted with the row above it
            if isinstance(instance, ReportingPeriod):
                status_rows.refresh(strategies=[instance.strategy_id])
            else:
                status_rows.refresh(deliverables=[instance.deliverable_id])
    elif signal is pre_delete:
        origin = kwargs.get("origin")
        above = origin.model if isinstance(origin, QuerySet) else type(origin)
        if above is type(instance) or above not in TREE:  # else deleted with the row above it, which marks it
            freshness.mark(**row_marks(instance, deleting=True))
    elif not raw:
        freshness.mark(**row_marks(instance))


def _link_marks(sender, instance, action, reverse, pk_set, **kwargs) -> dict:
    if sender is Contributors:
        if action == "pre_clear":  # pk_set is None for a clear: read who or what is leaving while it is there
            mine, theirs = ("user_id", "deliverable_id") if reverse else ("deliverable_id", "user_id")
            pk_set = list(Contributors.objects.filter(**{mine: instance.pk}).values_list(theirs, flat=True))
        elif action not in ("post_add", "post_remove"):
            return {}
        if reverse:  # user.contributed_deliverables.add(...)
            return {"deliverables": pk_set, "people": [instance.pk]}
        return {"deliverables": [instance.pk], "people": pk_set}
    if action not in ("post_add", "post_remove", "post_clear"):
        return {}
    if sender is Theme.aims.through:  # the theme, or the aim for aim.themes.add(...): both have a strategy
        return {"strategy_wide": [instance.strategy_id]}
    if sender is ProgressUpdate.milestones_completed.through:  # the update or the milestone: both have one
        # What an update completed shows on the deliverable's page, not in the strategy's figures.
        return {"deliverable_pages": [instance.deliverable_id]} if pk_set or action == "post_clear" else {}
    # A principle's deliverables: deliverable.principles.add(...) changes that deliverable, principle.deliverables
    # a principle every page of the strategy shows.
    return {"deliverables": [instance.pk]} if reverse else {"strategy_wide": [instance.strategy_id]}


def connect() -> None:
    for signal, sender in SIGNALS:
        signal.connect(_changed, sender=sender, dispatch_uid=_uid(signal, sender))


def disconnect() -> None:
    """Switch the safety net off (tests/aims/test_freshness.py proves every write path marks without it)."""
    for signal, sender in SIGNALS:
        signal.disconnect(sender=sender, dispatch_uid=_uid(signal, sender))


def _uid(signal, sender) -> str:
    name = {post_save: "saved", pre_delete: "deleting", post_delete: "deleted", m2m_changed: "links"}[signal]
    return f"freshness-{name}-{sender._meta.label}"
