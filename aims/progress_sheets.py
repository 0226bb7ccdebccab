"""The progress sheet: a programme office enters the open period's progress for many deliverables at once.

"Download the progress sheet" writes one row per active deliverable for the open reporting period (reference,
title, owner, then the answers of the progress form, filled in where the owner has saved something already).
"Upload the progress sheet" reads it back; "Check your changes" lists, row by row, the draft each changed row
would create or change, refuses rows whose update has gone to the board (submitted or accepted: nobody but a
board member returning it may change it), and names every problem by sheet, row and column header; "Create draft
updates" writes them all or none, through `aims.services.progress_update_save` (so every business rule and every
check of the officer's form applies), as the owner's drafts entered by the lead: the history says "Entered by X on
behalf of Y". Owners still check and submit their updates themselves.

The workbook is kept between the steps as the structure spreadsheet's is (`aims.spreadsheets.spreadsheet_stage`),
and the final step writes only if it would still make exactly the changes that were checked (a fingerprint).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from aims import rag, services, spreadsheets
from aims.business_rules import UPDATE_ANSWER_RULES, PercentInRange
from aims.models import Deliverable, ProgressUpdate, ReportingPeriod, Strategy
from aims.selectors import recordable_period
from core import freshness
from core.errors import DomainError

SHEET_TITLE = "Progress"
READ_ME_TITLE = "Read me"
PERIOD_CELL = "B3"  # the period's start date, so a sheet for another period is recognised


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    answer: bool = True  # an answer of the progress form (read back); the others only name the row


COLUMNS = (
    Column("Reference", "reference", answer=False),
    Column("Title", "title", answer=False),
    Column("Owner", "owner", answer=False),
    Column("RAG status", "rag_status"),
    Column("Percent complete", "percent_complete"),
    Column("What has been achieved", "achieved"),
    Column("What happens next", "next_steps"),
    Column("Risks and issues", "risks_issues"),
    Column("Corrective action", "corrective_action"),
    Column("Where the update stands", "state", answer=False),
)
ANSWERS = [c for c in COLUMNS if c.answer]
RAG_WORDS = {word.lower(): status.key for status in rag.REPORTABLE for word in (status.key, status.label)}


class ProgressSheetError(DomainError):
    """The upload cannot be used; the message says what to do."""


def open_period(*, strategy: Strategy) -> ReportingPeriod | None:
    return strategy.periods.filter(status=ReportingPeriod.Status.OPEN).first()


def _rows(strategy: Strategy, period: ReportingPeriod) -> list[tuple[Deliverable, ProgressUpdate | None]]:
    """Every active deliverable by reference, with its update for the period if it has one: two queries."""
    deliverables = list(strategy.deliverables.filter(is_active=True).select_related("owner").order_by("reference"))
    updates = {u.deliverable_id: u for u in ProgressUpdate.objects.filter(period=period, deliverable__in=deliverables)}
    return [(d, updates.get(d.pk)) for d in deliverables]


def _blank(value: Any) -> Any:
    return None if value in (None, "") else value


def _stored(update: ProgressUpdate | None) -> dict[str, Any]:
    """The answers as the sheet holds them: None where nothing is saved."""
    return {c.field: _blank(getattr(update, c.field)) if update else None for c in ANSWERS}


RAG_LABELS = dict(ProgressUpdate._meta.get_field("rag_status").choices)


def _cell_value(column: Column, value: Any) -> Any:
    return RAG_LABELS.get(value, value) if column.field == "rag_status" and value else value


def workbook_bytes(*, strategy: Strategy, period: ReportingPeriod) -> bytes:
    """The period's progress sheet: a "Read me" sheet, then one row per active deliverable."""
    wb = Workbook()
    readme = wb.active
    readme.title = READ_ME_TITLE
    lines = [
        (f"{strategy.title}: progress sheet", None),
        ("Reporting period", period.label),
        ("Period starts", period.start_date),
        ("How to use it", "Fill in or change the answers for each deliverable, then upload the file on “Upload the "
         "progress sheet”. You check every change before anything is saved. Each changed row becomes a draft update "
         "of the deliverable's owner, marked as entered by you on their behalf: the owner still checks and submits "
         "it. Rows whose update has been submitted or accepted cannot be changed here."),
        ("RAG status", "One of: " + ", ".join(s.label for s in rag.REPORTABLE) + "."),
        ("Percent complete", PercentInRange.help_text),
        ("Corrective action", "Required when the RAG status is Red, before the update can be submitted."),
    ]  # fmt: skip
    for row, (label, value) in enumerate(lines, start=1):
        spreadsheets._write(readme, row, 1, label)
        readme.cell(row=row, column=1).font = Font(bold=True)
        if value is not None:
            spreadsheets._write(readme, row, 2, value)
            readme.cell(row=row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    readme.column_dimensions["A"].width, readme.column_dimensions["B"].width = 24, 100
    ws = wb.create_sheet(SHEET_TITLE)
    for col, column in enumerate(COLUMNS, start=1):
        spreadsheets._write(ws, 1, col, column.header)
        ws.cell(row=1, column=col).font = Font(bold=True)
        ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = 16 if col <= 5 else 40
    ws.freeze_panes = "B2"
    for row, (deliverable, update) in enumerate(_rows(strategy, period), start=2):
        values = {"reference": deliverable.reference, "title": deliverable.title, "owner": str(deliverable.owner),
                  "state": update.get_state_display() if update else "Not started", **_stored(update)}  # fmt: skip
        for col, column in enumerate(COLUMNS, start=1):
            spreadsheets._write(ws, row, col, _cell_value(column, values[column.field]))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# Reading and checking


@dataclass
class RowPlan:
    """What one row of the sheet would do."""

    number: int
    deliverable: Deliverable
    update: ProgressUpdate | None
    answers: dict[str, Any]
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (column header, before, after)


@dataclass
class SheetPlan:
    period: ReportingPeriod
    rows: list[RowPlan] = field(default_factory=list)  # rows that change something
    refused: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def fingerprint(self) -> str:
        lines = [f"{r.deliverable.pk}:{r.update.version if r.update else 0}:{r.changes}" for r in self.rows]
        return hashlib.sha256("\n".join(lines + self.refused).encode()).hexdigest()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_answer(column: Column, raw: Any, problems: list[str], place: str) -> Any:
    text = _text(raw)
    if column.field == "rag_status":
        if text and text.lower() not in RAG_WORDS:
            problems.append(f"{place}: enter one of {', '.join(s.label for s in rag.REPORTABLE)}")
            return ""
        return RAG_WORDS.get(text.lower(), "")
    if column.field == "percent_complete":
        if not text:
            return None
        number = text.rstrip("%").strip()
        if isinstance(raw, float) and 0 < raw < 1 and not raw.is_integer():
            number = str(round(raw * 100, 6)).removesuffix(".0")  # a cell formatted as a percentage: 0.4 is 40%
        if not number.isdigit() or not PercentInRange.minimum <= int(number) <= PercentInRange.maximum:
            problems.append(f"{place}: {PercentInRange.message[:1].lower()}{PercentInRange.message[1:]}")
            return None
        return int(number)
    return text


def _show(column: Column, value: Any) -> str:
    if value in (None, ""):
        return "blank"
    if column.field == "rag_status":
        return RAG_LABELS.get(value, value)
    if column.field == "percent_complete":
        return f"{value}%"
    return f"“{value}”"


def _read(data: bytes) -> tuple[Any, Any, list]:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl fails in many ways on a damaged file: all mean "not a workbook"
        raise ProgressSheetError(spreadsheets.DAMAGED) from exc
    try:
        titles = {t.lower(): t for t in wb.sheetnames}
        if SHEET_TITLE.lower() not in titles:
            raise ProgressSheetError(f"The file has no “{SHEET_TITLE}” sheet: download the progress sheet again.")
        readme = wb[titles[READ_ME_TITLE.lower()]] if READ_ME_TITLE.lower() in titles else None
        period_start = readme[PERIOD_CELL].value if readme is not None else None
        rows = list(wb[titles[SHEET_TITLE.lower()]].iter_rows(values_only=True, max_row=spreadsheets.MAX_ROWS + 1))
    except ProgressSheetError:
        raise
    except Exception as exc:
        raise ProgressSheetError(spreadsheets.DAMAGED) from exc
    finally:
        wb.close()
    return period_start, rows[:1], rows[1:]


def _plan_row(plan: SheetPlan, number: int, deliverable: Deliverable, update, answers: dict) -> None:
    stored = _stored(update)
    changes = [
        (c.header, _show(c, stored[c.field]), _show(c, answers[c.field]))
        for c in ANSWERS
        if stored[c.field] != _blank(answers[c.field])
    ]
    if not changes:
        plan.unchanged += 1
        return
    recordable = recordable_period(deliverable=deliverable, period=plan.period, updates=[update] if update else [])
    if recordable.refusal:
        why = recordable.message
        if update is not None and update.state == ProgressUpdate.State.SUBMITTED:
            why += " Only a board member returning it lets it change."
        plan.refused.append(f"{SHEET_TITLE}, row {number} ({deliverable.reference}): not changed: {why}")
        return
    # The rules the save will apply: a complete deliverable is 100% complete; a returned update is still past
    # draft, so it keeps a RAG status, a percent and (when red) a corrective action.
    returned = update is not None and update.state == ProgressUpdate.State.RETURNED
    for rule in (*UPDATE_ANSWER_RULES, *(services.SUBMISSION_RULES if returned else ())):
        for answer, message in rule.problems(answers):
            header = next(c.header for c in ANSWERS if c.field == answer)
            plan.problems.append(f"{SHEET_TITLE}, row {number} ({deliverable.reference}), column {header}: {message}")
    plan.rows.append(RowPlan(number, deliverable, update, answers, changes))


def progress_sheet_plan(*, strategy: Strategy, data: bytes) -> SheetPlan:
    """What the uploaded sheet would change in the open period; writes nothing."""
    period = open_period(strategy=strategy)
    if period is None:
        raise ProgressSheetError("No reporting period is open, so no progress can be entered.")
    period_start, header_rows, body = _read(data)
    plan = SheetPlan(period=period)
    start = period_start.date() if hasattr(period_start, "date") else period_start
    if start != period.start_date:
        plan.problems.append(f"The sheet is not for the open reporting period, {period.label}: download the "
                             "progress sheet again and enter the answers in that one.")  # fmt: skip
        return plan
    headers = [_text(h).lower() for h in (header_rows[0] if header_rows else ())]
    where = {c.field: headers.index(c.header.lower()) for c in COLUMNS if c.header.lower() in headers}
    missing = [c.header for c in COLUMNS if (c.answer or c.field == "reference") and c.field not in where]
    if missing:
        plan.problems.append(f"{SHEET_TITLE}, row 1: the column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                             f"{'are' if len(missing) > 1 else 'is'} missing")  # fmt: skip
        return plan
    rows = {d.reference: (d, u) for d, u in _rows(strategy, period)}
    seen: dict[str, int] = {}
    for number, cells in enumerate(body, start=2):
        cells = list(cells) + [None] * len(COLUMNS)
        if all(_text(c) == "" for c in cells):
            continue
        reference = _text(cells[where["reference"]])
        place = f"{SHEET_TITLE}, row {number}" + (f" ({reference})" if reference else "")
        if reference not in rows:
            named = reference or "with a blank reference"
            plan.problems.append(f"{place}, column Reference: there is no active deliverable {named} in the strategy")
            continue
        if reference in seen:
            plan.problems.append(f"{place}, column Reference: {reference} is used twice (also in row "
                                 f"{seen[reference]}): use each once")  # fmt: skip
            continue
        seen[reference] = number
        before = len(plan.problems)
        answers = {c.field: _read_answer(c, cells[where[c.field]], plan.problems, f"{place}, column {c.header}")
                   for c in ANSWERS}  # fmt: skip
        if len(plan.problems) == before:
            _plan_row(plan, number, *rows[reference], answers)
    return plan


@freshness.atomic
def progress_sheet_apply(*, strategy: Strategy, data: bytes, fingerprint: str, by) -> SheetPlan:
    """Create or change the drafts the sheet's changed rows describe, as checked (`fingerprint`), all or nothing:
    each is the deliverable owner's draft, entered by `by` (a strategy lead) on their behalf."""
    list(Strategy.objects.select_for_update().filter(pk=strategy.pk).order_by().values_list("pk"))
    plan = progress_sheet_plan(strategy=strategy, data=data)
    if plan.problems:
        raise ProgressSheetError("The progress sheet has problems. Correct them and upload it again.")
    if plan.fingerprint != fingerprint:
        raise ProgressSheetError("Progress has been saved since you checked the sheet. Check the changes again.")
    for row in plan.rows:
        owner = row.deliverable.owner
        update = row.update or services.progress_update_start(
            deliverable=row.deliverable, period=plan.period, user=owner
        )
        answers = services.ProgressAnswers(**{c.field: row.answers[c.field] for c in ANSWERS})
        try:
            with transaction.atomic():
                services.progress_update_save(update=update, answers=answers, user=owner, submit=False,
                                              expected_version=row.update.version if row.update else 0,
                                              entered_by=by)  # fmt: skip
        except DomainError as exc:
            raise ProgressSheetError(f"{SHEET_TITLE}, row {row.number} ({row.deliverable.reference}): {exc} "
                                     "Nothing was saved.") from exc  # fmt: skip
    return plan
