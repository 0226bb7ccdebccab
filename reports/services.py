"""Writes for committee reports: drafting and creating a report, and changing its answers.

Versions of a report (requesting, failing, reaping, issuing) are in reports/versions.py; rendering one, the
Celery task's body, in reports/generation.py; file writes in core/file_storage.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from dataclasses import field as dc_field

from django.db import transaction

from aims.models import ReportingPeriod, Strategy
from core.errors import DomainError
from reports import drafting, selectors
from reports.models import ProgressReport


@dataclass(frozen=True)
class ReportAnswers:
    """What the clerk writes around the figures: the ProgressReport fields of the same names, which are the fields
    of reports.forms.ProgressReportForm. `report_defaults` drafts most of them."""

    period: ReportingPeriod
    committee: str
    meeting_date: dt.date
    title: str
    report_of: str
    executive_summary: str
    recommendations: str
    reasons: str
    contact_name: str
    contact_email: str
    reference_number: str = ""
    wards_affected: str = "All"
    other_options: str = ""
    consultation: str = ""
    implications_legal: str = ""
    implications_finance: str = ""
    implications_policy: str = ""
    implications_equality: str = ""
    implications_hr: str = ""
    implications_risk: str = ""
    implications_rural: str = ""
    implications_children: str = ""
    implications_public_health: str = ""
    implications_climate: str = ""
    contact_telephone: str = ""
    marking: str = "OFFICIAL"
    scope: str = ProgressReport.Scope.FULL
    include_submitted: bool = selectors.INCLUDE_SUBMITTED_DEFAULT
    purpose: str = ""
    key_decision: bool = False
    agenda_item: str = ""
    # Exempt information (aims.exempt): the paragraph of Schedule 12A and the sections it covers.
    exempt_paragraph: int | None = None
    exempt_sections: list[str] = dc_field(default_factory=list)

    @classmethod
    def of(cls, data: dict) -> ReportAnswers:
        """The answers among a form's cleaned data, which also holds the drafted fields' marks."""
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})

    def model_fields(self) -> dict:
        """The answers by ProgressReport field name (not dataclasses.asdict, which would deep-copy the period)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def report_defaults(
    *,
    strategy: Strategy,
    period: ReportingPeriod,
    user,
    include_submitted: bool = selectors.INCLUDE_SUBMITTED_DEFAULT,
    drafts: drafting.Drafts | None = None,
) -> dict:
    """Initial answers for "Create a progress report", with the executive summary and recommendations drafted from
    the period's figures as the report will count them: every ReportAnswers field but the meeting date, which the
    clerk chooses."""
    cadence = strategy.get_cadence_display()
    organisation = strategy.organisation
    drafts = drafts or drafting.report_drafts(strategy=strategy, period=period, include_submitted=include_submitted)
    return {
        "period": period,
        "include_submitted": include_submitted,
        "committee": strategy.adopted_by or "Corporate Policy Committee",
        "title": f"{strategy.title} – {cadence} Progress Report",
        "report_of": strategy.responsible_officer
        or (f"{user.display_name}, {user.job_title}" if user.job_title else user.display_name),
        "key_decision": False,
        "wards_affected": "All",
        **drafts.texts,
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
def report_create(*, strategy: Strategy, user, answers: ReportAnswers, automatic: bool = False) -> ProgressReport:
    if answers.period.strategy_id != strategy.pk:
        raise DomainError("Choose a reporting period of this strategy.")
    return ProgressReport.objects.create(
        strategy=strategy, created_by=user, created_automatically=automatic, **answers.model_fields()
    )


@transaction.atomic
def report_update(*, report: ProgressReport, answers: ReportAnswers) -> ProgressReport:
    for name, value in answers.model_fields().items():
        setattr(report, name, value)
    report.save()
    return report
