"""The strategy's task list ("Set up <title>"): each task once, with where it leads and how its status is worked out.

(Not Celery tasks: the GOV.UK task list pattern's tasks.)

Every status is derived from the data, so it can never disagree with what the lists show:
- Strategy details: Completed once the summary, vision and responsible officer are filled in (what committee
  reports and the strategy page need), otherwise In progress.
- Aims: Not started with none; Completed once there is at least one and every one is served by a theme;
  In progress otherwise.
- Principles: Not started with none; Completed with at least one.
- Themes: Not started with none; Completed once every theme serves at least one aim; In progress otherwise.
- Deliverables: Not started with no active deliverable; Completed once every theme has an active deliverable
  and every active deliverable has a due date (owner and theme are always required); In progress otherwise.
- Reporting periods: Not started with none; Completed once they run from the strategy's start to its end date;
  In progress otherwise.
- People and roles: Not started while only leads have a role; Completed once there is an officer and a board
  member; In progress otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.urls import reverse

from accounts.models import Membership, Role
from aims.models import Aim, Deliverable, Strategy, Theme

NOT_STARTED, IN_PROGRESS, COMPLETED = "Not started", "In progress", "Completed"
TAG_CLASSES = {
    NOT_STARTED: "govuk-tag--blue",
    IN_PROGRESS: "govuk-tag--light-blue",
    COMPLETED: "",
}


@dataclass(frozen=True)
class SetupFacts:
    """What the statuses are worked out from, read in a fixed number of queries."""

    details_complete: bool
    aims: int
    aims_unserved: int
    principles: int
    themes: int
    themes_serving_nothing: int
    themes_without_work: int
    deliverables: int
    deliverables_undated: int
    periods_cover: bool | None  # None: no periods
    roles: frozenset[str]


def setup_facts(*, strategy: Strategy) -> SetupFacts:
    """Six queries, however big the strategy."""
    served = Theme.aims.through.objects.filter(aim_id=OuterRef("pk"))
    aims = Aim.objects.filter(strategy=strategy).aggregate(
        total=Count("pk"), unserved=Count("pk", filter=~Exists(served))
    )
    serves = Theme.aims.through.objects.filter(theme_id=OuterRef("pk"))
    work = Deliverable.objects.filter(theme_id=OuterRef("pk"), is_active=True)
    themes = Theme.objects.filter(strategy=strategy).aggregate(
        total=Count("pk"),
        serving_nothing=Count("pk", filter=~Exists(serves)),
        without_work=Count("pk", filter=~Exists(work)),
    )
    deliverables = Deliverable.objects.filter(strategy=strategy, is_active=True).aggregate(
        total=Count("pk"), undated=Count("pk", filter=Q(due_date__isnull=True))
    )
    periods = strategy.periods.aggregate(first=Min("start_date"), last=Max("end_date"))
    roles = Membership.objects.filter(strategy=strategy).order_by().values_list("role", flat=True).distinct()
    return SetupFacts(
        details_complete=bool(strategy.summary and strategy.vision and strategy.responsible_officer),
        aims=aims["total"],
        aims_unserved=aims["unserved"],
        principles=strategy.principles.count(),
        themes=themes["total"],
        themes_serving_nothing=themes["serving_nothing"],
        themes_without_work=themes["without_work"],
        deliverables=deliverables["total"],
        deliverables_undated=deliverables["undated"],
        periods_cover=None
        if periods["first"] is None
        else (periods["first"] <= strategy.start_date and periods["last"] >= strategy.end_date),
        roles=frozenset(roles),
    )


def _counted(total: int, gaps: int) -> str:
    if not total:
        return NOT_STARTED
    return IN_PROGRESS if gaps else COMPLETED


def _people(facts: SetupFacts) -> str:
    if not facts.roles - {Role.LEAD}:
        return NOT_STARTED
    return COMPLETED if {Role.OFFICER, Role.BOARD} <= facts.roles else IN_PROGRESS


def _periods(facts: SetupFacts) -> str:
    if facts.periods_cover is None:
        return NOT_STARTED
    return COMPLETED if facts.periods_cover else IN_PROGRESS


@dataclass(frozen=True)
class Task:
    name: Callable[[Strategy], str]  # in the council's words where the task is a level of the strategy
    url_name: str  # reversed with the strategy's slug
    status: Callable[[SetupFacts], str]


TASKS = (
    Task(lambda s: "Strategy details", "strategy_setup:details",
         lambda f: COMPLETED if f.details_complete else IN_PROGRESS),
    Task(lambda s: s.aim_label_plural, "strategy_setup:aim_list", lambda f: _counted(f.aims, f.aims_unserved)),
    Task(lambda s: "Principles", "strategy_setup:principle_list", lambda f: _counted(f.principles, 0)),
    Task(lambda s: s.theme_label_plural, "strategy_setup:theme_list",
         lambda f: _counted(f.themes, f.themes_serving_nothing)),
    Task(lambda s: "Deliverables", "strategy_setup:deliverable_list",
         lambda f: _counted(f.deliverables, f.themes_without_work + f.deliverables_undated)),
    Task(lambda s: "Reporting periods", "strategy_setup:period_list", _periods),
    Task(lambda s: "People and roles", "people:people_list", _people),
)  # fmt: skip


@dataclass(frozen=True)
class TaskRow:
    name: str
    url: str
    status: str

    @property
    def tag_class(self) -> str:
        return TAG_CLASSES[self.status]

    @property
    def slug(self) -> str:
        return self.name.lower().replace(" ", "-")


def task_list(*, strategy: Strategy) -> list[TaskRow]:
    facts = setup_facts(strategy=strategy)
    rows = []
    for task in TASKS:
        url = reverse(task.url_name, kwargs={"slug": strategy.slug})
        rows.append(TaskRow(name=task.name(strategy), url=url, status=task.status(facts)))
    return rows
