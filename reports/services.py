"""Writes for committee reports: create, request a version, generate it (the Celery task's body), issue it."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from aims.models import ReportingPeriod, Strategy
from core import dispatch
from core.errors import DomainError
from reports.models import ProgressReport, ReportVersion
from reports.snapshot import executive_summary_default

logger = logging.getLogger(__name__)

# Slack on top of redelivery_window()'s sum: clocks of different hosts, a slow claim, the reaper's own run.
REDELIVERY_MARGIN = dt.timedelta(seconds=60)
# A version is started at most this many times, whatever stopped the earlier starts (a killed worker, a lost
# database): the next delivery fails it with a reason instead of rendering it again, so a report that kills its
# worker (out of memory, say) cannot loop for ever. The task's database retries are counted in it too.
MAX_ATTEMPTS = 4
# A version still queued this long after it was asked for was lost with its message (the broker's data was lost,
# or nothing has been running a worker): fail it so "Generate PDF" can be pressed again. If the message does
# arrive later, the task finds the version failed and does nothing.
QUEUED_STUCK_AFTER = dt.timedelta(hours=1)


def redelivery_window(*, transport_options: dict | None = None, time_limit: int | None = None) -> dt.timedelta:
    """How long after a version's start a redelivered task may still take it over when its worker has died.

    Until then the version belongs to redelivery; after it, to the reaper (report_versions_reap). The broker puts
    the dead worker's message back within visibility_timeout + unacked_restore_interval * unacked_restore_throttle
    of delivering it (see CELERY_BROKER_TRANSPORT_OPTIONS in settings; delivery comes before started_at), a worker
    is free to take it within the hard time limit, and REDELIVERY_MARGIN is slack. Taking it over sets a new
    started_at, so the window starts again. Without arguments, from the settings; the worker-killed test passes the
    values it gives its workers."""
    from kombu.transport.redis import Channel

    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS if transport_options is None else transport_options
    time_limit = settings.CELERY_TASK_TIME_LIMIT if time_limit is None else time_limit
    sweep = options.get("unacked_restore_interval", Channel.unacked_restore_interval) * options.get(
        "unacked_restore_throttle", Channel.unacked_restore_throttle
    )
    return dt.timedelta(seconds=options["visibility_timeout"] + sweep + time_limit) + REDELIVERY_MARGIN


def report_defaults(*, strategy: Strategy, period: ReportingPeriod, user) -> dict:
    """Initial answers for "Create a progress report", with the executive summary drafted from the figures."""
    cadence = strategy.get_cadence_display()
    organisation = strategy.organisation
    return {
        "period": period,
        "committee": strategy.adopted_by or "Corporate Policy Committee",
        "title": f"{strategy.title} – {cadence} Progress Report",
        "report_of": f"{user.display_name}, {user.job_title}" if user.job_title else user.display_name,
        "wards_affected": "All",
        "executive_summary": executive_summary_default(strategy=strategy, period=period),
        "recommendations": (
            f"That the Committee notes the progress made in delivering the {strategy.title} during {period.label}, "
            "and the corrective actions in hand for the deliverables reported red."
        ),
        "reasons": (
            f"To keep the Committee informed of progress against the {strategy.title}, which it agreed would be "
            f"reported {cadence.lower()}."
        ),
        "contact_name": user.display_name,
        "contact_email": user.email or organisation.email,
        "contact_telephone": getattr(user, "telephone", "") or organisation.telephone,
        "marking": "OFFICIAL",
    }


@transaction.atomic
def report_create(*, strategy: Strategy, user, values: dict, automatic: bool = False) -> ProgressReport:
    if values["period"].strategy_id != strategy.pk:
        raise DomainError("Choose a reporting period of this strategy.")
    return ProgressReport.objects.create(strategy=strategy, created_by=user, created_automatically=automatic, **values)


@transaction.atomic
def report_update(*, report: ProgressReport, values: dict) -> ProgressReport:
    for name, value in values.items():
        setattr(report, name, value)
    report.save()
    return report


@transaction.atomic
def report_version_request(*, report: ProgressReport, user) -> ReportVersion:
    """Queue a new version. Earlier versions (issued or not) are kept as they are."""
    ProgressReport.objects.select_for_update().get(pk=report.pk)  # serialise version numbering
    if report.versions.filter(status__in=[ReportVersion.Status.QUEUED, ReportVersion.Status.GENERATING]).exists():
        raise DomainError("A version of this report is already being generated. Wait for it to finish.")
    last = report.versions.order_by("-number").first()
    version = ReportVersion.objects.create(report=report, number=(last.number + 1) if last else 1, requested_by=user)
    # ignore_result: the web never reads the task's result (the version row says how it went), and asking for one
    # made Celery subscribe to the result store, which with Redis down retried for ~19 s and then raised
    # RuntimeError (found by tests/integration/test_real_outage.py).
    dispatch.send_after_commit(
        GENERATE_TASK, version.pk, ignore_result=True, on_error=lambda exc: _not_queued(version.pk, exc)
    )
    return version


GENERATE_TASK = "reports.tasks.report_version_generate_task"


def _not_queued(version_id: int, exc: Exception) -> None:
    """The queue could not be reached: say so on the version instead of leaving it queued with nothing to pick it
    up. Only the broker's own failures are expected here; anything else is a bug and is raised."""
    if not isinstance(exc, BrokerError | RedisError | OSError | RuntimeError):
        raise exc
    logger.error("Could not queue report version %s: %s", version_id, exc, exc_info=exc)
    report_version_fail(
        version_id=version_id,
        reason="The report could not be queued because the task service is unavailable. "
        "Nothing was lost: try “Generate PDF” again in a few minutes.",
    )


