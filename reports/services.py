"""Writes for committee reports: drafting and creating a report, and changing its answers.

Versions of a report (requesting, failing, reaping, issuing) are in reports/versions.py; rendering one, the
Celery task's body, in reports/generation.py; file writes in reports/files.py.
"""

from __future__ import annotations

from django.db import transaction

from aims.models import ReportingPeriod, Strategy
from core.errors import DomainError
from reports.models import ProgressReport
from reports.snapshot import executive_summary_default


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
