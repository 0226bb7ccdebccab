from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from aims import recording, rules, selectors, services
from aims.forms import ProgressUpdateForm, ReviewForm
from aims.models import Deliverable, Evidence, ProgressUpdate, ReportingPeriod, Strategy
from core.page_cache import cached, cached_body

REVIEW_PAGE_SIZE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    is_board_member = rules.is_board_member_anywhere(user)

    def render_body() -> str:
        versions = selectors.officer_deliverable_versions(user=user)
        context = {
            "groups": selectors.officer_deliverable_list(user=user, ids=[row[0] for row in versions]),
            "strategies": selectors.home_strategies(user=user, versions=versions),
            "is_board_member": is_board_member,
        }
        return render_to_string("aims/includes/home_body.html", context, request=request)

    # Keyed on the person's home version, which any change to what the body shows raises (their deliverables and
    # their progress, the strategies they work in, their roles: aims/data_versions.py), so a cached body costs no query
    # of its own, and another officer's update does not evict it. An administrator sees every strategy.
    parts = ["home", user.pk, user.home_version, is_board_member]
    if user.is_superuser:
        parts.append(list(Strategy.objects.order_by("pk").values_list("pk", "data_version")))
    return render(request, "aims/home.html", {"body": cached_body(parts, render_body)})


@login_required
def strategy_list(request: HttpRequest) -> HttpResponse:
    strategies = selectors.strategy_list(user=request.user, with_counts=True)
    return render(request, "aims/strategy_list.html", {"strategies": strategies})


@login_required
def strategy_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        strategy = selectors.strategy_get_tree(slug=slug)
    except Strategy.DoesNotExist as exc:
        raise Http404("No such strategy") from exc
    if not rules.can_view_strategy(request.user, strategy):
        raise PermissionDenied
    can_edit_council_details = rules.can_edit_council_details(request.user, strategy)
    return render(
        request,
        "aims/strategy_detail.html",
        {"strategy": strategy, "can_edit_council_details": can_edit_council_details},
    )


@login_required
def deliverable_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Only what the cache key and the access checks need: the rest of the page comes from the cache.
    deliverable = get_object_or_404(Deliverable.objects.only("data_version", "strategy_id", "owner_id"), pk=pk)
    if not rules.can_view_strategy(request.user, deliverable.strategy_id):
        raise PermissionDenied
    can_record = rules.can_record_progress(request.user, deliverable)

    def render_page() -> dict:
        context = _deliverable_context(pk, can_record)
        full, strategy = context["deliverable"], context["strategy"]
        return {
            "reference": full.reference,
            "title": full.title,
            "strategy": {"title": strategy.title, "slug": strategy.slug, "organisation": strategy.organisation.name},
            "body": render_to_string("aims/includes/deliverable_body.html", context),
        }

    # Keyed on the deliverable's own version: raised by any change to it, its progress, or its strategy's
    # structure and periods (aims/data_versions.py), but not by changes to the strategy's other deliverables.
    page = cached(["deliverable", pk, deliverable.data_version, can_record], render_page)
    strategy = SimpleNamespace(
        **{**page["strategy"], "organisation": SimpleNamespace(name=page["strategy"]["organisation"])}
    )
    return render(
        request,
        "aims/deliverable_detail.html",
        {
            "deliverable": SimpleNamespace(reference=page["reference"], title=page["title"]),
            "strategy": strategy,
            "body": mark_safe(page["body"]),  # noqa: S308 - rendered by the portal's own template, which escapes
        },
    )


def _deliverable_context(pk: int, can_record: bool) -> dict:
    deliverable = selectors.deliverable_get(pk=pk)
    open_period = deliverable.strategy.periods.filter(status=ReportingPeriod.Status.OPEN).first()
    updates = list(deliverable.updates.all())
    open_update = next((u for u in updates if open_period and u.period_id == open_period.pk), None)
    returned = [u for u in updates if u.state == ProgressUpdate.State.RETURNED]
    record_period = (
        selectors.period_to_record(deliverable=deliverable, open_period=open_period, updates=updates)
        if can_record
        else None
    )
    return {
        "deliverable": deliverable,
        "strategy": deliverable.strategy,
        "open_period": open_period,
        "open_update": open_update,
        "updates": updates,
        "returned": returned,
        "record_period": record_period,
        "history": selectors.deliverable_history(deliverable=deliverable),
    }


def _form_kwargs(request, deliverable, update, submitting=False) -> dict:
    return {
        "milestones": list(deliverable.milestones.all()),
        "staged": selectors.staged_uploads(user=request.user),
        "evidence": list(update.evidence.all()) if update.pk else [],
        "submitting": submitting,
    }


def _initial(update: ProgressUpdate) -> dict:
    initial = {field: getattr(update, field) for field in services.UPDATE_FIELDS}
    initial["version"] = update.version
    if update.pk:
        initial["milestones_completed"] = [str(m.pk) for m in update.milestones_completed.all()]
    return initial


