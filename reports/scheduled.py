"""The scheduled jobs' work (Celery beat calls these through reports.tasks): period roll-over with a draft
committee report, and reminder emails. Each is safe to run again: it checks what was already done."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role
from aims.models import ProgressUpdate, ReportingPeriod, Strategy
from aims.services import reporting_periods_roll_over
from core.notifications import absolute_url, notify
from reports import selectors, services, versions
from reports.models import ProgressReport, ReminderLog

logger = logging.getLogger(__name__)
SYSTEM_USERNAME = "portal-scheduler"


def system_user():
    """The account scheduled jobs act as. It cannot sign in."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"first_name": "Digital Strategy", "last_name": "Portal", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def draft_report_for(*, strategy: Strategy, period: ReportingPeriod) -> ProgressReport | None:
    """Create and generate the automatic draft report for a closed period, once. Clerks are told."""
    if ProgressReport.objects.filter(period=period, created_automatically=True).exists():
        return None
    lead = (
        Membership.objects.filter(strategy=strategy, role=Role.LEAD, user__is_active=True)
        .select_related("user")
        .first()
    )
    author = lead.user if lead else system_user()
    answers = services.ReportAnswers(
        **services.report_defaults(strategy=strategy, period=period, user=author),
        meeting_date=period.end_date + dt.timedelta(weeks=8),
    )
    try:
        with transaction.atomic():
            report = services.report_create(strategy=strategy, user=system_user(), answers=answers, automatic=True)
            versions.report_version_request(report=report, user=system_user())
    except IntegrityError:
        return None  # another run created it first
    clerks = Membership.objects.filter(strategy=strategy, role=Role.CLERK, user__is_active=True).select_related("user")
    notify(
        template="report_drafted",
        to=[m.user.email for m in clerks],
        context={
            "strategy": strategy,
            "period": period,
            "report_url": absolute_url(reverse("reports:report_detail", args=[report.pk])),
        },
    )
    return report


def roll_over_and_draft_reports(*, today: dt.date | None = None) -> list[ProgressReport]:
    """Close ended periods, open current ones, and make sure the latest closed period has a draft report."""
    today = today or timezone.localdate()
    drafted = []
    for strategy in Strategy.objects.filter(status=Strategy.Status.ADOPTED).select_related("organisation"):
        reporting_periods_roll_over(strategy=strategy, today=today)
        latest_closed = strategy.periods.filter(status=ReportingPeriod.Status.CLOSED).order_by("-end_date").first()
        if latest_closed and (today - latest_closed.end_date).days <= settings.REPORT_DRAFT_WITHIN_DAYS:
            report = draft_report_for(strategy=strategy, period=latest_closed)
            if report:
                drafted.append(report)
    return drafted


def _once(user, period: ReportingPeriod, kind: str, today: dt.date) -> bool:
    """Record that this reminder is going out; False if it already went today."""
    _, created = ReminderLog.objects.get_or_create(user=user, period=period, kind=kind, sent_on=today)
    return created


def reminders_send(*, today: dt.date | None = None) -> dict[str, int]:
    """Officers with no submitted update: a reminder N days before the deadline and on the day.
    Board members: on Mondays, a digest of the updates waiting for their review."""
    today = today or timezone.localdate()
    before = settings.REMINDER_DAYS_BEFORE_DEADLINE
    sent = {"officer": 0, "board": 0}
    periods = ReportingPeriod.objects.filter(
        status=ReportingPeriod.Status.OPEN, strategy__status=Strategy.Status.ADOPTED
    ).select_related("strategy")
    for period in periods:
        strategy = period.strategy
        days_left = (period.deadline - today).days
        if days_left in (before, 0):
            kind = "deadline_today" if days_left == 0 else "deadline_soon"
            for owner, items in selectors.chase_list(strategy=strategy, period=period):
                if not (owner.is_active and owner.email) or not _once(owner, period, kind, today):
                    continue
                rows = [
                    {
                        "reference": i.deliverable.reference,
                        "title": i.deliverable.title,
                        "state_label": i.state_label,
                        "url": absolute_url(reverse("aims:deliverable_detail", args=[i.deliverable.pk])),
                    }
                    for i in items
                ]
                notify(
                    template="progress_reminder",
                    to=[owner.email],
                    context={"strategy": strategy, "period": period, "due_today": days_left == 0, "items": rows},
                )
                sent["officer"] += 1
        if today.weekday() == 0:
            waiting = ProgressUpdate.objects.filter(
                deliverable__strategy=strategy, state=ProgressUpdate.State.SUBMITTED
            ).count()
            if not waiting:
                continue
            board = Membership.objects.filter(strategy=strategy, role=Role.BOARD, user__is_active=True)
            for membership in board.select_related("user"):
                if not membership.user.email or not _once(membership.user, period, "board_digest", today):
                    continue
                notify(
                    template="review_digest",
                    to=[membership.user.email],
                    context={
                        "strategy": strategy,
                        "waiting": waiting,
                        "review_url": absolute_url(reverse("aims:review_list")),
                    },
                )
                sent["board"] += 1
    return sent
