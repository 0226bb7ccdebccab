"""What the home page reads for committee clerks: their strategies' progress reports, each with its latest
version. The officer's and the board member's parts are aims.selectors (officer_deliverable_list,
home_updates_to_review)."""

from __future__ import annotations

from django.db.models import Prefetch

from aims.models import Strategy
from reports.models import ProgressReport, ReportVersion


def clerk_reports(*, strategies: list[Strategy], per_strategy: int = 5) -> list[tuple[Strategy, list[ProgressReport]]]:
    """Each strategy with its latest `per_strategy` reports (latest meeting first), each report's versions newest
    first as `latest_versions` and the newest as `latest`. Two queries, whatever the number of strategies."""
    reports = (
        ProgressReport.objects.filter(strategy__in=strategies)
        .select_related("period")
        .prefetch_related(
            Prefetch("versions", queryset=ReportVersion.objects.order_by("-number"), to_attr="latest_versions")
        )
        .order_by("-meeting_date", "-pk")
    )
    by_strategy: dict[int, list[ProgressReport]] = {s.pk: [] for s in strategies}
    for report in reports:
        report.latest = report.latest_versions[0] if report.latest_versions else None
        by_strategy[report.strategy_id].append(report)
    return [(s, by_strategy[s.pk][:per_strategy]) for s in strategies]
