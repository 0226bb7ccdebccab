"""'Linked strategies': which of the council's other strategies this one is linked to. For its leads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from aims import links, rules
from aims.link_forms import LinkedStrategiesForm
from aims.models import Strategy
from core.errors import DomainError


@login_required
def linked_strategies(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = get_object_or_404(Strategy.objects.select_related("organisation"), slug=slug)
    if not rules.can_manage_strategy(request.user, strategy):
        raise PermissionDenied
    choices = links.linkable_strategies(strategy=strategy)
    initial = {"linked": list(strategy.linked_strategies.values_list("pk", flat=True))}
    form = LinkedStrategiesForm(request.POST if request.method == "POST" else None, initial=initial, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            links.strategy_links_set(strategy=strategy, linked=form.cleaned_data["linked"], by=request.user)
        except DomainError as exc:
            form.add_error("linked", str(exc))
        else:
            messages.success(request, "The linked strategies were saved.")
            return redirect("aims:strategy_detail", slug=strategy.slug)
    context = {"strategy": strategy, "form": form, "has_choices": choices.exists()}
    return render(request, "aims/linked_strategies.html", context)
