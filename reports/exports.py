"""CSV export of the dashboard's deliverable table: the same rows the dashboard shows."""

import csv
import io
from collections.abc import Iterable

from aims.update_states import update_state
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
