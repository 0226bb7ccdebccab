"""The lists of aims, principles and themes of the task list: each in order, with add, change, move up or down
(POST buttons, without JavaScript) and remove (a confirmation page, or the reason it is refused). One set of views
serves the three levels, named in the council's own words (`Level`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Model, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from aims.models import Aim, Strategy, Theme
from core.errors import DomainError
from principles.models import Principle
from strategy_setup import structure
from strategy_setup.strategy_views import setup_strategy
from strategy_setup.structure_forms import AimForm, PrincipleForm, ThemeForm


def with_article(word: str) -> str:
    """ "an aim", "a pillar"."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


@dataclass(frozen=True)
class Level:
    key: str  # "aim": the URL names (aim_list …) and the services' keyword for the item
    model: type[Model]
    form: type
    singular: Callable[[Strategy], str]
    plural: Callable[[Strategy], str]
    services: dict[str, Callable]  # add, change, move, remove, refusal

    def items(self, strategy: Strategy) -> list:
        """The strategy's items in order, with what the list shows beside each: three queries at most."""
        items = self.model.objects.filter(strategy=strategy).order_by("number")
        if self.model is Aim:
            return list(items.prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("number"))))
        if self.model is Theme:
            items = items.prefetch_related(Prefetch("aims", queryset=Aim.objects.order_by("number")))
            return list(items.annotate(deliverable_count=Count("deliverables")))
        return list(items.annotate(deliverable_count=Count("deliverable_links")))

    def names(self, strategy: Strategy) -> dict:
        singular = self.singular(strategy)
        return {
            "singular": singular.lower(),
            "plural": self.plural(strategy),
            "add": f"Add {with_article(singular.lower())}",
        }


LEVELS = {
    "aim": Level("aim", Aim, AimForm, lambda s: s.aim_label, lambda s: s.aim_label_plural, {
        "add": structure.aim_add, "change": structure.aim_change, "move": structure.aim_move,
        "remove": structure.aim_remove, "refusal": structure.aim_removal_refusal,
    }),
    "principle": Level("principle", Principle, PrincipleForm, lambda s: "Principle", lambda s: "Principles", {
        "add": structure.principle_add, "change": structure.principle_change, "move": structure.principle_move,
        "remove": structure.principle_remove, "refusal": structure.principle_removal_refusal,
    }),
    "theme": Level("theme", Theme, ThemeForm, lambda s: s.theme_label, lambda s: s.theme_label_plural, {
        "add": structure.theme_add, "change": structure.theme_change, "move": structure.theme_move,
        "remove": structure.theme_remove, "refusal": structure.theme_removal_refusal,
    }),
}  # fmt: skip


def _context(strategy: Strategy, level: Level, **extra) -> dict:
    return {"strategy": strategy, "level": level, "names": level.names(strategy), **extra}


def _item(strategy: Strategy, level: Level, pk: int):
    return get_object_or_404(level.model, pk=pk, strategy=strategy)


@login_required
def item_list(request: HttpRequest, slug: str, level: str) -> HttpResponse:
    strategy = setup_strategy(request, slug)
    spec = LEVELS[level]
    return render(request, "strategy_setup/item_list.html", _context(strategy, spec, items=spec.items(strategy)))


def _form_page(request: HttpRequest, strategy: Strategy, spec: Level, item=None) -> HttpResponse:
    initial = {}
    if item is not None:
        initial = {name: getattr(item, name) for name in spec.form.base_fields}
        if spec.model is Theme:
            initial["aims"] = list(item.aims.all())
    form = spec.form(request.POST if request.method == "POST" else None, initial=initial, strategy=strategy)
    if request.method == "POST" and form.is_valid():
        try:
            if item is None:
                saved = spec.services["add"](strategy=strategy, by=request.user, **form.cleaned_data)
            else:
                saved = spec.services["change"](**{spec.key: item}, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            done = "added" if item is None else "changed"
            messages.success(request, f"{spec.singular(strategy)} {saved.number}, “{saved.title}”, was {done}.")
            return redirect(f"strategy_setup:{spec.key}_list", slug=strategy.slug)
    context = _context(strategy, spec, form=form, item=item)
    return render(request, "strategy_setup/item_form.html", context)


@login_required
def item_add(request: HttpRequest, slug: str, level: str) -> HttpResponse:
    strategy = setup_strategy(request, slug)
    return _form_page(request, strategy, LEVELS[level])


@login_required
def item_change(request: HttpRequest, slug: str, level: str, pk: int) -> HttpResponse:
    strategy = setup_strategy(request, slug)
    spec = LEVELS[level]
    return _form_page(request, strategy, spec, _item(strategy, spec, pk))


@login_required
@require_POST
def item_move(request: HttpRequest, slug: str, level: str, pk: int) -> HttpResponse:
    strategy = setup_strategy(request, slug)
    spec = LEVELS[level]
    item = _item(strategy, spec, pk)
    direction = request.POST.get("direction", "")
    try:
        moved = spec.services["move"](**{spec.key: item}, direction=direction, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        where = "up" if direction == structure.UP else "down"
        if moved:
            messages.success(request, f"“{item.title}” moved {where}: it is now {spec.singular(strategy).lower()} "
                             f"{item.number}.")  # fmt: skip
        else:
            messages.info(request, f"“{item.title}” is already {'first' if where == 'up' else 'last'}.")
    return redirect(f"strategy_setup:{spec.key}_list", slug=strategy.slug)


@login_required
def item_remove(request: HttpRequest, slug: str, level: str, pk: int) -> HttpResponse:
    strategy = setup_strategy(request, slug)
    spec = LEVELS[level]
    item = _item(strategy, spec, pk)
    refusal = spec.services["refusal"](**{spec.key: item})
    if request.method == "POST" and not refusal:
        try:
            spec.services["remove"](**{spec.key: item}, by=request.user)
        except DomainError as exc:
            refusal = str(exc)
        else:
            messages.success(request, f"“{item.title}” was removed.")
            return redirect(f"strategy_setup:{spec.key}_list", slug=strategy.slug)
    context = _context(strategy, spec, item=item, refusal=refusal)
    status = 409 if refusal and request.method == "POST" else 200
    return render(request, "strategy_setup/item_remove.html", context, status=status)
