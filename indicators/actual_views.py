"""Recording an indicator's figure (its owner: "Record an actual", then "Check your answers") and reviewing it (the
board). Like progress recording: "Save as draft" first, so Enter saves a draft; "Continue" saves and shows the
answers; "Submit for review" submits the version checked and nothing newer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from core.wording import govuk_date
from indicators import rules, services, status
from indicators.forms import ActualForm, ActualReviewForm
from indicators.models import ActualState, IndicatorActual, MeasurementPeriod
from indicators.status import Target
from indicators.units import format_target, format_value


def _to_record(request: HttpRequest, slug: str, pk: int, period_pk: int):
    """(actual to record, None) or (None, a redirect saying why not). Refuses anyone but the owner."""
    period = get_object_or_404(
        MeasurementPeriod.objects.select_related("indicator__strategy", "indicator__owner", "target"),
        pk=period_pk, indicator_id=pk, indicator__strategy__slug=slug,
    )  # fmt: skip
    indicator = period.indicator
    if not rules.can_view_indicators(request.user, indicator.strategy) or not rules.can_record_actual(
        request.user, indicator
    ):
        raise PermissionDenied
    if period.start_date > timezone.localdate():
        messages.info(request, f"{period.label} has not started yet, so no figure can be recorded for it.")
        return None, redirect("indicators:indicator_detail", slug, pk)
    actual = services.actual_to_record(period=period, user=request.user)
    if actual.state == ActualState.SUBMITTED:
        messages.info(request, f"The {period.label} figure is waiting for review, so it cannot be changed now.")
        return None, redirect("indicators:indicator_detail", slug, pk)
    actual.period = period
    return actual, None


def _context(actual: IndicatorActual, **extra) -> dict:
    period = actual.period
    indicator = period.indicator
    unit, places = indicator.unit, indicator.decimal_places
    reported = period.actuals.filter(state=ActualState.ACCEPTED).order_by("-revision").first()
    target_row = getattr(period, "target", None)
    target = Target(value=target_row.value, lower=target_row.lower, upper=target_row.upper) if target_row else None
    return {
        "actual": actual,
        "period": period,
        "indicator": indicator,
        "strategy": indicator.strategy,
        "reported": reported if reported and reported.pk != actual.pk else None,
        "reported_text": format_value(reported.value, unit, places) if reported else "",
        "value_text": format_value(actual.value, unit, places),
        "expected_text": govuk_date(actual.expected_on) if actual.expected_on else "",
        "target_text": format_target(target, unit, places),
        "status_if_accepted": status.indicator_status(
            value=actual.value,
            target=target,
            polarity=indicator.polarity,
            tolerance=indicator.tolerance,
            tolerance_kind=indicator.tolerance_kind,
        ),  # fmt: skip
        **extra,
    }


def _initial(actual: IndicatorActual) -> dict:
    initial = {name: getattr(actual, name) for name in services.ANSWER_FIELDS}
    initial["version"] = actual.version if actual.pk else 0
    return initial


@login_required
def actual_record(request: HttpRequest, slug: str, pk: int, period_pk: int) -> HttpResponse:
    actual, refused = _to_record(request, slug, pk, period_pk)
    if refused:
        return refused
    indicator, conflict = actual.period.indicator, None
    continuing = request.POST.get("action") == "continue"
    form = ActualForm(
        request.POST or None, initial=_initial(actual), indicator=indicator, period=actual.period, submitting=continuing
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.actual_save(
                actual=actual, answers=form.answers(), user=request.user,
                expected_version=form.cleaned_data.get("version") or 0,
            )  # fmt: skip
        except services.ConcurrentEditError as exc:
            conflict = exc.current
            data = request.POST.copy()
            data["version"] = conflict.version
            form = ActualForm(data, indicator=indicator, period=actual.period, submitting=continuing)
            form.is_valid()
            form.add_error(None, str(exc))
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            if continuing:
                return redirect("indicators:actual_check", slug, pk, period_pk)
            messages.success(request, f"Your {actual.period.label} figure was saved as a draft.")
            return redirect("indicators:actual_record", slug, pk, period_pk)
    return render(request, "indicators/actual_form.html", _context(actual, form=form, conflict=conflict))


@login_required
def actual_check(request: HttpRequest, slug: str, pk: int, period_pk: int) -> HttpResponse:
    actual, refused = _to_record(request, slug, pk, period_pk)
    if refused:
        return refused
    if not actual.pk:
        return redirect("indicators:actual_record", slug, pk, period_pk)
    error = ""
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            services.actual_submit(actual=actual, user=request.user, expected_version=version)
        except services.ConcurrentEditError as exc:
            error = "Someone saved this figure after you checked it, so it was not submitted. Check it again."
            actual = exc.current
            actual.period = MeasurementPeriod.objects.select_related("indicator__strategy").get(pk=actual.period_id)
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(request, f"Your {actual.period.label} figure was submitted for review.")
            return redirect("indicators:indicator_detail", slug, pk)
    form_url = reverse("indicators:actual_record", args=[slug, pk, period_pk])
    problems = [
        (f"{form_url}#id_{name}", message) for name, message in services.answer_problems(actual, period=actual.period)
    ]
    if error and error not in [m for _, m in problems]:
        problems.insert(0, (form_url, error))
    return render(request, "indicators/actual_check.html", _context(actual, form_url=form_url, problems=problems))


@login_required
def actual_review(request: HttpRequest, slug: str, actual_pk: int) -> HttpResponse:
    actual = get_object_or_404(
        IndicatorActual.objects.select_related(
            "period__indicator__strategy", "period__indicator__owner", "period__target", "author", "reviewer"
        ),
        pk=actual_pk, period__indicator__strategy__slug=slug,
    )  # fmt: skip
    strategy = actual.period.indicator.strategy
    if not rules.can_view_indicators(request.user, strategy):
        raise PermissionDenied
    may_review = rules.can_review_actuals(request.user, strategy)
    conflict = rules.actual_review_conflict(request.user, actual) if may_review else None
    can_review = may_review and not conflict and actual.state == ActualState.SUBMITTED
    form = None
    if can_review:
        returning = request.POST.get("action") == "return"
        form = ActualReviewForm(request.POST or None, returning=returning)
        if request.method == "POST" and form.is_valid():
            try:
                services.actual_review(
                    actual=actual, user=request.user, accept=not returning, comment=form.cleaned_data["comment"]
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                verb = "returned to the owner" if returning else "accepted"
                ref = actual.period.indicator.reference
                messages.success(request, f"The {actual.period.label} figure for {ref} was {verb}.")
                return redirect("aims:review_list")
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "indicators/actual_review.html",
        _context(actual, form=form, review_conflict=conflict if actual.state == ActualState.SUBMITTED else None),
    )
