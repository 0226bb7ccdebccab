"""Who may do what. Every view asks these functions; none decides access by itself.

Roles are held per strategy (accounts.Membership). Superusers may do everything. Officers also see the
strategies in which they own or contribute to a deliverable, even without a membership.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import CouncilLead, Membership, Role
from aims.models import Deliverable, Organisation, Strategy


def roles_by_strategy(user) -> dict[int, set[str]]:
    """The user's roles keyed by strategy id, read once per request and cached on the user object."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = {}
        # order_by(): Membership's default ordering would join strategy, organisation and user on every page.
        for strategy_id, role in Membership.objects.filter(user=user).order_by().values_list("strategy_id", "role"):
            cached.setdefault(strategy_id, set()).add(role)
        user._portal_roles = cached
    return cached


def has_role(user, strategy: Strategy | int, *roles: str) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    strategy_id = strategy if isinstance(strategy, int) else strategy.pk
    return bool(roles_by_strategy(user).get(strategy_id, set()) & set(roles))


def visible_strategies(user) -> QuerySet[Strategy]:
    if not user.is_authenticated:
        return Strategy.objects.none()
    if user.is_superuser:
        return Strategy.objects.all()
    # Subqueries rather than joins: no DISTINCT over a fan-out of deliverables (measured in bench/).
    return Strategy.objects.filter(
        Q(pk__in=Membership.objects.filter(user=user).values("strategy_id"))
        | Q(pk__in=Deliverable.objects.filter(owner=user).values("strategy_id"))
        | Q(pk__in=Deliverable.contributors.through.objects.filter(user=user).values("deliverable__strategy_id"))
    )


def can_view_strategy(user, strategy: Strategy | int) -> bool:
    if has_role(user, strategy, *Role.values):
        return True
    strategy_id = strategy if isinstance(strategy, int) else strategy.pk
    return (
        user.is_authenticated
        and Deliverable.objects.filter(Q(owner=user) | Q(contributors=user), strategy_id=strategy_id).exists()
    )


def can_manage_strategy(user, strategy: Strategy) -> bool:
    return has_role(user, strategy, Role.LEAD)


def can_set_up_strategy(user, strategy: Strategy | int) -> bool:
    """The task list and the screens that build the strategy (details, aims, principles, themes, deliverables,
    milestones, reporting periods): its leads and superusers, never a lead of another strategy."""
    return has_role(user, strategy, Role.LEAD)


def can_create_strategy(user) -> bool:
    """Whether "Set up a new strategy" is open to this person: a lead in some council (of one of its strategies, or
    the council's first lead, invited before it had any), or a superuser."""
    return councils_led(user).exists()


def can_edit_council_details(user, strategy: Strategy) -> bool:
    """The council's logo and the strategy's responsible officer, shown on committee reports: its leads."""
    return can_manage_strategy(user, strategy)


def can_view_changes(user, strategy: Strategy | int) -> bool:
    """ "Changes to this strategy" (who changed its structure, periods and roles): its leads and board members."""
    return has_role(user, strategy, Role.LEAD, Role.BOARD)


def can_review(user, strategy: Strategy) -> bool:
    return has_role(user, strategy, Role.BOARD)


def review_conflict(user, update) -> str | None:
    """Why this person may not review this update, or None. Nobody reviews their own work: the update's author,
    the deliverable's owner and its contributors are refused, superusers included."""
    if not user.is_authenticated:
        return None
    deliverable = update.deliverable
    if update.author_id == user.pk:
        return "you wrote it"
    if deliverable.owner_id == user.pk:
        return "you own this deliverable"
    if deliverable.contributors.filter(pk=user.pk).exists():
        return "you contribute to this deliverable"
    return None


def can_review_update(user, update) -> bool:
    return can_review(user, update.deliverable.strategy) and review_conflict(user, update) is None


def can_produce_reports(user, strategy: Strategy) -> bool:
    return has_role(user, strategy, Role.CLERK, Role.LEAD)


def is_deliverable_team(user, deliverable: Deliverable) -> bool:
    """Owner or contributor: the people who record progress on a deliverable."""
    if not user.is_authenticated:
        return False
    if deliverable.owner_id == user.pk:
        return True
    return deliverable.contributors.filter(pk=user.pk).exists()


