"""The home page: each person lands on their own work, one section for each role they hold.

Here rather than in aims because a clerk's section reads progress reports, and reports sits above aims.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from accounts.models import Role
from aims import rules, selectors
from aims.models import Strategy
from core.page_cache import cached
from reports.home import clerk_reports

REVIEW_LIMIT = 10  # the oldest updates shown on the home page; "Updates to review" lists them all


@dataclass(frozen=True)
class Section:
    key: str
    title: str


def _sections(user, roles: dict[int, set[str]], versions: Callable[[], list]) -> list[Section]:
    held = set().union(*roles.values()) if roles else set()
    sections = []
    if rules.is_board_member_anywhere(user):
        sections.append(Section("board", "Updates to review"))
    if Role.CLERK in held:
        sections.append(Section("clerk", "Progress reports"))
    # A council's first lead has no role until they set up its first strategy (one query, only for them).
    if Role.LEAD in held or user.is_superuser or (not held and rules.is_first_lead_of_a_council(user)):
        sections.append(Section("lead", "Your strategies"))
    # An officer's deliverables: whoever owns or contributes to one; and an officer with none, when they have no
    # other work (the cached body then says what will appear there).
    # Whether they work on any is kept with their home version (raised when that changes): no query when cached.
    works_on = cached(["home-works-on", user.pk, user.home_version], lambda: bool(versions()))
    if works_on or (Role.OFFICER in held and not sections):
        sections.insert(0, Section("officer", "Your deliverables"))
    return sections


def _cached_parts(user, level: int, versions: Callable[[], list]) -> dict:
    """The officer's deliverables and the list of strategies, keyed on the person's home version (raised by any
    change to what they show: aims/data_versions.py), so a cached home costs no query of its own. An
    administrator sees every strategy."""

    def render_parts() -> dict:
        strategies = selectors.home_strategies(user=user, versions=versions())
        roles = rules.roles_by_strategy(user)
        for strategy in strategies:
            held = roles.get(strategy.pk, set())
            names = [label for value, label in Role.choices if value in held]
            strategy.your_role = ", ".join(names) or ("Administrator" if user.is_superuser else "Deliverable owner")
        context = {
            "groups": selectors.officer_deliverable_list(user=user, ids=[row[0] for row in versions()]),
            "strategies": strategies,
            "level": level,
        }
        return {
            "officer": render_to_string("aims/includes/home_body.html", context),
            "strategies": render_to_string("aims/includes/home_strategies.html", context),
        }

    parts = ["home", user.pk, user.home_version, level]
    if user.is_superuser:
        parts.append(list(Strategy.objects.order_by("pk").values_list("pk", "data_version")))
    return {name: mark_safe(body) for name, body in cached(parts, render_parts).items()}  # noqa: S308 - our templates


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    roles = rules.roles_by_strategy(user)
    # What they own or contribute to, read at most once, and only when a cached part is missing.
    versions = functools.cache(lambda: selectors.officer_deliverable_versions(user=user))
    sections = _sections(user, roles, versions)
    keys = {s.key for s in sections}
    several = len(sections) > 1
    context = {
        "sections": sections,
        "several": several,
        "title": sections[0].title if len(sections) == 1 else "Your work",
        "has_lead_section": "lead" in keys,
        **_cached_parts(user, level=3 if several else 2, versions=versions),
    }
    context["strategies_listed"] = bool(context["strategies"].strip())
    # Fresh on every visit (updates arrive and wait, versions finish): bounded queries, none per row.
    board_ids = [pk for pk, held in roles.items() if Role.BOARD in held]
    clerk_ids = [pk for pk, held in roles.items() if Role.CLERK in held]
    if keys & {"board", "clerk"}:
        strategies = list(Strategy.objects.filter(pk__in=board_ids + clerk_ids).order_by("organisation__name", "title"))
        context["dashboards"] = [s for s in strategies if s.pk in board_ids]
        context["clerk_groups"] = clerk_reports(strategies=[s for s in strategies if s.pk in clerk_ids])
    if "board" in keys:
        context["to_review"], context["to_review_count"] = selectors.home_updates_to_review(
            user=user, strategy_ids=None if user.is_superuser else board_ids, limit=REVIEW_LIMIT
        )
    return render(request, "aims/home.html", context)
