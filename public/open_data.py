"""Open data: a published strategy's deliverables by closed period, as CSV and JSON, under the Open Government Licence.

The columns are named once, here (`COLUMNS`): the CSV header, the JSON records, the "About this data" page and the
JSON Schema file all come from this list, so they cannot disagree.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from django.utils import timezone

from aims.models import ReportingPeriod, Strategy
from aims.rag import REPORTABLE
from public.selectors import PublicRow, public_rows

LICENCE = {
    "name": "Open Government Licence v3.0",
    "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
SCHEMA_ID = "deliverables.schema.json"


@dataclass(frozen=True)
class Column:
    name: str
    json_type: str  # JSON Schema type of the value in the JSON file
    description: str
    format: str = ""  # JSON Schema format, such as "date"
    values: tuple[str, ...] = ()  # the only values allowed, when there is a fixed list


STATUS_VALUES = tuple(status.key for status in REPORTABLE)

COLUMNS = (
    Column("council", "string", "The council that adopted the strategy."),
    Column("strategy", "string", "The strategy's title."),
    Column("period", "string", "The reporting period, in the council's words, for example “April to June 2026”."),
    Column("period_start", "string", "The first day of the reporting period (YYYY-MM-DD).", "date"),
    Column("period_end", "string", "The last day of the reporting period (YYYY-MM-DD).", "date"),
    Column("reference", "string", "The deliverable's reference in the strategy, for example “DA-04”."),
    Column(
        "deliverable",
        "string",
        "What the council said it would deliver; for a deliverable holding exempt information, the sentence saying "
        "so and which paragraph of Schedule 12A to the Local Government Act 1972 applies.",
    ),
    Column("theme", "string", "The theme the deliverable belongs to."),
    Column("aims", "array", "The aims the deliverable's theme serves (in the CSV, separated by “; ”)."),
    Column(
        "status",
        "string",
        "Its RAG status for the period, from the update the Digital Board accepted: red (off track), amber (at "
        "risk), green (on track), complete or not_started. Empty when no accepted update exists for the period "
        "(shown as “Not reported” on the pages); an earlier accepted “complete” still counts.",
        values=(*STATUS_VALUES, ""),
    ),
    Column(
        "percent_complete",
        "integer",
        "How much of the deliverable is done, 0 to 100: the period's accepted update, else the latest earlier "
        "accepted one (see percent_carried_forward_from), else 0. Complete means 100.",
    ),
    Column(
        "percent_carried_forward_from",
        "string",
        "When percent_complete comes from an earlier period's update, that period; empty otherwise.",
    ),
    Column(
        "direction_of_travel",
        "string",
        "The status against the previous period's: better, same or worse; empty when either is missing.",
        values=("better", "same", "worse", ""),
    ),
    Column("due_date", "string", "When the deliverable is due (YYYY-MM-DD); empty if no date was set."),
    Column("overdue", "boolean", "Past its due date at the end of the period and not complete."),
    Column("lead_service", "string", "The council service leading the deliverable."),
    Column(
        "owner",
        "string",
        "The officer responsible, only where the council chose to publish officers' names; empty otherwise.",
    ),
)


def _record(strategy: Strategy, period: ReportingPeriod, row: PublicRow) -> dict:
    if row.exempt_notice:  # exempt as a whole: its reference, theme and figures only, its words withheld
        return {
            **_record_fields(strategy, period, row),
            "deliverable": row.exempt_notice,
            "lead_service": "",
            "owner": "",
        }
    return _record_fields(strategy, period, row)


def _record_fields(strategy: Strategy, period: ReportingPeriod, row: PublicRow) -> dict:
    deliverable = row.deliverable
    return {
        "council": strategy.organisation.name,
        "strategy": strategy.title,
        "period": period.label,
        "period_start": period.start_date.isoformat(),
        "period_end": period.end_date.isoformat(),
        "reference": deliverable.reference,
        "deliverable": deliverable.title,
        "theme": deliverable.theme.title,
        "aims": [aim.title for aim in row.aims],
        "status": row.status,
        "percent_complete": row.percent,
        "percent_carried_forward_from": row.carried_from,
        "direction_of_travel": row.direction,
        "due_date": deliverable.due_date.isoformat() if deliverable.due_date else "",
        "overdue": row.overdue,
        "lead_service": deliverable.lead_service,
        "owner": deliverable.owner.get_full_name() if strategy.public_shows_names else "",
    }


def records(*, strategy: Strategy, periods: list[ReportingPeriod]) -> list[dict]:
    """One record per deliverable and closed period, periods oldest first, deliverables by reference."""
    out = []
    for period in periods:
        rows, _ = public_rows(strategy=strategy, period=period)
        out.extend(_record(strategy, period, row) for row in rows)
    return out


def as_csv(rows: list[dict], columns: tuple[Column, ...] = COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.name for c in columns])
    for record in rows:
        writer.writerow([_csv_value(record[c.name]) for c in columns])
    return buffer.getvalue()


def _csv_value(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(value)
    return str(value)


def as_json(
    *, strategy: Strategy, periods: list[ReportingPeriod], rows: list[dict], schema_url: str, key: str = "deliverables"
) -> str:
    document = {
        "$schema": schema_url,
        "licence": LICENCE,
        "council": strategy.organisation.name,
        "strategy": strategy.title,
        "periods": [p.label for p in periods],
        "data_as_at": periods[-1].end_date.isoformat() if periods else None,
        "generated_at": timezone.now().replace(microsecond=0).isoformat(),
        key: rows,
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def json_schema(*, schema_url: str, columns: tuple[Column, ...] = COLUMNS, key: str = "deliverables") -> dict:
    """A JSON Schema (2020-12) for a JSON file, from the same columns as its CSV."""
    properties = {}
    for column in columns:
        spec: dict = {"description": column.description}
        if column.json_type == "array":
            spec.update(type="array", items={"type": "string"})
        else:
            spec["type"] = column.json_type
        if column.format:
            spec["format"] = column.format
        if column.values:
            spec["enum"] = list(column.values)
        properties[column.name] = spec
    if "due_date" in properties:
        properties["due_date"]["anyOf"] = [{"format": "date"}, {"const": ""}]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_url,
        "title": f"A published strategy's {key} by reporting period",
        "type": "object",
        "required": ["licence", "council", "strategy", "periods", "data_as_at", "generated_at", key],
        "properties": {
            "$schema": {"type": "string"},
            "licence": {
                "type": "object",
                "required": ["name", "url"],
                "properties": {"name": {"type": "string"}, "url": {"type": "string"}},
            },
            "council": {"type": "string"},
            "strategy": {"type": "string"},
            "periods": {"type": "array", "items": {"type": "string"}},
            "data_as_at": {"type": ["string", "null"], "format": "date"},
            "generated_at": {"type": "string", "format": "date-time"},
            key: {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": [c.name for c in columns],
                    "additionalProperties": False,
                    "properties": properties,
                },
            },
        },
    }


INDICATOR_COLUMNS = (
    Column("council", "string", "The council that adopted the strategy."),
    Column("strategy", "string", "The strategy's title."),
    Column("reference", "string", "The indicator's reference in the strategy, for example “PI-01”."),
    Column("indicator", "string", "What is measured."),
    Column("definition", "string", "How the council defines it."),
    Column("unit", "string", "The unit of the target and the figure: number, percent, pounds, days, rate per 1,000."),
    Column(
        "polarity",
        "string",
        "Which way is better: higher, lower, or within a range.",
        values=("higher", "lower", "range"),
    ),
    Column("measurement_period", "string", "The period the figure measures, in the council's words."),
    Column("period_start", "string", "The first day of that period (YYYY-MM-DD).", "date"),
    Column("period_end", "string", "The last day of that period (YYYY-MM-DD).", "date"),
    Column("target", "string", "The target for the period as the council states it; empty when none was set."),
    Column("figure", "string", "The figure the Digital Board accepted, with its unit; empty when none was accepted."),
    Column(
        "status",
        "string",
        "green (on or better than target), amber (worse, within the tolerance), red (outside it), no_data or "
        "no_target.",
    ),
    Column(
        "direction_of_travel",
        "string",
        "Against the previous figure: improving, same or worsening; empty when either is missing.",
    ),  # fmt: skip
    Column("data_source", "string", "Where the figure comes from."),
)


def indicator_records(*, strategy: Strategy, indicators: list, up_to, since=None) -> list[dict]:
    """One record per published indicator and measurement period ending by `up_to` (the latest closed reporting
    period's end), from accepted figures only; `indicators` are public.selectors.public_indicators rows."""
    out = []
    for row in indicators:
        i = row.indicator
        for measurement in row.series:
            ends = measurement.period.end_date
            if up_to is None or ends > up_to or (since is not None and ends < since):
                continue
            out.append(
                {
                    "council": strategy.organisation.name,
                    "strategy": strategy.title,
                    "reference": i.reference,
                    "indicator": i.title,
                    "definition": i.definition,
                    "unit": i.unit,
                    "polarity": i.polarity,
                    "measurement_period": measurement.period.label,
                    "period_start": measurement.period.start_date.isoformat(),
                    "period_end": measurement.period.end_date.isoformat(),
                    "target": measurement.target_text,
                    "figure": measurement.value_text,
                    "status": measurement.status,
                    "direction_of_travel": measurement.direction_previous or "",
                    "data_source": i.data_source,
                }
            )
    return out
