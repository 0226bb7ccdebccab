from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import rules
from aims import selectors
from aims.models import Strategy


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "aims/home.html", {"strategies": selectors.strategy_list(user=request.user)})


@login_required
def strategy_list(request: HttpRequest) -> HttpResponse:
    return render(request, "aims/strategy_list.html", {"strategies": selectors.strategy_list(user=request.user)})


@login_required
def strategy_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        strategy = selectors.strategy_get_tree(slug=slug)
    except Strategy.DoesNotExist as exc:
        raise Http404("No such strategy") from exc
    if not rules.can_view_strategy(request.user, strategy):
        raise PermissionDenied
    return render(request, "aims/strategy_detail.html", {"strategy": strategy})
