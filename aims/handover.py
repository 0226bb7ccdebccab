"""Account changes that matter: a departing officer's work handed over and the account switched off."""

from aims.models import Deliverable, Strategy
from core import freshness
from core.errors import DomainError


@freshness.atomic
def user_deactivate(*, user, reassign_to, by=None) -> dict[str, int]:
    """Hand a departing person's deliverables to a colleague and switch their account off.

    Nothing is deleted: their past updates, evidence and history keep their name, so the record stays true.
    """
    if reassign_to.pk == user.pk:
        raise DomainError("Choose a different person to take over the deliverables.")
    if not reassign_to.is_active:
        raise DomainError(f"{reassign_to} cannot take over: their account is switched off.")
    # Strategies before deliverables: the order the versions are raised in at commit (aims/data_versions.py), so
    # this cannot deadlock with a progress save, which locks its strategy's row only then.
    strategies = Deliverable.objects.filter(owner=user).values("strategy_id")
    list(Strategy.objects.select_for_update().filter(pk__in=strategies).order_by("pk").values_list("pk", flat=True))
    owned = list(Deliverable.objects.select_for_update().filter(owner=user).order_by("pk"))
    for deliverable in owned:
        deliverable.owner = reassign_to
        if by is not None:
            deliverable._history_user = by
        deliverable.save(update_fields=["owner"])
    contributed = list(Deliverable.objects.filter(contributors=user))
    for deliverable in contributed:
        deliverable.contributors.remove(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    user.memberships.all().delete()
    # Their deliverables (whose new owner is found when the versions are raised) and the departing person,
    # who no longer owns or contributes to any of them and holds no role.
    changed = owned + contributed
    freshness.mark(strategies=[d.strategy_id for d in changed], deliverables=[d.pk for d in changed], people=[user.pk])
    return {"owned": len(owned), "contributed": len(contributed)}
