"""Reads for the Deliverables setup pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from aims.models import Deliverable, Strategy, Theme


@dataclass
class ThemeDeliverables:
    theme: Theme
    deliverables: list[Deliverable]


def deliverables_by_theme(*, strategy: Strategy) -> list[ThemeDeliverables]:
    """Every theme of the strategy (those without deliverables too) with its deliverables, active and withdrawn,
    sorted by reference; each deliverable carries `update_count` and `milestone_count`. Two queries."""
    themes = list(Theme.objects.filter(strategy=strategy).order_by("number"))
    rows = (
        Deliverable.objects.filter(strategy=strategy)
        .select_related("owner")
        .annotate(update_count=Count("updates", distinct=True), milestone_count=Count("milestones", distinct=True))
        .order_by("reference")
    )
    by_theme: dict[int, list[Deliverable]] = {theme.pk: [] for theme in themes}
    for deliverable in rows:
        by_theme[deliverable.theme_id].append(deliverable)
    return [ThemeDeliverables(theme, by_theme[theme.pk]) for theme in themes]
