"""The JSON API (Django Ninja), mounted at /api/. Its OpenAPI 3 description is /api/openapi.json, read by the
docs page (/api/docs/, api/views.py) and by Schemathesis in the tests.

Every operation goes through `_gate` first, before its parameters are read: the address's rate limit, then the
bearer token (a session cookie counts for nothing here, so no write needs CSRF protection), then the token's
rate limit. Who may read or write what is aims.rules', through api/rules.py.
"""

from __future__ import annotations

import functools
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from ninja import NinjaAPI, Path, Query, Router

from accounts import client_address as addresses
from aims import recording, services
from aims import selectors as aims_selectors
from api import errors, limits, rules, schemas, selectors, tokens
from api.errors import ERROR_RESPONSES, WRITE_ERROR_RESPONSES, ApiError
from core.errors import DomainError
from indicators import services as indicator_services
from indicators.models import ActualState

MAX_ID = 2**63 - 1
SLUG = Path(..., pattern=r"^[-a-zA-Z0-9_]+$", max_length=100)
DESCRIPTION = """The Digital Strategy Portal's data: strategies, aims, themes, reporting periods, deliverables
with their figures, and progress updates.

Without a token you read published strategies only: accepted progress for closed reporting periods, without
officers' names. With a personal access token (create one on "API tokens" in the portal) send
`Authorization: Bearer <token>`: you read what you may see on the portal's screens, and record draft progress
updates for the deliverables you own or contribute to.

Lists are paginated with `limit` (1 to 100, 50 by default) and `offset`, and say `count`, `next` and
`previous`. Every error has one shape: `{"error": {"code": ..., "message": ..., "details": [...]}}`.
Requests are limited per minute, per client address and per token: over the limit the answer is 429 with a
`Retry-After` header (seconds)."""


class PortalAPI(NinjaAPI):
    def get_root_path(self, path_params):
        # Mounted inside the `api` app's namespace (api/urls.py), which Ninja's own reverse does not know.
        return reverse(f"api:{self.urls_namespace}:api-root", kwargs=path_params)


api = PortalAPI(
    title="Digital Strategy Portal API",
    version="1",
    description=DESCRIPTION,
    docs_url=None,  # the portal's own page, api/views.py: GOV.UK styled, no script, passes axe
    urls_namespace="api-json",
    openapi_extra={
        "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
        "security": [{}, {"token": []}],
    },
)
errors.install(api)
router = Router()


def _gate(run):
    """Before any parameter is read: limits and the token. Answers in the error shape itself, since it runs
    outside Ninja's exception handling."""

    @functools.wraps(run)
    def gated(request, *args, **kwargs):
        address = addresses.client_address(request) or "unknown"
        if wait := limits.hit("address", address):
            return _too_many(wait)
        header = request.META.get("HTTP_AUTHORIZATION", "")
        request.api_token = None
        request.user = AnonymousUser()
        if header:
            scheme, _, raw = header.partition(" ")
            token = tokens.token_authenticate(raw.strip()) if scheme.lower() == "bearer" else None
            if token is None:
                return errors.error_response(
                    401, "The token is not valid: it may have expired or been revoked. Create a new one.",
                    code="invalid_token", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
                )  # fmt: skip
            if wait := limits.hit("token", str(token.pk)):
                return _too_many(wait)
            request.api_token, request.user = token, token.user
        return run(request, *args, **kwargs)

    return gated


def _too_many(wait: int):
    message = f"Too many requests. Try again in {wait} seconds."
    return errors.error_response(429, message, headers={"Retry-After": str(wait)})


router.add_decorator(_gate, mode="view")


def _access(request, strategy) -> str:
    access = rules.strategy_access(request.user, strategy)
    if access is None:
        _refuse(request)
    return access


def _refuse(request):
    if not request.user.is_authenticated:
        raise ApiError(401, "Send a personal access token (Authorization: Bearer <token>) to read this.")
    raise ApiError(403, "You do not have permission to do this.")


