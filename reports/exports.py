"""CSV export of the dashboard's deliverable table: the same rows the dashboard shows."""

import csv
import io
from collections.abc import Iterable

from reports.selectors import Row

CSV_COLUMNS = [
    "Reference", "Deliverable", "Theme", "Aims", "Owner", "Lead service", "Due date", "RAG status",
    "Percent complete", "Direction of travel", "Last update",
]  # fmt: skip
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """Neutralise cells a spreadsheet would run as a formula, by starting them with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_row(row: Row) -> list[str]:
    d = row.deliverable
    values = [
        d.reference,
        d.title,
        d.theme.title,
        "; ".join(aim.title for aim in row.aims),
        d.owner.display_name,
        d.lead_service,
        d.due_date.isoformat() if d.due_date else "",
        row.status_label,
        row.percent,
        row.direction_label if row.direction else "",
        row.last_update_at.date().isoformat() if row.last_update_at else "",
    ]
    return [spreadsheet_safe(v) for v in values]


def deliverables_csv(rows: Iterable[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(csv_row(row))
    return buffer.getvalue()
