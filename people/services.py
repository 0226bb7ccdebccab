"""Writes of "People and roles": invite a person, change their roles, remove them from a strategy, deactivate.

Every change of role goes through Membership, whose history (simple-history) is the record of who changed what.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import CouncilLead, Membership, Role, User
from aims import handover
from aims.models import Deliverable, Organisation, Strategy
from core import freshness
from core.errors import DomainError
from core.notifications import absolute_url, notify
from people.selectors import ROLE_LABELS
from people.tokens import invitation_token

LAST_LEAD = "{strategy} would be left without a strategy lead. Give someone else the Strategy lead role first."


@dataclass(frozen=True)
class Invitation:
    person: User
    created: bool  # a new account, emailed a link to set a password; otherwise an existing one that gained roles
    added: tuple[str, ...]  # the roles the person did not hold before


def set_password_url(person: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    return absolute_url(reverse("people:set_password", args=[uid, invitation_token.make_token(person)]))


def _username_for(email: str) -> str:
    base = email.lower()[:150]
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        suffix = f"-{n}"
        username = base[: 150 - len(suffix)] + suffix
    return username


def _new_person(*, full_name: str, email: str) -> User:
    first, _, last = full_name.strip().partition(" ")
    person = User(username=_username_for(email), email=email, first_name=first, last_name=last.strip())
    person.set_unusable_password()
    person.save()
    return person


def _check_leads_remain(*, strategy: Strategy, by: User, person: User, keep: Iterable[str]) -> None:
    if by.is_superuser or Role.LEAD in keep:
        return
    others = Membership.objects.filter(strategy=strategy, role=Role.LEAD).exclude(user=person)
    if not others.exists():
        raise DomainError(LAST_LEAD.format(strategy=strategy.title))


def _set_roles(*, strategy: Strategy, person: User, roles: Iterable[str], by: User) -> tuple[set[str], set[str]]:
    wanted = set(roles)
    current = {m.role: m for m in Membership.objects.filter(strategy=strategy, user=person)}
    added, removed = wanted - set(current), set(current) - wanted
    for role in sorted(added):
        membership = Membership(strategy=strategy, user=person, role=role)
        membership._history_user = by
        membership.save()
    for role in sorted(removed):
        membership = current[role]
        membership._history_user = by
        membership.delete()
    if added or removed:
        freshness.mark(people=[person.pk])
    return added, removed


def _role_labels(roles: Iterable[str]) -> list[str]:
    return [label for role, label in ROLE_LABELS.items() if role in set(roles)]


@freshness.atomic
def person_invite(*, strategy: Strategy, full_name: str, email: str, roles: Iterable[str], by: User) -> Invitation:
    """Give the person with this email address (any case) these roles, creating the account if there is none, and
    email them: a new account (or one whose password was never set) gets a link to set a password."""
    roles = set(roles)
    if not roles:
        raise DomainError("Select at least one role")
    email = email.strip()
    person = User.objects.filter(email__iexact=email).order_by("pk").first()
    created = person is None
    if created:
        person = _new_person(full_name=full_name, email=email)
    elif not person.is_active:
        raise DomainError(f"{person} has an account that is switched off. Ask an administrator to switch it on.")
    current = set(Membership.objects.filter(strategy=strategy, user=person).values_list("role", flat=True))
    if not created and roles <= current:
        raise DomainError(
            f"{person} already has {'this role' if len(roles) == 1 else 'these roles'} in {strategy.title}."
        )
    added, _ = _set_roles(strategy=strategy, person=person, roles=current | roles, by=by)
    context = {"person": person, "strategy": strategy, "roles": _role_labels(added or roles), "by": by}
    if created or not person.has_usable_password():
        context |= {"link": set_password_url(person), "days": settings.INVITATION_TIMEOUT // 86400}
        transaction.on_commit(lambda: notify(template="invitation", to=[person.email], context=context))
    else:
        context["link"] = absolute_url(reverse("aims:strategy_detail", args=[strategy.slug]))
        transaction.on_commit(lambda: notify(template="roles_added", to=[person.email], context=context))
    return Invitation(person=person, created=created, added=tuple(_role_labels(added)))


@freshness.atomic
def roles_change(*, strategy: Strategy, person: User, roles: Iterable[str], by: User) -> tuple[set[str], set[str]]:
    """Make the person's roles in the strategy exactly `roles` (at least one: to take them all, remove them)."""
    roles = set(roles)
    if not roles:
        raise DomainError("Select at least one role")
    _check_leads_remain(strategy=strategy, by=by, person=person, keep=roles)
    return _set_roles(strategy=strategy, person=person, roles=roles, by=by)