def can_record_progress(user, deliverable: Deliverable) -> bool:
    return user.is_authenticated and (user.is_superuser or is_deliverable_team(user, deliverable))


def is_board_member_anywhere(user) -> bool:
    return user.is_authenticated and (user.is_superuser or Role.BOARD in set().union(*roles_by_strategy(user).values()))


def can_view_reports(user, strategy: Strategy) -> bool:
    """Committee reports hold unpublished performance information until issued: clerks, leads and the board."""
    return has_role(user, strategy, Role.CLERK, Role.LEAD, Role.BOARD)


def is_report_reader_anywhere(user) -> bool:
    if not user.is_authenticated:
        return False
    readers = {Role.CLERK, Role.LEAD, Role.BOARD}
    return user.is_superuser or any(roles & readers for roles in roles_by_strategy(user).values())


def can_manage_people(user, strategy: Strategy | int) -> bool:
    """Who may use People and roles (invite, change roles, remove): the strategy's leads and superusers."""
    return has_role(user, strategy, Role.LEAD)


def deactivatable_people(user, people) -> set[int]:
    """Which of these people the user may deactivate. Switching an account off reaches every strategy the person
    is in (a role, or a deliverable they own or contribute to): superusers, or a lead of each of them; never
    themselves or a superuser. Three queries however many people."""
    if not user.is_authenticated:
        return set()
    people = list(people)
    if user.is_superuser:
        return {person.pk for person in people}
    ids = [person.pk for person in people if not person.is_superuser and person.pk != user.pk]
    led = {strategy_id for strategy_id, roles in roles_by_strategy(user).items() if Role.LEAD in roles}
    strategies: dict[int, set[int]] = {}
    rows = [
        Membership.objects.filter(user_id__in=ids).order_by().values_list("user_id", "strategy_id"),
        Deliverable.objects.filter(owner_id__in=ids).order_by().values_list("owner_id", "strategy_id"),
        Deliverable.contributors.through.objects.filter(user_id__in=ids)
        .order_by()
        .values_list("user_id", "deliverable__strategy_id"),
    ]
    for person_id, strategy_id in (row for query in rows for row in query):
        strategies.setdefault(person_id, set()).add(strategy_id)
    return {pk for pk in ids if strategies.get(pk) and strategies[pk] <= led}


def can_deactivate_person(user, person) -> bool:
    return person.pk in deactivatable_people(user, [person])


def is_council_lead(user, organisation: Organisation | int) -> bool:
    """A strategy lead of the council: a lead of any of its strategies, or a council-level lead (CouncilLead, the
    first lead a superuser invites before the council has a strategy). Superusers are not counted here: ask
    `can_set_up_strategy_in` for who may set up a strategy there."""
    if not user.is_authenticated:
        return False
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    led = [strategy_id for strategy_id, roles in roles_by_strategy(user).items() if Role.LEAD in roles]
    if led and Strategy.objects.filter(pk__in=led, organisation_id=organisation_id).exists():
        return True
    return CouncilLead.objects.filter(user=user, organisation_id=organisation_id).exists()


def is_first_lead_of_a_council(user) -> bool:
    """A council-level lead (invited by a superuser as a council's first lead), who may set up its strategies."""
    return user.is_authenticated and CouncilLead.objects.filter(user=user).exists()


def councils_led(user) -> QuerySet[Organisation]:
    """The councils whose strategies the person may set up: all of them for a superuser, else those they lead."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    led = Membership.objects.filter(user=user, role=Role.LEAD).values("strategy__organisation_id")
    return Organisation.objects.filter(
        Q(pk__in=led) | Q(pk__in=CouncilLead.objects.filter(user=user).values("organisation_id"))
    )


def can_set_up_strategy_in(user, organisation: Organisation | int) -> bool:
    """ "Set up a new strategy" for the council: a superuser or a strategy lead of the council."""
    return user.is_authenticated and (user.is_superuser or is_council_lead(user, organisation))


def can_manage_councils(user) -> bool:
    """ "Councils": adding a council and inviting its first strategy lead is for superusers only."""
    return user.is_authenticated and user.is_superuser
