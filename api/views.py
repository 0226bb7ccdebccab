"""The API's pages in the portal: its documentation, and a person's own API tokens."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from api import docs, errors, services, tokens
from api.endpoints import api
from api.forms import TokenCreateForm
from api.models import ApiToken
from core.errors import DomainError


def api_docs(request: HttpRequest) -> HttpResponse:
    """Readable documentation, for anyone: the API itself serves public data without a token."""
    openapi = api.get_openapi_schema()
    base = request.build_absolute_uri("/api")
    return render(
        request,
        "api/docs.html",
        {
            "info": openapi["info"],
            "operations": docs.operations(openapi),
            "schemas": docs.schemas(openapi),
            "base": base,
            "limits": {"address": settings.API_RATE_LIMIT_PER_ADDRESS, "token": settings.API_RATE_LIMIT_PER_TOKEN},
        },
    )


def api_not_found(request: HttpRequest) -> HttpResponse:
    return errors.error_response(404, f"There is no {request.path} in the API: see {reverse('api:docs')}.")


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = [(token, tokens.is_usable(token, today=today)) for token in ApiToken.objects.filter(user=request.user)]
    return render(request, "api/token_list.html", {"rows": rows, "today": today})


@login_required
def token_create(request: HttpRequest) -> HttpResponse:
    """The token is shown on the answer to the POST itself, once: it is never stored, nor kept in the session."""
    form = TokenCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"], expires_on=form.cleaned_data["expires_on"],
                request=request,
            )  # fmt: skip
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            response = render(request, "api/token_created.html", {"token": token, "raw": raw})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "api/token_create.html", {"form": form})


@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Another person's token is not found, rather than refused: its existence is nobody else's business.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if request.method == "POST":
        services.api_token_revoke(token=token, user=request.user, request=request)
        messages.success(request, f"The token “{token.name}” was revoked. It no longer works.")
        return redirect("api:token_list")
    return render(request, "api/token_revoke.html", {"token": token})