def _page(request, items, *, count: int, limit: int, offset: int) -> dict:
    def link(to: int | None) -> str | None:
        if to is None:
            return None
        query = {**request.GET.dict(), "limit": limit, "offset": to}
        return request.build_absolute_uri(f"{request.path}?{urlencode(query)}")

    after = offset + limit if offset + limit < count else None
    before = max(offset - limit, 0) if offset > 0 else None
    return {"count": count, "limit": limit, "offset": offset, "next": link(after), "previous": link(before),
            "items": items}  # fmt: skip


LIMIT = Query(50, ge=1, le=100, description="How many items on a page.")
OFFSET = Query(0, ge=0, le=1_000_000, description="How many items to skip.")
PERIOD = Query(None, ge=1, le=MAX_ID, description="A reporting period's id. By default: the dashboard's period "
               "(full access) or the latest closed period (public).")  # fmt: skip


def _strategy_out(strategy, access: str) -> dict:
    return {
        **{name: getattr(strategy, name) for name in ("slug", "title", "summary", "vision", "start_date",
                                                      "end_date", "cadence", "status", "is_published",
                                                      "aim_label", "theme_label")},
        "organisation": {"name": strategy.organisation.name, "slug": strategy.organisation.slug},
        "access": access,
    }  # fmt: skip


@router.get(
    "/strategies",
    summary="List the strategies you may read",
    response={200: schemas.StrategyPage, **ERROR_RESPONSES},
    tags=["Strategies"],
)
def strategy_list(request, limit: int = LIMIT, offset: int = OFFSET):
    """The strategies you may read: published ones, and those you may view on the portal."""
    qs = rules.readable_strategies(request.user).select_related("organisation").order_by("organisation__name", "title")
    full = rules.full_access_ids(request.user) if request.user.is_authenticated else set()
    page = list(qs[offset : offset + limit])
    items = [_strategy_out(s, rules.FULL if s.pk in full else rules.PUBLIC) for s in page]
    return _page(request, items, count=qs.count(), limit=limit, offset=offset)


@router.get(
    "/strategies/{slug}",
    summary="Get a strategy",
    response={200: schemas.StrategyOut, **ERROR_RESPONSES},
    tags=["Strategies"],
)
def strategy_detail(request, slug: str = SLUG):
    strategy = selectors.strategy_get(slug=slug)
    return _strategy_out(strategy, _access(request, strategy))


@router.get(
    "/strategies/{slug}/aims",
    summary="List a strategy's aims",
    response={200: schemas.AimPage, **ERROR_RESPONSES},
    tags=["Strategies"],
)
def aim_list(request, slug: str = SLUG, limit: int = LIMIT, offset: int = OFFSET):
    strategy = selectors.strategy_get(slug=slug)
    _access(request, strategy)
    qs = strategy.aims.order_by("number")
    items = [{"id": a.pk, "number": a.number, "title": a.title, "description": a.description}
             for a in qs[offset : offset + limit]]  # fmt: skip
    return _page(request, items, count=qs.count(), limit=limit, offset=offset)


@router.get(
    "/strategies/{slug}/themes",
    summary="List a strategy's themes",
    response={200: schemas.ThemePage, **ERROR_RESPONSES},
    tags=["Strategies"],
)
def theme_list(request, slug: str = SLUG, limit: int = LIMIT, offset: int = OFFSET):
    strategy = selectors.strategy_get(slug=slug)
    _access(request, strategy)
    qs = strategy.themes.order_by("number").prefetch_related("aims")
    items = [
        {"id": t.pk, "number": t.number, "title": t.title, "vision": t.vision,
         "expected_outcomes": t.expected_outcomes, "aim_ids": sorted(a.pk for a in t.aims.all())}
        for t in qs[offset : offset + limit]
    ]  # fmt: skip
    return _page(request, items, count=qs.count(), limit=limit, offset=offset)


