"""Writes of the strategy's levels: aims, principles and themes (add, change, move up or down, remove).

Each level is numbered 1..n within its strategy and stays so after every move and removal. Every write runs with
the strategy's row locked (one writer of the numbering at a time), is kept in the change history
(simple-history, with who made it) and marks the strategy strategy-wide (core.freshness), since every page of
the strategy shows its aims, principles and themes.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from accounts.models import User
from aims.models import Aim, ProgressUpdate, Strategy, Theme
from core import freshness
from core.errors import DomainError
from principles.models import Principle

UP, DOWN = "up", "down"


def _lock(strategy_id: int) -> None:
    Strategy.objects.select_for_update().filter(pk=strategy_id).first()


def _save(item: models.Model, by: User) -> None:
    item._history_user = by
    item.save()


def _next_number(model, strategy: Strategy) -> int:
    last = model.objects.filter(strategy=strategy).aggregate(n=models.Max("number"))["n"]
    return (last or 0) + 1


def _renumber(model, strategy_id: int, by: User) -> None:
    """Close the gaps: 1..n in the present order, each row moved down into a number already free."""
    for n, item in enumerate(model.objects.filter(strategy_id=strategy_id).order_by("number"), start=1):
        if item.number != n:
            item.number = n
            _save(item, by)


def _add(model, *, strategy: Strategy, by: User, **values) -> models.Model:
    _lock(strategy.pk)
    item = model(strategy=strategy, number=_next_number(model, strategy), **values)
    _save(item, by)
    freshness.mark(strategy_wide=[strategy.pk])
    return item


def _change(item: models.Model, *, by: User, **values) -> models.Model:
    _lock(item.strategy_id)
    for name, value in values.items():
        setattr(item, name, value)
    _save(item, by)
    freshness.mark(strategy_wide=[item.strategy_id])
    return item


def _move(item: models.Model, *, direction: str, by: User) -> bool:
    """Swap the item with its neighbour above or below; False when it is already first or last."""
    if direction not in (UP, DOWN):
        raise DomainError("Choose whether to move it up or down")
    _lock(item.strategy_id)
    model = type(item)
    item.refresh_from_db(fields=["number"])
    siblings = model.objects.filter(strategy_id=item.strategy_id)
    if direction == UP:
        neighbour = siblings.filter(number__lt=item.number).order_by("-number").first()
    else:
        neighbour = siblings.filter(number__gt=item.number).order_by("number").first()
    if neighbour is None:
        return False
    mine, theirs = item.number, neighbour.number
    item.number = 0  # free its number for a moment: (strategy, number) is unique
    item.save(update_fields=["number"])
    neighbour.number = mine
    _save(neighbour, by)
    item.number = theirs
    _save(item, by)
    # The temporary 0 is not a change anyone made: keep only the real before and after in the history.
    item.history.filter(number=0).delete()
    freshness.mark(strategy_wide=[item.strategy_id])
    return True


def _remove(item: models.Model, *, by: User) -> None:
    _lock(item.strategy_id)
    strategy_id, model = item.strategy_id, type(item)
    item._history_user = by
    item.delete()
    _renumber(model, strategy_id, by)
    freshness.mark(strategy_wide=[strategy_id])


# Aims


@freshness.atomic
def aim_add(*, strategy: Strategy, title: str, description: str = "", by: User) -> Aim:
    return _add(Aim, strategy=strategy, by=by, title=title, description=description)


@freshness.atomic
def aim_change(*, aim: Aim, title: str, description: str = "", by: User) -> Aim:
    return _change(aim, by=by, title=title, description=description)


@freshness.atomic
def aim_move(*, aim: Aim, direction: str, by: User) -> bool:
    return _move(aim, direction=direction, by=by)


def aim_removal_refusal(*, aim: Aim) -> str | None:
    """Why the aim cannot be removed, or None: a theme serving it has deliverables with progress recorded."""
    themes = Theme.objects.filter(aims=aim, deliverables__updates__isnull=False).distinct().order_by("number")
    names = [f"{theme.number}. {theme.title}" for theme in themes]
    if not names:
        return None
    strategy = aim.strategy
    return (
        f"Progress has been recorded on deliverables of {_listed(names)}, which "
        f"{'serves' if len(names) == 1 else 'serve'} this {strategy.aim_label.lower()}. Change "
        f"{'that' if len(names) == 1 else 'those'} {_level(strategy, len(names))} so that "
        f"{'it serves' if len(names) == 1 else 'they serve'} another {strategy.aim_label.lower()} first; the "
        "progress stays with the deliverables."
    )


@freshness.atomic
def aim_remove(*, aim: Aim, by: User) -> None:
    """Remove an aim; the themes serving it stay (serving their other aims). Refused where progress exists."""
    _lock(aim.strategy_id)
    if refusal := aim_removal_refusal(aim=aim):
        raise DomainError(refusal)
    for theme in aim.themes.all():  # the theme's history records that it no longer serves this aim
        theme._history_user = by
        theme.aims.remove(aim)
    _remove(aim, by=by)


# Principles


@freshness.atomic
def principle_add(*, strategy: Strategy, title: str, description: str = "", by: User) -> Principle:
    return _add(Principle, strategy=strategy, by=by, title=title, description=description)


@freshness.atomic
def principle_change(*, principle: Principle, title: str, description: str = "", by: User) -> Principle:
    return _change(principle, by=by, title=title, description=description)


@freshness.atomic
def principle_move(*, principle: Principle, direction: str, by: User) -> bool:
    return _move(principle, direction=direction, by=by)


def principle_removal_refusal(*, principle: Principle) -> str | None:
    """Why the principle cannot be removed, or None: deliverables uphold it (withdrawn ones too: their history)."""
    references = list(
        principle.deliverable_links.order_by("deliverable__reference").values_list("deliverable__reference", flat=True)
    )
    if not references:
        return None
    return (
        f"{_listed(references)} {'upholds' if len(references) == 1 else 'uphold'} this principle. Take the "
        f"principle off {'that deliverable' if len(references) == 1 else 'those deliverables'} first, "
        "or keep the principle and change its description."
    )


@freshness.atomic
def principle_remove(*, principle: Principle, by: User) -> None:
    _lock(principle.strategy_id)
    if refusal := principle_removal_refusal(principle=principle):
        raise DomainError(refusal)
    _remove(principle, by=by)


# Themes


def _check_aims(strategy: Strategy, aims: Iterable[Aim]) -> list[Aim]:
    aims = list(aims)
    if any(aim.strategy_id != strategy.pk for aim in aims):
        raise DomainError(f"Choose {strategy.aim_label_plural.lower()} of {strategy.title} only")
    return aims


@freshness.atomic
def theme_add(
    *, strategy: Strategy, title: str, vision: str = "", expected_outcomes: str = "", aims: Iterable[Aim], by: User
) -> Theme:
    aims = _check_aims(strategy, aims)
    theme = _add(Theme, strategy=strategy, by=by, title=title, vision=vision, expected_outcomes=expected_outcomes)
    theme._history_user = by
    theme.aims.set(aims)
    return theme


@freshness.atomic
def theme_change(
    *, theme: Theme, title: str, vision: str = "", expected_outcomes: str = "", aims: Iterable[Aim], by: User
) -> Theme:
    aims = _check_aims(theme.strategy, aims)
    _change(theme, by=by, title=title, vision=vision, expected_outcomes=expected_outcomes)
    theme._history_user = by
    theme.aims.set(aims)
    return theme


@freshness.atomic
def theme_move(*, theme: Theme, direction: str, by: User) -> bool:
    return _move(theme, direction=direction, by=by)


def theme_removal_refusal(*, theme: Theme) -> str | None:
    """Why the theme cannot be removed, or None: it has deliverables (withdrawn ones too, which keep their
    history); with progress recorded, withdrawing is the way to stop the work."""
    deliverables = list(theme.deliverables.order_by("reference").values_list("pk", "reference"))
    if not deliverables:
        return None
    with_progress = set(
        ProgressUpdate.objects.filter(deliverable__theme=theme).values_list("deliverable_id", flat=True)
    )
    level = theme.strategy.theme_label.lower()
    references = _listed([reference for _, reference in deliverables])
    if with_progress:
        return (
            f"Progress has been recorded on {len(with_progress)} of its deliverables ({references}). Withdraw "
            f"deliverables that have stopped (their progress is kept), or move them to another {level}, first."
        )
    return f"It has deliverables ({references}). Move them to another {level}, or remove them, first."


@freshness.atomic
def theme_remove(*, theme: Theme, by: User) -> None:
    _lock(theme.strategy_id)
    if refusal := theme_removal_refusal(theme=theme):
        raise DomainError(refusal)
    _remove(theme, by=by)


def _listed(names: list[str], most: int = 5) -> str:
    """ "A, B and C"; past `most` names, "A, B, C, D, E and 3 more"."""
    shown = names[:most]
    rest = len(names) - len(shown)
    if rest:
        return f"{', '.join(shown)} and {rest} more"
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def _level(strategy: Strategy, count: int) -> str:
    return (strategy.theme_label if count == 1 else strategy.theme_label_plural).lower()
