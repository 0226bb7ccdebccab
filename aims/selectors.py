"""Reads that matter for the delivery tree and progress, shaped so query counts do not grow with data."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from accounts.rules import visible_strategies
from aims.models import Aim, Strategy, Theme


def strategy_list(*, user) -> QuerySet[Strategy]:
    return (
        visible_strategies(user)
        .select_related("organisation")
        .annotate(deliverable_count=Count("deliverables", distinct=True))
        .order_by("organisation__name", "title")
    )


def strategy_get_tree(*, slug: str) -> Strategy:
    """A strategy with its aims, themes and deliverables loaded in a fixed number of queries."""
    return (
        Strategy.objects.select_related("organisation")
        .prefetch_related(
            Prefetch("aims", queryset=Aim.objects.order_by("number")),
            Prefetch(
                "themes",
                queryset=Theme.objects.order_by("number")
                .prefetch_related("aims")
                .annotate(deliverable_count=Count("deliverables")),
            ),
            "principles",
        )
        .get(slug=slug)
    )