@router.get(
    "/strategies/{slug}/periods",
    summary="List a strategy's reporting periods",
    response={200: schemas.PeriodPage, **ERROR_RESPONSES},
    tags=["Strategies"],
)
def period_list(request, slug: str = SLUG, limit: int = LIMIT, offset: int = OFFSET):
    """Reporting periods: every one for full access, the closed ones for the public."""
    strategy = selectors.strategy_get(slug=slug)
    qs = selectors.periods_readable(strategy=strategy, access=_access(request, strategy))
    items = [{"id": p.pk, "label": p.label, "start_date": p.start_date, "end_date": p.end_date,
              "deadline": p.deadline, "status": p.status} for p in qs[offset : offset + limit]]  # fmt: skip
    return _page(request, items, count=qs.count(), limit=limit, offset=offset)


@router.get(
    "/strategies/{slug}/deliverables",
    summary="List a strategy's deliverables with their figures",
    response={200: schemas.DeliverablePage, **ERROR_RESPONSES},
    tags=["Deliverables"],
)
def deliverable_list(request, slug: str = SLUG, period: int | None = PERIOD, limit: int = LIMIT, offset: int = OFFSET):
    """The strategy's deliverables, each with its figures for the period (null when the period's figures do
    not cover it: withdrawn, or not started by the period's end)."""
    strategy = selectors.strategy_get(slug=slug)
    access = _access(request, strategy)
    chosen = selectors.period_for(strategy=strategy, access=access, period_id=period)
    qs = selectors.deliverables(strategy=strategy)
    page = list(qs[offset : offset + limit])
    found = selectors.figures_by_deliverable(strategy=strategy, period=chosen, access=access, ids=[d.pk for d in page])
    for deliverable in page:
        deliverable.strategy = strategy
    items = [selectors.deliverable_out(d, access=access, figures_for=found) for d in page]
    return _page(request, items, count=qs.count(), limit=limit, offset=offset)


@router.get(
    "/deliverables/{pk}",
    summary="Get a deliverable with its figures",
    response={200: schemas.DeliverableOut, **ERROR_RESPONSES},
    tags=["Deliverables"],
)
def deliverable_detail(request, pk: int = Path(..., ge=1, le=MAX_ID), period: int | None = PERIOD):
    deliverable = selectors.deliverable_get(pk=pk)
    access = _access(request, deliverable.strategy)
    chosen = selectors.period_for(strategy=deliverable.strategy, access=access, period_id=period)
    found = selectors.figures_by_deliverable(strategy=deliverable.strategy, period=chosen, access=access, ids=[pk])
    return selectors.deliverable_out(deliverable, access=access, figures_for=found)


