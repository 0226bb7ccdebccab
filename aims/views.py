from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from aims import recording, rules, selectors, services
from aims.forms import ProgressUpdateForm, ReviewForm
from aims.models import Deliverable, Evidence, ProgressUpdate, ReportingPeriod, Strategy
from core import review_sections
from core.page_cache import cached

REVIEW_PAGE_SIZE = 50


@login_required
def strategy_list(request: HttpRequest) -> HttpResponse:
    strategies = selectors.strategy_list(user=request.user, with_counts=True)
    context = {"strategies": strategies, "can_create_strategy": rules.can_create_strategy(request.user)}
    return render(request, "aims/strategy_list.html", context)


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
        {
            "strategy": strategy,
            "can_edit_council_details": can_edit_council_details,
            "can_manage_strategy": rules.can_manage_strategy(request.user, strategy),
            "can_manage_people": rules.can_manage_people(request.user, strategy),
            "can_view_changes": rules.can_view_changes(request.user, strategy),
        },
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


def _form_kwargs(request, update: ProgressUpdate, submitting=False) -> dict:
    deliverable = update.deliverable
    return {
        "milestones": list(deliverable.milestones.all()),
        "completed_here": list(update.milestones_completed.values_list("pk", flat=True)) if update.pk else [],
        "starts_on": deliverable.strategy.start_date,
        "staged": selectors.staged_uploads(user=request.user, deliverable=deliverable, period=update.period),
        "evidence": list(update.evidence.all()) if update.pk else [],
        "submitting": submitting,
        "past_draft": update.state == ProgressUpdate.State.RETURNED,
    }


def _initial(update: ProgressUpdate) -> dict:
    initial = {field: getattr(update, field) for field in services.UPDATE_FIELDS}
    initial["version"] = update.version
    if update.pk:
        initial["milestones_completed"] = [str(m.pk) for m in update.milestones_completed.all()]
    return initial


def _update_to_record(request: HttpRequest, pk: int, period_pk: int) -> tuple[ProgressUpdate | None, HttpResponse]:
    """The deliverable's update for the period (unsaved if new), or None and a redirect saying why it cannot be
    recorded. Refuses anyone who may not record the deliverable's progress."""
    deliverable = get_object_or_404(Deliverable.objects.select_related("strategy", "theme", "owner"), pk=pk)
    if not rules.can_view_strategy(request.user, deliverable.strategy):
        raise PermissionDenied
    if not rules.can_record_progress(request.user, deliverable):
        raise PermissionDenied
    period = get_object_or_404(ReportingPeriod, pk=period_pk, strategy=deliverable.strategy)
    recordable = selectors.recordable_period(deliverable=deliverable, period=period)
    if recordable.refusal:
        messages.info(request, recordable.message)
        return None, redirect("aims:deliverable_detail", pk=deliverable.pk)
    update = recordable.update or services.progress_update_start(
        deliverable=deliverable, period=period, user=request.user
    )
    update.deliverable, update.period = deliverable, period
    return update, None


