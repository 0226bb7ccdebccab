"""CSV exports of the dashboard's deliverable and indicator tables: the same rows the dashboard shows."""

import csv
import io
from collections.abc import Iterable

from aims.update_states import update_state
from indicators import status as indicator_status
from indicators.selectors import IndicatorSummary
from reports.selectors import Row

CSV_COLUMNS = [
    "Reference", "Deliverable", "Theme", "Aims", "Owner", "Lead service", "Due date", "Overdue", "RAG status",
    "Update state", "Weight", "Percent complete", "Percent carried forward", "Carried forward from",
    "Direction of travel", "Last update", "What was achieved", "Next steps", "Risks and issues", "Corrective action",
]  # fmt: skip
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """Neutralise cells a spreadsheet would run as a formula, by starting them with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_row(row: Row) -> list[str]:
    """One deliverable as the dashboard counts it. The headline figure is the sum of Weight × Percent complete
    over the rows divided by the sum of Weight; the texts are those of the update the figures count."""
    d = row.deliverable
    state = update_state(row.update_state).label if row.update_state else "None"
    values = [
        d.reference,
        d.title,
        d.theme.title,
        "; ".join(aim.title for aim in row.aims),
        d.owner.display_name,
        d.lead_service,
        d.due_date.isoformat() if d.due_date else "",
        "Yes" if row.overdue else "No",
        row.status_label,
        state,
        f"{d.weight.normalize():f}",
        row.percent,
        "Yes" if row.carried_forward else "No",
        row.carried_from,
        row.direction_label if row.direction else "",
        row.last_update_at.date().isoformat() if row.last_update_at else "",
        d.period_achieved or "",
        d.period_next or "",
        d.period_risks or "",
        d.period_corrective or "",
    ]
    return [spreadsheet_safe(v) for v in values]


def deliverables_csv(rows: Iterable[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(csv_row(row))
    return buffer.getvalue()


INDICATOR_CSV_COLUMNS = [
    "Reference", "Indicator", "Unit", "Polarity", "Measured", "Period", "Target", "Actual", "Status",
    "Since the previous measurement", "Against the same period last year", "Owner", "Tolerance",
]  # fmt: skip


def indicators_csv(summary: IndicatorSummary) -> str:
    """The dashboard's "Performance indicators" table (indicators.selectors.indicator_summary), row for row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(INDICATOR_CSV_COLUMNS)
    for row in summary.rows:
        i = row.indicator
        values = [
            i.reference, i.title, i.get_unit_display(), i.get_polarity_display(), i.get_frequency_display(),
            row.period_label, row.target_text, row.value_text, indicator_status.status_label(row.status),
            indicator_status.direction_label(row.direction_previous) if row.shown else "",
            indicator_status.direction_label(row.direction_year) if row.shown else "",
            row.owner_name, i.tolerance_text,
        ]  # fmt: skip
        writer.writerow([spreadsheet_safe(v) for v in values])
    return buffer.getvalue()