@router.get(
    "/deliverables/{pk}/updates",
    summary="List a deliverable's progress updates",
    response={200: schemas.UpdatePage, **ERROR_RESPONSES},
    tags=["Progress updates"],
)
def update_list(
    request,
    pk: int = Path(..., ge=1, le=MAX_ID),
    period: int | None = Query(None, ge=1, le=MAX_ID, description="Only this reporting period's update."),
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    """The deliverable's progress updates, oldest period first: every one (as its page shows) for full access;
    accepted updates of closed periods, without their text or names, for the public."""
    deliverable = selectors.deliverable_get(pk=pk)
    access = _access(request, deliverable.strategy)
    qs = selectors.updates(deliverable=deliverable, access=access, period_id=period)
    items = [selectors.update_out(u, access=access) for u in qs[offset : offset + limit]]
    return _page(request, items, count=qs.count(), limit=limit, offset=offset)


def _to_record(request, pk: int, period_pk: int):
    """The deliverable's update for the period (unsaved if new), refusing as the progress form does."""
    if not request.user.is_authenticated:
        _refuse(request)
    deliverable = selectors.deliverable_get(pk=pk)
    if not rules.can_record(request.user, deliverable):
        _refuse(request)
    period = deliverable.strategy.periods.filter(pk=period_pk).first()
    if period is None:
        raise Http404(f"No reporting period {period_pk} in {deliverable.strategy.title}.")
    recordable = aims_selectors.recordable_period(deliverable=deliverable, period=period)
    if recordable.refusal:
        raise ApiError(409, recordable.message, code="not_recordable")
    update = recordable.update or services.progress_update_start(deliverable=deliverable, period=period,
                                                                 user=request.user)  # fmt: skip
    update.deliverable, update.period = deliverable, period
    return update


@router.put(
    "/deliverables/{pk}/updates/{period_pk}",
    summary="Save a draft progress update",
    response={200: schemas.UpdateOut, **WRITE_ERROR_RESPONSES},
    tags=["Progress updates"],
)
def update_save(
    request, data: schemas.UpdateIn, pk: int = Path(..., ge=1, le=MAX_ID), period_pk: int = Path(..., ge=1, le=MAX_ID)
):
    """Save the deliverable's update for the period as a draft, as "Save as draft" on the progress form: its
    owner and contributors, while the period is open or the update has been returned. Send the `version` you
    read (0 for a new update): if someone saved since, the answer is 409 and nothing is saved. Evidence and
    milestones are not changed here."""
    update = _to_record(request, pk, period_pk)
    answers = services.ProgressAnswers(**data.dict(exclude={"version"}))
    result = recording.progress_update_record(
        update=update, user=request.user, answers=answers, evidence=services.EvidenceInput(),
        expected_version=data.version,
    )  # fmt: skip
    if result.conflict:
        raise services.ConcurrentEditError(result.conflict.current)
    if not result.saved:
        raise ApiError(422, result.error, code="rule_broken")
    return selectors.update_out(result.update, access=rules.FULL)


@router.post(
    "/deliverables/{pk}/updates/{period_pk}/submit",
    summary="Submit a progress update for review",
    response={200: schemas.UpdateOut, **WRITE_ERROR_RESPONSES},
    tags=["Progress updates"],
)
def update_submit(
    request, data: schemas.SubmitIn, pk: int = Path(..., ge=1, le=MAX_ID), period_pk: int = Path(..., ge=1, le=MAX_ID)
):
    """Submit the saved update for review, as "Submit for review" on "Check your answers": the version you
    send, and nothing newer. Refused (422) while it is not ready: what was achieved, a RAG status and percent
    complete, and a corrective action for Red."""
    update = _to_record(request, pk, period_pk)
    if not update.pk:
        raise ApiError(422, "Save the update as a draft before you submit it.", code="rule_broken")
    submitted = services.progress_update_submit(update=update, user=request.user, expected_version=data.version)
    submitted.period = update.period
    return selectors.update_out(submitted, access=rules.FULL)


@router.get(
    "/strategies/{slug}/indicators",
    summary="List a strategy's performance indicators with their latest figures",
    response={200: schemas.IndicatorPage, **ERROR_RESPONSES},
    tags=["Performance indicators"],
)
def indicator_list(request, slug: str = SLUG, period: int | None = PERIOD, limit: int = LIMIT, offset: int = OFFSET):
    """The strategy's indicators, each with the latest accepted figure by the end of the reporting period (as
    the indicators dashboard shows it). The public reads published indicators only, without owners' names."""
    strategy = selectors.strategy_get(slug=slug)
    access = _access(request, strategy)
    chosen = selectors.period_for(strategy=strategy, access=access, period_id=period)
    rows = selectors.indicator_rows(strategy=strategy, period=chosen, access=access)
    items = [selectors.indicator_out(row, access=access) for row in rows[offset : offset + limit]]
    return {**_page(request, items, count=len(rows), limit=limit, offset=offset),
            "period_id": chosen.pk if chosen else None}  # fmt: skip


def _indicator_readable(request, pk: int):
    indicator = selectors.indicator_get(pk=pk)
    access = _access(request, indicator.strategy)
    if access != rules.FULL and not selectors.indicator_is_public(indicator):
        _refuse(request)
    return indicator, access


@router.get(
    "/indicators/{pk}",
    summary="Get a performance indicator with its series",
    response={200: schemas.IndicatorDetailOut, **ERROR_RESPONSES},
    tags=["Performance indicators"],
)
def indicator_detail(request, pk: int = Path(..., ge=1, le=MAX_ID)):
    """The indicator, its latest accepted figure and every measurement period with its target and accepted
    figure. Public callers read published indicators only."""
    indicator, access = _indicator_readable(request, pk)
    return selectors.indicator_detail_out(indicator, access=access)


def _actual_to_record(request, pk: int, period_pk: int):
    """The indicator's open figure for the period (unsaved if new), refusing as "Record an actual" does."""
    if not request.user.is_authenticated:
        _refuse(request)
    indicator = selectors.indicator_get(pk=pk)
    if not rules.can_record_actual(request.user, indicator):
        _refuse(request)
    period = next((p for p in indicator.periods.all() if p.pk == period_pk), None)
    if period is None:
        raise Http404(f"No measurement period {period_pk} for indicator {indicator.reference}.")
    if period.start_date > timezone.localdate():
        raise ApiError(409, f"{period.label} has not started yet, so no figure can be recorded for it.",
                       code="not_recordable")  # fmt: skip
    actual = indicator_services.actual_to_record(period=period, user=request.user)
    if actual.state == ActualState.SUBMITTED:
        raise ApiError(409, f"The {period.label} figure is waiting for review, so it cannot be changed now.",
                       code="not_recordable")  # fmt: skip
    period.indicator = indicator
    actual.period = period
    return actual


@router.put(
    "/indicators/{pk}/actuals/{period_pk}",
    summary="Save a draft figure (actual) for a measurement period",
    response={200: schemas.ActualOut, **WRITE_ERROR_RESPONSES},
    tags=["Performance indicators"],
)
def actual_save(
    request, data: schemas.ActualIn, pk: int = Path(..., ge=1, le=MAX_ID), period_pk: int = Path(..., ge=1, le=MAX_ID)
):
    """Save the indicator's figure for the measurement period as a draft, as "Save as draft" on "Record an
    actual": the indicator's owner only, for a period that has started. Send the value, or `not_available` with
    `expected_on`. Send the `version` you read (`pending_version` on the indicator, 0 for a new figure): if
    someone saved since, the answer is 409 and nothing is saved. Correcting an accepted figure starts a new
    revision; the accepted one stays reported until the revision is accepted."""
    actual = _actual_to_record(request, pk, period_pk)
    if not actual.pk and data.version != 0:
        raise ApiError(409, "There is no figure being recorded for this period now: send version 0 to start one.",
                       code="edit_conflict")  # fmt: skip
    value = Decimal(data.value) if data.value is not None else None
    answers = indicator_services.ActualAnswers(**{**data.dict(exclude={"version"}), "value": value})
    saved = indicator_services.actual_save(
        actual=actual, answers=answers, user=request.user, expected_version=data.version
    )
    saved.period = actual.period
    return selectors.actual_out(saved)


@router.post(
    "/indicators/{pk}/actuals/{period_pk}/submit",
    summary="Submit a figure (actual) for review",
    response={200: schemas.ActualOut, **WRITE_ERROR_RESPONSES},
    tags=["Performance indicators"],
)
def actual_submit(
    request, data: schemas.SubmitIn, pk: int = Path(..., ge=1, le=MAX_ID), period_pk: int = Path(..., ge=1, le=MAX_ID)
):
    """Submit the saved figure for review, as "Submit for review" on "Check your answers": the version you send,
    and nothing newer. Refused (409, `not_ready`) while nothing is saved, or the saved figure has no value nor
    "not yet available" with the date it is expected: the request is sound, the figure is not ready."""
    actual = _actual_to_record(request, pk, period_pk)
    if not actual.pk:
        raise ApiError(409, "Save the figure as a draft before you submit it.", code="not_ready")
    try:
        submitted = indicator_services.actual_submit(actual=actual, user=request.user, expected_version=data.version)
    except indicator_services.ConcurrentEditError:
        raise
    except DomainError as exc:
        raise ApiError(409, str(exc), code="not_ready") from exc
    submitted.period = actual.period
    return selectors.actual_out(submitted)


api.add_router("", router)
