"""'Changes to this strategy': the strategy's change history, newest first, for its leads and board members."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from aims import history, rules
from aims.models import Strategy

PAGE_SIZE = 25


@login_required
def strategy_history(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = get_object_or_404(Strategy.objects.select_related("organisation"), slug=slug)
    if not rules.can_view_changes(request.user, strategy):
        raise PermissionDenied
    paginator = Paginator(history.strategy_changes(strategy=strategy), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))  # a page number out of range or not a number: the nearest
    context = {"strategy": strategy, "page_obj": page, "changes": page.object_list, "querystring_without_page": ""}
    return render(request, "aims/strategy_history.html", context)
