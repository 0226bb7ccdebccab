"""The public and the exempt version of a report, both made from one frozen snapshot.

`public_snapshot` replaces every exempt part with the notice (aims.exempt.notice) and says, in the Access to
Information table, that an exempt appendix exists and why; `exempt_snapshot` keeps everything and puts the "NOT FOR
PUBLICATION" marking, with the paragraphs, on every page. `exempt_paragraphs` says whether an exempt version is
needed at all. Snapshots taken before exempt information existed have no marks, and are wholly public.
"""

from __future__ import annotations

import copy

from aims import exempt
from reports.models import ProgressReport

# Snapshot row keys for the update fields an officer can mark (aims.exempt.UPDATE_FIELDS names).
ROW_KEYS = {"achieved": "summary", "next_steps": "next_steps", "corrective_action": "corrective_action"}
WHOLE_ROW_KEYS = ("title", "summary", "next_steps", "corrective_action", "owner", "owner_title", "lead_service")


def exempt_paragraphs(snapshot: dict) -> list[int]:
    """Every paragraph of Schedule 12A that some part of the snapshot is exempt under, in order."""
    found = {row.get("exempt_paragraph") for row in snapshot.get("deliverables", [])}
    found |= {row.get("exempt_paragraph") for row in snapshot.get("exceptions", [])}
    found |= {marks["paragraph"] for marks in (snapshot.get("exempt_updates") or {}).values() if marks["fields"]}
    found |= {row.get("exempt_paragraph") for row in (snapshot.get("indicators") or {}).get("rows", [])}
    report = snapshot.get("report", {})
    if report.get("exempt_sections"):
        found.add(report.get("exempt_paragraph"))
    return sorted(p for p in found if exempt.valid_paragraph(p))


def _redact_row(row: dict, updates: dict) -> None:
    paragraph = exempt.valid_paragraph(row.get("exempt_paragraph"))
    if paragraph:
        for key in WHOLE_ROW_KEYS:
            row[key] = ""
        row["title"] = exempt.notice(paragraph)
        return
    marks = updates.get(row.get("reference")) or {}
    paragraph = exempt.valid_paragraph(marks.get("paragraph"))
    for field in marks.get("fields", []) if paragraph else []:
        if field in ROW_KEYS:
            row[ROW_KEYS[field]] = exempt.notice(paragraph)


# An exempt indicator keeps its reference and status (so the counts add up); everything that says what it is or
# what its figures are becomes the notice or is left blank.
INDICATOR_BLANK_KEYS = ("target", "actual", "direction_previous", "direction_year", "owner", "commentary",
                        "corrective_action", "period_label")  # fmt: skip


def _redact_indicators(snapshot: dict) -> None:
    for row in (snapshot.get("indicators") or {}).get("rows", []):
        paragraph = exempt.valid_paragraph(row.get("exempt_paragraph"))
        if not paragraph:
            continue
        for key in INDICATOR_BLANK_KEYS:
            row[key] = ""
        row["title"] = exempt.notice(paragraph)
        row["series"] = []


def _redact_report(snapshot: dict) -> None:
    report = snapshot["report"]
    paragraph = exempt.valid_paragraph(report.get("exempt_paragraph"))
    sections = set(report.get("exempt_sections") or []) if paragraph else set()
    if not sections:
        return
    text = exempt.notice(paragraph)
    for name in sections & set(report):
        report[name] = text
    report["implications"] = [
        [label, text if name in sections else body]
        for (name, _), (label, body) in zip(ProgressReport.IMPLICATIONS, report["implications"], strict=False)
    ]
    committee = snapshot.get("committee")
    if committee and "purpose" in sections:
        committee["purpose"] = text


def public_snapshot(snapshot: dict) -> dict:
    """A copy of the snapshot fit for publication: no exempt content anywhere in it."""
    public = copy.deepcopy(snapshot)
    paragraphs = exempt_paragraphs(snapshot)
    updates = public.get("exempt_updates") or {}
    withheld = {
        row["reference"]
        for row in public.get("deliverables", []) + public.get("exceptions", [])
        if exempt.valid_paragraph(row.get("exempt_paragraph"))
    }
    for row in public.get("deliverables", []) + public.get("exceptions", []):
        _redact_row(row, updates)
    risks = public.get("risks_issues") or {}
    for reference in list(risks):
        marks = updates.get(reference) or {}
        if reference in withheld:
            risks.pop(reference)
        elif "risks_issues" in marks.get("fields", []) and exempt.valid_paragraph(marks.get("paragraph")):
            risks[reference] = exempt.notice(marks["paragraph"])
    public["evidence"] = [e for e in public.get("evidence", []) if e["reference"] not in withheld]
    _redact_report(public)
    _redact_indicators(public)
    public["exempt_updates"] = {}
    public["exempt_version"] = {"kind": "public", "paragraphs": paragraphs}
    return public


def exempt_snapshot(snapshot: dict) -> dict:
    """A copy with everything in it, marked "NOT FOR PUBLICATION" with its paragraphs on every page."""
    full = copy.deepcopy(snapshot)
    paragraphs = exempt_paragraphs(snapshot)
    full["exempt_version"] = {"kind": "exempt", "paragraphs": paragraphs}
    full["report"]["marking"] = exempt.marking(paragraphs)
    return full