def removal_refusal(*, strategy: Strategy, person: User) -> str | None:
    """Why the person may not be removed from the strategy yet, or None."""
    owned = Deliverable.objects.filter(strategy=strategy, owner=person).count()
    if owned:
        noun = "deliverable" if owned == 1 else "deliverables"
        return (
            f"{person} still owns {owned} {noun} in {strategy.title}. Give the {noun} a new owner first, "
            f"or deactivate their account, which hands their deliverables over to a colleague."
        )
    return None


@freshness.atomic
def person_remove(*, strategy: Strategy, person: User, by: User) -> None:
    """Take all the person's roles in the strategy away (their account and past work stay)."""
    if reason := removal_refusal(strategy=strategy, person=person):
        raise DomainError(reason)
    _check_leads_remain(strategy=strategy, by=by, person=person, keep=())
    _set_roles(strategy=strategy, person=person, roles=(), by=by)
    for deliverable in Deliverable.objects.filter(strategy=strategy, contributors=person):
        deliverable.contributors.remove(person)
        # The removed contributor is named: the deliverable's mark reaches only the people still on it.
        freshness.mark(strategies=[strategy.pk], deliverables=[deliverable.pk], people=[person.pk])


@freshness.atomic
def person_deactivate(*, person: User, reassign_to: User, by: User) -> dict[str, int]:
    """Hand the person's deliverables to `reassign_to` and switch their account off (aims.handover)."""
    # Leads of every strategy the person is in may do this (aims.rules.can_deactivate_person), so a strategy the
    # person leads keeps a lead: the one doing it. The hand-over deletes the memberships; the history middleware
    # names who did it.
    return handover.user_deactivate(user=person, reassign_to=reassign_to, by=by)


@freshness.atomic
def council_lead_invite(*, organisation: Organisation, full_name: str, email: str, by: User) -> Invitation:
    """Make the person with this email address (any case) a strategy lead of the whole council (CouncilLead), so
    they can set up its first strategy, creating the account if there is none, and email them as "Invite a
    person" does: a new account (or one whose password was never set) gets the link to set a password."""
    email = email.strip()
    person = User.objects.filter(email__iexact=email).order_by("pk").first()
    created = person is None
    if created:
        person = _new_person(full_name=full_name, email=email)
    elif not person.is_active:
        raise DomainError(f"{person} has an account that is switched off. Switch it on in the Django admin first.")
    if CouncilLead.objects.filter(organisation=organisation, user=person).exists():
        raise DomainError(f"{person} is already a strategy lead of {organisation.name}.")
    lead = CouncilLead(organisation=organisation, user=person)
    lead._history_user = by
    lead.save()
    freshness.mark(people=[person.pk])
    # The invitation's wording names what they will work on: the council's strategies, none of which exists yet.
    context = {"person": person, "strategy": {"title": f"the strategies of {organisation.name}"},
               "roles": [ROLE_LABELS[Role.LEAD]], "by": by}  # fmt: skip
    if created or not person.has_usable_password():
        context |= {"link": set_password_url(person), "days": settings.INVITATION_TIMEOUT // 86400}
        transaction.on_commit(lambda: notify(template="invitation", to=[person.email], context=context))
    else:
        context["link"] = absolute_url(reverse("home"))
        transaction.on_commit(lambda: notify(template="roles_added", to=[person.email], context=context))
    return Invitation(person=person, created=created, added=(ROLE_LABELS[Role.LEAD],))