@login_required
def progress_update(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    deliverable = get_object_or_404(Deliverable.objects.select_related("strategy", "theme", "owner"), pk=pk)
    if not rules.can_view_strategy(request.user, deliverable.strategy):
        raise PermissionDenied
    if not rules.can_record_progress(request.user, deliverable):
        raise PermissionDenied
    period = get_object_or_404(ReportingPeriod, pk=period_pk, strategy=deliverable.strategy)
    recordable = selectors.recordable_period(deliverable=deliverable, period=period)
    if recordable.refusal:
        messages.info(request, recordable.message)
        return redirect("aims:deliverable_detail", pk=deliverable.pk)
    update = recordable.update or services.progress_update_start(
        deliverable=deliverable, period=period, user=request.user
    )
    conflict = None
    if request.method == "POST":
        submitting = request.POST.get("action") == "submit"
        form = ProgressUpdateForm(
            request.POST, request.FILES, **_form_kwargs(request, deliverable, update, submitting=submitting)
        )
        if form.is_valid():
            result = recording.progress_update_record(
                update=update,
                user=request.user,
                answers=form.answers(),
                evidence=form.evidence_input(),
                expected_version=form.cleaned_data["version"],
                submit=submitting,
                milestones_completed=form.milestones_chosen(),
            )
            if result.saved and submitting:
                messages.success(request, f"Your {period.label} update was submitted for review.")
                return redirect("aims:deliverable_detail", pk=deliverable.pk)
            if result.saved:
                messages.success(request, f"Your {period.label} update was saved as a draft.")
                return redirect("aims:progress_update", pk=deliverable.pk, period_pk=period.pk)
            if result.error:
                form.add_error(None, result.error)
            update, conflict, files_kept = result.update, result.conflict, result.files_kept
        else:
            files_kept = recording.files_keep(user=request.user, files=form.checked_files)
        if files_kept or conflict:  # the files kept shown ticked; after a conflict, the current version
            version = conflict.current.version if conflict else None
            form = form.rebound(version=version, **_form_kwargs(request, deliverable, update, submitting))
    else:
        form = ProgressUpdateForm(initial=_initial(update), **_form_kwargs(request, deliverable, update))
    return render(
        request,
        "aims/progress_update_form.html",
        {
            "form": form,
            "deliverable": deliverable,
            "strategy": deliverable.strategy,
            "period": period,
            "update": update,
            "conflict": conflict,
            "max_upload_mb": settings.EVIDENCE_MAX_UPLOAD_BYTES // (1024 * 1024),
        },
    )


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(
        Evidence.objects.select_related("update__deliverable__strategy"), pk=pk, kind=Evidence.Kind.FILE
    )
    if not rules.can_view_strategy(request.user, evidence.update.deliverable.strategy):
        raise PermissionDenied
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing from storage") from exc
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    if not rules.is_board_member_anywhere(request.user):
        raise PermissionDenied
    # Paginated in the database: in a busy round a board member can have thousands of updates waiting.
    page = Paginator(selectors.updates_to_review(user=request.user), REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "aims/review_list.html",
        {"updates": page.object_list, "page_obj": page, "querystring_without_page": ""},
    )


@login_required
def update_review(request: HttpRequest, pk: int) -> HttpResponse:
    update = get_object_or_404(
        ProgressUpdate.objects.select_related(
            "deliverable__strategy", "deliverable__owner", "period", "author"
        ).prefetch_related("evidence", "milestones_completed"),
        pk=pk,
    )
    strategy = update.deliverable.strategy
    if not rules.can_view_strategy(request.user, strategy):
        raise PermissionDenied
    conflict = rules.review_conflict(request.user, update) if rules.can_review(request.user, strategy) else None
    can_review = (
        rules.can_review(request.user, strategy) and not conflict and update.state == ProgressUpdate.State.SUBMITTED
    )
    form = None
    if can_review:
        if request.method == "POST":
            returning = request.POST.get("action") == "return"
            form = ReviewForm(request.POST, returning=returning)
            if form.is_valid():
                try:
                    services.progress_update_review(
                        update=update, user=request.user, accept=not returning, comment=form.cleaned_data["comment"]
                    )
                except services.DomainError as exc:
                    form.add_error(None, str(exc))
                else:
                    verb = "returned to the officer" if returning else "accepted"
                    messages.success(request, f"The update for {update.deliverable.reference} was {verb}.")
                    return redirect("aims:review_list")
        else:
            form = ReviewForm()
    elif request.method == "POST":
        raise PermissionDenied
    previous = (
        update.deliverable.updates.filter(period__start_date__lt=update.period.start_date)
        .order_by("-period__start_date")
        .first()
    )
    return render(
        request,
        "aims/update_review.html",
        {
            "update": update,
            "deliverable": update.deliverable,
            "strategy": strategy,
            "form": form,
            "previous": previous,
            "review_conflict": conflict if update.state == ProgressUpdate.State.SUBMITTED else None,
        },  # fmt: skip
    )