@login_required
def progress_update(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """Record progress. "Save as draft" is the form's first button, so pressing Enter in a field saves a draft;
    "Continue" saves too, then shows the answers to check before they are submitted (progress_update_check)."""
    update, refused = _update_to_record(request, pk, period_pk)
    if refused:
        return refused
    conflict = None
    if request.method == "POST":
        done, form, update, conflict = _progress_update_post(request, update)
        if done:
            return done
    else:
        form = ProgressUpdateForm(initial=_initial(update), **_form_kwargs(request, update))
    return render(
        request,
        "aims/progress_update_form.html",
        {
            "form": form,
            "deliverable": update.deliverable,
            "strategy": update.deliverable.strategy,
            "period": update.period,
            "update": update,
            "conflict": conflict,
            "max_upload_mb": settings.EVIDENCE_MAX_UPLOAD_BYTES // (1024 * 1024),
        },
    )


def _progress_update_post(request: HttpRequest, update: ProgressUpdate):
    """(redirect or None, form, update, conflict) for a post of the progress form. Whatever stops the save, the
    files chosen are kept for this update and the ones ticked to remove are removed."""
    continuing = request.POST.get("action") == "continue"  # anything else, Enter included, saves a draft
    form = ProgressUpdateForm(request.POST, request.FILES, **_form_kwargs(request, update, submitting=continuing))
    conflict = None
    if form.is_valid():
        result = recording.progress_update_record(
            update=update,
            user=request.user,
            answers=form.answers(),
            evidence=form.evidence_input(),
            expected_version=form.cleaned_data["version"],
            milestones_completed=form.milestones_chosen(),
            staged_removed=form.staged_removed(),
        )
        args = [update.deliverable.pk, update.period.pk]
        if result.saved and continuing:
            return redirect("aims:progress_update_check", *args), form, update, None
        if result.saved:
            messages.success(request, f"Your {update.period.label} update was saved as a draft.")
            return redirect("aims:progress_update", *args), form, update, None
        if result.error:
            form.add_error(None, result.error)
        conflict = result.conflict
        if conflict:
            conflict.current.deliverable, conflict.current.period = update.deliverable, update.period
            update = conflict.current
    else:
        recording.staged_uploads_remove(user=request.user, update=update, ids=form.staged_removed())
        recording.files_keep(user=request.user, update=update, files=form.checked_files)
    # Bound again: the kept files listed as "Files you have added"; after a conflict, the current version.
    version = conflict.current.version if conflict else None
    form = form.rebound(version=version, **_form_kwargs(request, update, continuing))
    return None, form, update, conflict


# Where a "Check your answers" problem links on the form: the first radio of a list of radios (as crispy-forms-gds
# numbers them), else the answer's own box.
ANSWER_ANCHORS = {"rag_status": "rag_status_1"}


@login_required
def progress_update_check(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """ "Check your answers before submitting": the saved draft as the board will see it, with "Change" links back
    to each answer on the form, and "Submit for review", which submits the version checked and nothing newer."""
    update, refused = _update_to_record(request, pk, period_pk)
    if refused:
        return refused
    if not update.pk:
        return redirect("aims:progress_update", pk, period_pk)
    changed_by, error = None, ""
    if request.method == "POST":
        try:
            services.progress_update_submit(update=update, user=request.user, expected_version=_version(request))
        except services.ConcurrentEditError as exc:
            who = exc.current.history.first()
            changed_by = who.history_user.display_name if who and who.history_user else "Someone else"
            update = exc.current
        except services.DomainError as exc:
            error = str(exc)
        else:
            messages.success(request, f"Your {update.period.label} update was submitted for review.")
            return redirect("aims:deliverable_detail", pk=pk)
    update = selectors.progress_update_to_check(pk=update.pk)
    form_url = reverse("aims:progress_update", args=[pk, period_pk])
    problems = [
        (f"{form_url}#id_{ANSWER_ANCHORS.get(answer, answer)}", message)
        for answer, message in services.submission_problems(update)
    ]
    if error and error not in [message for _, message in problems]:
        problems.insert(0, (form_url, error))
    return render(
        request,
        "aims/progress_update_check.html",
        {
            "update": update,
            "deliverable": update.deliverable,
            "strategy": update.deliverable.strategy,
            "period": update.period,
            "form_url": form_url,
            "problems": problems,
            "changed_by": changed_by,
        },
    )


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1  # never a saved version: treated as someone else's change, and the answers shown again


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
        {
            "updates": page.object_list,
            "page_obj": page,
            "querystring_without_page": "",
            # Figures of apps above the delivery tree (indicators), registered with core.review_sections.
            "sections": review_sections.sections(user=request.user),
        },
    )


@login_required
def update_review(request: HttpRequest, pk: int) -> HttpResponse:
    update = get_object_or_404(
        ProgressUpdate.objects.select_related(
            "deliverable__strategy", "deliverable__owner", "period", "author", "entered_by"
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
