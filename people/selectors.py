"""Reads of "People and roles": who has which role in a strategy, and the recent changes to roles."""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import Membership, Role, User
from aims.models import Strategy

ROLE_ORDER = [Role.OFFICER, Role.BOARD, Role.CLERK, Role.LEAD]
# The words the People and roles pages use for each role (the invite form's checkboxes too).
ROLE_LABELS = {
    Role.OFFICER: "Officer",
    Role.BOARD: "Digital Board member",
    Role.CLERK: "Committee clerk",
    Role.LEAD: "Strategy lead",
}


@dataclass
class PersonRoles:
    person: User
    roles: list[str] = field(default_factory=list)  # role labels, in ROLE_ORDER


def people_with_roles(*, strategy: Strategy) -> list[PersonRoles]:
    """Everyone with a role in the strategy, by name, with their roles: one query."""
    rows: dict[int, PersonRoles] = {}
    memberships = (
        Membership.objects.filter(strategy=strategy)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    held: dict[int, set[str]] = {}
    for membership in memberships:
        rows.setdefault(membership.user_id, PersonRoles(person=membership.user))
        held.setdefault(membership.user_id, set()).add(membership.role)
    for user_id, row in rows.items():
        row.roles = [ROLE_LABELS[role] for role in ROLE_ORDER if role in held[user_id]]
    return list(rows.values())


def person_roles(*, strategy: Strategy, person: User) -> list[str]:
    held = set(Membership.objects.filter(strategy=strategy, user=person).values_list("role", flat=True))
    return [role.value for role in ROLE_ORDER if role in held]


def strategy_officers(*, strategy: Strategy, exclude: User | None = None):
    """Active officers of the strategy, who may take over a departing person's deliverables."""
    officers = User.objects.filter(
        is_active=True, memberships__strategy=strategy, memberships__role=Role.OFFICER
    ).distinct()
    if exclude is not None:
        officers = officers.exclude(pk=exclude.pk)
    return officers.order_by("last_name", "first_name", "username")


@dataclass(frozen=True)
class RoleChange:
    when: object
    by: str
    what: str


def recent_role_changes(*, strategy: Strategy, limit: int = 20) -> list[RoleChange]:
    """The latest role given or taken away in the strategy, newest first (Membership's history)."""
    history = (
        Membership.history.filter(strategy_id=strategy.pk)
        .select_related("history_user", "user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    changes = []
    for row in history:
        person = row.user.display_name if row.user else "A person no longer in the portal"
        role = ROLE_LABELS[Role(row.role)]
        verb = {"+": "Gave {person} the {role} role", "-": "Took the {role} role from {person}"}.get(
            row.history_type, "Changed the {role} role of {person}"
        )
        by = row.history_user.display_name if row.history_user else "The system"
        changes.append(RoleChange(when=row.history_date, by=by, what=verb.format(person=person, role=role)))
    return changes
