"""Celery tasks: thin wrappers that load by id and call a service."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError, OperationalError

from core.file_storage import is_storage_outage
from reports import generation, versions
from reports.scheduled import reminders_send, roll_over_and_draft_reports

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    # Each retry starts the version again; a version is started at most MAX_ATTEMPTS times in all
    # (generation.report_version_claim).
    max_retries=versions.MAX_ATTEMPTS - 1,
)
def report_version_generate_task(self, version_id: int) -> str:
    """Generate one report version. Safe to run twice: the service skips finished or busy versions."""
    try:
        version = generation.report_version_generate(version_id=version_id)
    except OperationalError:
        if self.request.retries >= self.max_retries:
            versions.report_version_fail(
                version_id=version_id,
                reason="The database could not be reached while generating the report. Try again in a few minutes.",
            )
        raise
    except SoftTimeLimitExceeded:
        versions.report_version_fail(
            version_id=version_id,
            reason="The report took too long to generate. Try the “Exceptions only” appendix, or ask support.",
        )
        return "timed out"
    except (DatabaseError, Exception) as exc:  # noqa: BLE001 - a clerk must see a reason, never "generating" for ever
        if is_storage_outage(exc):
            return _storage_outage(self, version_id=version_id, exc=exc)
        logger.exception("Report version %s failed", version_id)
        versions.report_version_fail(
            version_id=version_id,
            reason=f"The report could not be generated ({exc.__class__.__name__}). Try again; if it fails again, "
            "contact support quoting this report's version number.",
        )
        return "failed"
    return "ready" if version else "skipped"


def _storage_outage(task, *, version_id: int, exc: Exception) -> str:
    """The file store did not answer while the files were being written: try again later, like the database."""
    if task.request.retries >= task.max_retries:
        logger.error("Report version %s: the file store could not be reached: %s", version_id, exc)
        versions.report_version_fail(
            version_id=version_id,
            reason="The file store could not be reached while saving the report. Try again in a few minutes.",
        )
        return "failed"
    logger.warning("Report version %s: the file store could not be reached, trying again: %s", version_id, exc)
    raise task.retry(exc=exc, countdown=5 * 2**task.request.retries)


@shared_task(acks_late=True)
def report_versions_reap_task() -> int:
    return versions.report_versions_reap()


@shared_task(acks_late=True)
def roll_over_and_draft_reports_task() -> list[int]:
    return [report.pk for report in roll_over_and_draft_reports()]


@shared_task(acks_late=True)
def reminders_send_task() -> dict:
    return reminders_send()
