from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from aims import rules, selectors, services
from aims.forms import ProgressUpdateForm, ReviewForm
from aims.models import Deliverable, Evidence, ProgressUpdate, ReportingPeriod, StagedUpload, Strategy
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
    return render(request, "aims/strategy_detail.html", {"strategy": strategy})


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
    record_period = None
    if can_record:
        if returned:
            record_period = returned[0].period
        elif open_period and (open_update is None or open_update.is_editable):
            record_period = open_period
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
        "staged": list(StagedUpload.objects.filter(user=request.user)),
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
    update = ProgressUpdate.objects.filter(
        deliverable=deliverable, period=period
    ).first() or services.progress_update_start(deliverable=deliverable, period=period, user=request.user)
    if update.pk and not update.is_editable:
        messages.info(request, f"The {period.label} update has been {update.get_state_display().lower()}.")
        return redirect("aims:deliverable_detail", pk=deliverable.pk)
    if not period.is_open and update.state != ProgressUpdate.State.RETURNED:
        messages.info(request, f"The reporting period {period.label} is not open for updates.")
        return redirect("aims:deliverable_detail", pk=deliverable.pk)

    conflict = None
    if request.method == "POST":
        submitting = request.POST.get("action") == "submit"
        form = ProgressUpdateForm(
            request.POST, request.FILES, **_form_kwargs(request, deliverable, update, submitting=submitting)
        )
        if form.is_valid():
            data = form.cleaned_data
            staged = list(StagedUpload.objects.filter(user=request.user, pk__in=data.get("staged_uploads") or []))
            evidence = services.EvidenceInput(
                files=[(s, None) for s in staged] + form.checked_files,
                links=form.links,
                figures=form.figures,
                notes=[data["note"].strip()] if data.get("note", "").strip() else [],
                remove_ids=[int(x) for x in data.get("remove_evidence") or []],
            )
            milestones = None
            if "milestones_completed" in form.fields:
                chosen = {int(x) for x in data.get("milestones_completed") or []}
                milestones = [m for m in deliverable.milestones.all() if m.pk in chosen]
            try:
                services.progress_update_save(
                    update=update,
                    values={field: data[field] for field in services.UPDATE_FIELDS},
                    user=request.user,
                    expected_version=data["version"],
                    submit=submitting,
                    evidence=evidence,
                    milestones_completed=milestones,
                )
            except services.ConcurrentEditError as exc:
                conflict = _conflict(exc, data)
                _stage_checked_files(request, form)
                form = _rebound_after_conflict(request, deliverable, update, exc.current, submitting)
            except services.DomainError as exc:
                form.add_error(None, str(exc))
                if _stage_checked_files(request, form):
                    form = _rebind_with_staged(request, form, _form_kwargs(request, deliverable, update, submitting))
            else:
                StagedUpload.objects.filter(user=request.user).exclude(
                    pk__in=[s.pk for s in staged]
                ).delete()  # files the person unticked
                if submitting:
                    messages.success(request, f"Your {period.label} update was submitted for review.")
                    return redirect("aims:deliverable_detail", pk=deliverable.pk)
                messages.success(request, f"Your {period.label} update was saved as a draft.")
                return redirect("aims:progress_update", pk=deliverable.pk, period_pk=period.pk)
        elif _stage_checked_files(request, form):
            form = _rebind_with_staged(request, form, _form_kwargs(request, deliverable, update, submitting))
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


def _stage_checked_files(request: HttpRequest, form: ProgressUpdateForm) -> bool:
    """Keep the files that passed their checks, so a problem elsewhere on the form never loses them."""
    with transaction.atomic():
        for upload, checked in form.checked_files:
            services.staged_upload_create(user=request.user, source=upload, checked=checked)
    staged_any = bool(form.checked_files)
    form.checked_files = []
    return staged_any


def _rebind_with_staged(request: HttpRequest, form: ProgressUpdateForm, kwargs: dict) -> ProgressUpdateForm:
    """The same answers and errors, with the files just kept shown as ticked "Files ready to attach"."""
    data = request.POST.copy()
    data.setlist("staged_uploads", [str(s.pk) for s in kwargs["staged"]])
    rebound = ProgressUpdateForm(data, **kwargs)
    rebound.is_valid()
    for field, errors in form.errors.items():
        for error in errors:
            if error not in rebound.errors.get(field, []):
                rebound.add_error(field if field != "__all__" else None, error)
    return rebound


def _rebound_after_conflict(request, deliverable, update, current, submitting):
    """Keep the person's answers, but with the current version, so saving again is a deliberate overwrite."""
    data = request.POST.copy()
    data["version"] = str(current.version)
    staged = [str(s.pk) for s in StagedUpload.objects.filter(user=request.user)]
    data.setlist("staged_uploads", staged)
    update.refresh_from_db()
    form = ProgressUpdateForm(data, **_form_kwargs(request, deliverable, update, submitting=submitting))
    form.is_valid()
    return form


def _conflict(exc: services.ConcurrentEditError, mine: dict) -> dict:
    current = exc.current
    rows = []
    for field in services.UPDATE_FIELDS:
        theirs, yours = getattr(current, field), mine.get(field)
        if field == "rag_status":
            theirs, yours = (
                current.get_rag_status_display(),
                dict(ProgressUpdate._meta.get_field(field).choices).get(yours, yours),
            )
        if str(theirs or "") != str(yours or ""):
            label = ProgressUpdate._meta.get_field(field).verbose_name
            rows.append((str(label).capitalize(), theirs, yours))
    return {"message": str(exc), "rows": rows, "current": current}


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