def _claim(version_id: int) -> bool:
    """Mark the version as generating unless it is finished, another worker holds it, or it was started
    MAX_ATTEMPTS times already (then fail it)."""
    with transaction.atomic():
        version = (
            ReportVersion.objects.select_for_update(skip_locked=True)
            .filter(pk=version_id, status__in=[ReportVersion.Status.QUEUED, ReportVersion.Status.GENERATING])
            .first()
        )
        if version is None:
            return False
        if version.status == ReportVersion.Status.GENERATING and version.attempts >= MAX_ATTEMPTS:
            logger.warning("Report version %s was started %s times without finishing", version_id, version.attempts)
            version.status = ReportVersion.Status.FAILED
            version.failure_reason = (
                f"The report generator stopped {version.attempts} times before finishing this report (the report "
                "may be too large for the server, or the server kept restarting). Try the “Exceptions only” "
                "appendix, or ask support quoting this report's version number."
            )
            version.finished_at = timezone.now()
            version.save(update_fields=["status", "failure_reason", "finished_at"])
            return False
        version.status = ReportVersion.Status.GENERATING
        version.started_at = timezone.now()
        version.attempts += 1
        version.failure_reason = ""
        version.save(update_fields=["status", "started_at", "attempts", "failure_reason"])
    return True


def _write_atomically(name: str, data: bytes) -> str:
    """Write to a temporary file beside the target, then rename over it: never a half-written PDF."""
    path = Path(default_storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return name


def report_version_generate(*, version_id: int) -> ReportVersion | None:
    """Take the snapshot and render the PDF. Idempotent: a finished version, or one another worker is
    generating right now, is left alone. The version row stays locked while rendering, so a second worker
    skips it; if this worker dies, the lock goes with its connection and a redelivered task starts again."""
    from reports.pdf import report_pdf
    from reports.snapshot import snapshot_build

    if not _claim(version_id):
        return None
    with transaction.atomic():
        version = (
            ReportVersion.objects.select_for_update(skip_locked=True)
            .select_related("report__strategy__organisation", "report__period")
            .filter(pk=version_id, status=ReportVersion.Status.GENERATING)
            .first()
        )
        if version is None:
            return None
        snapshot = version.snapshot or snapshot_build(report=version.report)
        pdf, pages = report_pdf(snapshot)
        report = version.report
        name = f"reports/{report.strategy.slug}/report-{report.pk}-v{version.number}.pdf"
        _write_atomically(name, pdf)
        version.snapshot = snapshot
        version.pdf.name = name
        version.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        version.pdf_size_bytes = len(pdf)
        version.page_count = pages
        version.status = ReportVersion.Status.READY
        version.finished_at = timezone.now()
        version.save()
    return version


def report_version_fail(*, version_id: int, reason: str) -> None:
    """Record a failure a clerk can act on. A version already finished is not touched."""
    ReportVersion.objects.filter(
        pk=version_id, status__in=[ReportVersion.Status.QUEUED, ReportVersion.Status.GENERATING]
    ).update(status=ReportVersion.Status.FAILED, failure_reason=reason, finished_at=timezone.now())


def report_versions_reap(*, now: dt.datetime | None = None) -> int:
    """Fail versions whose worker died, or whose task was lost before any worker took it, so none stays
    "generating" or "queued" for ever. Locked rows are still running. A "generating" version is left alone for
    redelivery_window() after it started: until then a redelivered task may still take it over and finish it."""
    now = now or timezone.now()
    reaped = 0
    with transaction.atomic():
        stuck = ReportVersion.objects.select_for_update(skip_locked=True).filter(
            Q(status=ReportVersion.Status.GENERATING, started_at__lt=now - redelivery_window())
            | Q(status=ReportVersion.Status.QUEUED, requested_at__lt=now - QUEUED_STUCK_AFTER)
        )
        for version in stuck:
            started = version.status == ReportVersion.Status.GENERATING
            version.status = ReportVersion.Status.FAILED
            version.failure_reason = (
                "The report generator stopped before it finished (the server may have restarted). "
                "Nothing was lost: choose “Generate PDF” to try again."
                if started
                else "The report was never picked up by the report generator (the task service may have "
                "restarted). Nothing was lost: choose “Generate PDF” to try again."
            )
            version.finished_at = now
            version.save(update_fields=["status", "failure_reason", "finished_at"])
            reaped += 1
    return reaped


@transaction.atomic
def report_version_issue(*, version: ReportVersion, user) -> ReportVersion:
    """Mark a ready version as sent to committee: from now on it is never regenerated or changed."""
    version = ReportVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != ReportVersion.Status.READY:
        raise DomainError("Only a version whose PDF is ready can be issued.")
    if version.issued_at:
        raise DomainError(f"Version {version.number} was already issued on {version.issued_at:%-d %B %Y}.")
    version.issued_at = timezone.now()
    version.issued_by = user
    version.save(update_fields=["issued_at", "issued_by"])
    return version
