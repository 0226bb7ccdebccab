"""More sections for "Updates to review", from apps above the delivery tree (the indicators' figures).

The page belongs to the delivery tree (aims.views.review_list), which may not import the apps above it; those apps
register a provider here from their ready() instead, as the delivery tree registers its freshness writer. A
provider takes the person and returns a section (a dict with "template", the template to include, and its
context) or None when it has nothing for them. Sections are included in the order they were registered.
"""

from __future__ import annotations

from collections.abc import Callable

Provider = Callable[[object], dict | None]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def sections(*, user) -> list[dict]:
    return [section for section in (provider(user) for provider in _providers) if section]
