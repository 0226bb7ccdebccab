"""Rendering a report version: the body of the Celery task (reports/tasks.py). Only workers import this module,
so web processes never load WeasyPrint."""

from __future__ import annotations

import hashlib
import logging

from django.db import transaction
from django.utils import timezone

from core.file_storage import file_write_whole
from reports.docx import report_docx
from reports.exempt import exempt_paragraphs, exempt_snapshot, public_snapshot
from reports.models import ReportVersion
from reports.pdf import report_pdf
from reports.snapshot import snapshot_build
from reports.versions import MAX_ATTEMPTS

logger = logging.getLogger(__name__)


def report_version_claim(version_id: int) -> bool:
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


def _render(snapshot: dict, name: str) -> tuple[bytes, bytes, int]:
    pdf, pages = report_pdf(snapshot)
    docx = report_docx(snapshot)  # the Word version, from the same snapshot, stored beside the PDF
    # Both files whole under their final names before the version says "ready": a download is refused until
    # then (reports.report_views.version_download), so nobody sees a partial or missing file.
    file_write_whole(f"{name}.pdf", pdf)
    file_write_whole(f"{name}.docx", docx)
    return pdf, docx, pages


def _render_and_store(version: ReportVersion, snapshot: dict) -> None:
    """The public version (exempt content replaced by the notice) always; the exempt version too when anything in
    the snapshot is exempt. Both from this one snapshot, so they can never describe different data."""
    report = version.report
    name = f"reports/{report.strategy.slug}/report-{report.pk}-v{version.number}"
    pdf, docx, pages = _render(public_snapshot(snapshot), name)
    version.snapshot = snapshot
    version.pdf.name, version.docx.name = f"{name}.pdf", f"{name}.docx"
    version.pdf_sha256, version.pdf_size_bytes = hashlib.sha256(pdf).hexdigest(), len(pdf)
    version.docx_sha256, version.docx_size_bytes = hashlib.sha256(docx).hexdigest(), len(docx)
    version.page_count = pages
    version.exempt_paragraphs = exempt_paragraphs(snapshot)
    if version.exempt_paragraphs:
        exempt_pdf, exempt_docx, _ = _render(exempt_snapshot(snapshot), f"{name}-exempt")
        version.exempt_pdf.name, version.exempt_docx.name = f"{name}-exempt.pdf", f"{name}-exempt.docx"
        version.exempt_pdf_sha256 = hashlib.sha256(exempt_pdf).hexdigest()
        version.exempt_docx_sha256 = hashlib.sha256(exempt_docx).hexdigest()


def report_version_generate(*, version_id: int) -> ReportVersion | None:
    """Take the snapshot and render the PDF and the Word version. Idempotent: a finished version, or one another
    worker is generating right now, is left alone. The version row stays locked while rendering, so a second worker
    skips it; if this worker dies, the lock goes with its connection and a redelivered task starts again."""
    if not report_version_claim(version_id):
        return None
    with transaction.atomic():
        version = (
            # of=("self",): lock the version row only. A plain FOR UPDATE over these joins also locked the strategy,
            # its council and period for the whole render, so every save in that strategy (which raises the
            # strategy's data version at commit) waited for the PDF: up to 15 s in bench/nodes.py.
            ReportVersion.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("report__strategy__organisation", "report__period")
            .filter(pk=version_id, status=ReportVersion.Status.GENERATING)
            .first()
        )
        if version is None:
            return None
        snapshot = version.snapshot or snapshot_build(report=version.report)
        _render_and_store(version, snapshot)
        version.status = ReportVersion.Status.READY
        version.finished_at = timezone.now()
        version.save()
    return version
