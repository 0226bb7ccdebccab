"""A strategy's structure as a spreadsheet (XLSX), and a spreadsheet read back as a planned import.

The workbook is only another way of writing the import document (aims/strategy_io.py), so it follows the same
rules: a workbook is turned into the same document dict and checked and imported by `strategy_io`. The document
starts as the strategy's own export and each row of the workbook is laid over the record with the same natural
key (number, reference, deliverable and milestone title, start date). A row left out therefore leaves its record
as it is, and nothing is ever removed; a cell that would take something away that the import cannot take away
(a principle a deliverable upholds, a milestone's completion date) is refused with the reason and left as it is.
Every problem is named by sheet, row and column header, in the council's own words and references.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import secrets
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from aims import evidence_files, strategy_io
from aims.models import ReportingPeriod, Strategy
from core import freshness
from core.errors import DomainError

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a workbook of a few thousand rows unpacks to a few MB
MAX_ROWS = 5_000  # per sheet: far more than any strategy has
FORMULA_STARTS = ("=", "+", "-", "@")
DATE_FORMAT = "DD/MM/YYYY"
READ_ME_TITLE = "Read me"
DAMAGED = "The file is damaged or is not an Excel spreadsheet (.xlsx). Save it from Excel or LibreOffice and try again."


class SpreadsheetError(DomainError):
    """The upload is not a spreadsheet the portal can read; the message says what to do."""


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str = "text"  # text, number, date, numbers, names, yesno, weight, status
    required: bool = False


@dataclass(frozen=True)
class Sheet:
    key: str  # what the sheet holds: aims, principles, themes, deliverables, milestones, periods
    title: str
    about: str
    columns: tuple[Column, ...]

    @property
    def key_fields(self) -> tuple[str, ...]:
        return {"deliverables": ("reference",), "milestones": ("deliverable", "title"),
                "periods": ("start_date",)}.get(self.key, ("number",))  # fmt: skip

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.field == name), None)


def _title(label: str, default: str, taken: set[str]) -> str:
    """The council's word as a sheet name where Excel allows it (31 characters, none of []:*?/\\)."""
    ok = label and len(label) <= 31 and not re.search(r"[\[\]:*?/\\]", label) and label.lower() not in taken
    title = label if ok else default
    taken.add(title.lower())
    return title


def sheets_for(strategy: Strategy) -> list[Sheet]:
    """The sheets of the strategy's workbook, each with the columns the upload reads, in the council's words."""
    taken = {READ_ME_TITLE.lower(), "principles", "deliverables", "milestones", "reporting periods"}
    aims, themes = strategy.aim_label_plural or "Aims", strategy.theme_label_plural or "Themes"
    numbered = (Column("Number", "number", "number", True), Column("Title", "title", required=True))
    return [
        Sheet("aims", _title(aims, "Aims", taken), f"the strategy's {aims.lower()}",
              (*numbered, Column("Description", "description"))),
        Sheet("principles", "Principles", "the principles every deliverable should uphold",
              (*numbered, Column("Description", "description"))),
        Sheet("themes", _title(themes, "Themes", taken), f"the {themes.lower()}, each contributing to "
              f"one or more {aims.lower()}",
              (*numbered, Column("Vision", "vision"), Column("Expected outcomes", "expected_outcomes"),
               Column(f"{aims} (numbers)", "aims", "numbers"))),
        Sheet("deliverables", "Deliverables", "the pieces of work, one a row", (
            Column("Reference", "reference", required=True), Column("Title", "title", required=True),
            Column("Description", "description"), Column("Expected outcome", "expected_outcome"),
            Column(f"{strategy.theme_label or 'Theme'} number", "theme", "number", True),
            Column("Owner", "owner", required=True), Column("Contributors", "contributors", "names"),
            Column("Lead service", "lead_service"), Column("Start date", "start_date", "date"),
            Column("Due date", "due_date", "date"), Column("Weight", "weight", "weight"),
            Column("Active", "is_active", "yesno"), Column("Principles (numbers)", "principles", "numbers"))),
        Sheet("milestones", "Milestones", "each deliverable's milestones, named by the deliverable's reference", (
            Column("Deliverable reference", "deliverable", required=True), Column("Title", "title", required=True),
            Column("Due date", "due_date", "date"), Column("Completed on", "completed_on", "date"))),
        Sheet("periods", "Reporting periods", "the periods progress is reported for", (
            Column("Start date", "start_date", "date", True), Column("Label", "label", required=True),
            Column("End date", "end_date", "date", True), Column("Deadline", "deadline", "date", True),
            Column("Status", "status", "status"))),
    ]  # fmt: skip


# Writing


def _records(doc: dict, key: str) -> list[dict]:
    if key == "milestones":
        return [{"deliverable": d["reference"], **m} for d in doc["deliverables"] for m in d["milestones"]]
    if key == "deliverables":
        return [{**d, "principles": [p["number"] for p in d["principles"]]} for d in doc["deliverables"]]
    return doc[key]


def _cell(column: Column, value: Any) -> Any:
    if value is None or value == "":
        return None
    if column.kind == "date":
        return dt.date.fromisoformat(value)
    if column.kind in ("numbers", "names"):
        return ", ".join(str(v) for v in value) or None
    if column.kind == "yesno":
        return "Yes" if value else "No"
    if column.kind == "status":
        return ReportingPeriod.Status(value).label
    return value


def _write(ws, row: int, col: int, value: Any) -> None:
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        # Text, never a formula: openpyxl would write "=..." as one, and the quote prefix keeps Excel from
        # reading any of these as one when the cell is edited.
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT


def _read_me(ws, strategy: Strategy, sheets: list[Sheet]) -> None:
    lines = [
        f"{strategy.title}: its structure as a spreadsheet",
        "Change this file in Excel or LibreOffice and upload it on the portal's “Upload a spreadsheet” page. "
        "You will see every change on “Check your changes” before anything is saved.",
        "Rows are matched by their reference or number (milestones by deliverable reference and title, reporting "
        "periods by start date): change a reference or number and the row is a new one.",
        "Removing a row does not remove anything from the portal. Withdraw a deliverable by setting Active to No.",
        "Progress (updates, evidence, completed milestones) is not in this file and is never changed by it.",
        "Columns marked required must be filled in. Dates are real dates; people are named by username or email "
        "and must have a role in the strategy (invite them in People and roles first); "
        "lists of numbers or people are separated by commas.",
        "",
    ]
    for sheet in sheets:
        required = ", ".join(c.header for c in sheet.columns if c.required)
        lines.append(f"{sheet.title}: {sheet.about}. Required columns: {required}.")
    ws.column_dimensions["A"].width = 120
    for i, line in enumerate(lines, start=1):
        _write(ws, i, 1, line)
        ws.cell(row=i, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)


def workbook_bytes(*, strategy: Strategy) -> bytes:
    """The strategy's structure as an XLSX file: a "Read me" sheet, then one sheet per level."""
    doc = strategy_io.strategy_export(strategy=strategy)
    sheets = sheets_for(strategy)
    wb = Workbook()
    readme = wb.active
    readme.title = READ_ME_TITLE
    _read_me(readme, strategy, sheets)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title)
        for col, column in enumerate(sheet.columns, start=1):
            _write(ws, 1, col, column.header + (" (required)" if column.required else ""))
            ws.cell(row=1, column=col).font = Font(bold=True)
            ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = 24
        ws.freeze_panes = "A2"
        for row, record in enumerate(_records(doc, sheet.key), start=2):
            for col, column in enumerate(sheet.columns, start=1):
                _write(ws, row, col, _cell(column, record.get(column.field)))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# Reading


def check_upload(*, data: bytes, name: str) -> None:
    """Refuse anything that is not a real, modest XLSX workbook, judged by its content, not its name."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(f"The file must be smaller than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    if not data.startswith(b"PK\x03\x04"):
        raise SpreadsheetError("The file must be an Excel spreadsheet (.xlsx). Save it as .xlsx and try again.")
    try:
        evidence_files.check_zip_document(data, ext=".xlsx", name=name)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except evidence_files.EvidenceFileError as exc:
        raise SpreadsheetError(f"{exc} Save it from Excel or LibreOffice as .xlsx and try again.") from exc
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise SpreadsheetError("The file must be an Excel spreadsheet (.xlsx). Save it as .xlsx and try again.")
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise SpreadsheetError("The spreadsheet is too large when unpacked, so it cannot be read.")


def _header(text: Any) -> str:
    return re.sub(r"\s*\(required\)\s*$", "", str(text or "")).strip().lower()


def _to_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"):
            try:
                return dt.datetime.strptime(value.strip(), fmt).date()
            except ValueError:
                continue
    return value  # left for strategy_io to name as not a date


def _to_number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


@dataclass
class Row:
    sheet: Sheet
    number: int  # the row number Excel shows
    values: dict[str, Any]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column header, problem)

    @property
    def name(self) -> str:
        """How the row is named to a person: its reference, number, title or label."""
        v = self.values
        if self.sheet.key == "deliverables":
            return str(v.get("reference") or "")
        if self.sheet.key == "milestones":
            return f"{v.get('deliverable') or ''}: {v.get('title') or ''}"
        if self.sheet.key == "periods":
            return str(v.get("label") or v.get("start_date") or "")
        return f"number {v.get('number')}" if v.get("number") is not None else ""

    def place(self, header: str | None = None) -> str:
        named = f" ({self.name})" if self.name.strip(": ") else ""
        return f"{self.sheet.title}, row {self.number}{named}" + (f", column {header}" if header else "")


def _convert(row: Row, column: Column, value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        blank = {"numbers": [], "names": [], "text": "", "yesno": True}  # a blank Active means Yes
        return blank.get(column.kind)
    kind = column.kind
    if kind == "date":
        return _to_date(value)
    if kind == "number":
        return _to_number(value)
    if kind == "weight":
        return value if isinstance(value, (int, float)) else str(value)
    if kind in ("numbers", "names"):
        parts = [p.strip() for p in re.split(r"[,;\n]", str(value)) if p.strip()]
        if kind == "names":
            return parts
        if not all(p.isdigit() for p in parts):
            row.problems.append((column.header, "enter whole numbers separated by commas, like 1, 3"))
        return [int(p) for p in parts if p.isdigit()]
    if kind == "yesno":
        answer = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False}.get(str(value).lower())
        if answer is None:
            row.problems.append((column.header, "enter Yes or No"))
        return True if answer is None else answer
    if kind == "status":
        by_name = {n.lower(): key for key, label in ReportingPeriod.Status.choices for n in (key, label)}
        if str(value).lower() not in by_name:
            row.problems.append((column.header, "enter Upcoming, Open or Closed"))
        return by_name.get(str(value).lower())
    return str(_to_number(value)) if isinstance(value, (int, float)) else str(value)


def _read_sheet(ws, sheet: Sheet, problems: list[str]) -> list[Row]:
    rows_in = ws.iter_rows(values_only=True)
    headers = [_header(h) for h in next(rows_in, ())]
    where = {c.field: headers.index(c.header.lower()) for c in sheet.columns if c.header.lower() in headers}
    missing = [c.header for c in sheet.columns if c.required and c.field not in where]
    if missing:
        problems.append(f"{sheet.title}, row 1: the column{'s' if len(missing) > 1 else ''} "
                        f"{', '.join(missing)} {'are' if len(missing) > 1 else 'is'} missing")  # fmt: skip
        return []
    rows = []
    for number, cells in enumerate(rows_in, start=2):
        if number > MAX_ROWS + 1:
            problems.append(f"{sheet.title}: the sheet has more than {MAX_ROWS} rows, so it cannot be read")
            break
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        row = Row(sheet, number, {})
        for name, index in where.items():
            value = cells[index] if index < len(cells) else None
            row.values[name] = _convert(row, sheet.column(name), value)
        rows.append(row)
    return rows


def read_workbook(*, strategy: Strategy, data: bytes) -> tuple[list[Row], list[str]]:
    """The rows of each sheet the strategy's workbook has, and any problem with the workbook's shape."""
    # openpyxl fails on a damaged or hostile file in many ways (OSError, KeyError, ValueError, lxml's and
    # ElementTree's SyntaxErrors, defusedxml's refusals of entities...): any of them means "not a workbook".
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise SpreadsheetError(DAMAGED) from exc
    rows: list[Row] = []
    problems: list[str] = []
    try:
        titles = {t.lower(): t for t in wb.sheetnames}
        for sheet in sheets_for(strategy):
            if sheet.title.lower() in titles:
                rows += _read_sheet(wb[titles[sheet.title.lower()]], sheet, problems)
    except Exception as exc:  # the sheets are read lazily: the same failures, met while reading rows
        raise SpreadsheetError(DAMAGED) from exc
    finally:
        wb.close()
    return rows, problems


# Planning: what the workbook would change


def _norm(column: Column | None, value: Any) -> Any:
    kind = column.kind if column else "text"
    if value is None or value == "" or value == []:
        return None
    if kind == "date":
        return value if isinstance(value, dt.date) else _to_date(str(value)) if isinstance(value, str) else value
    if kind in ("numbers", "names"):
        return tuple(sorted(str(v) for v in value))
    if kind == "weight":
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return str(value)
    return value if kind in ("yesno", "number") else str(value)


def _show(column: Column, value: Any) -> str:
    value = _norm(column, value)
    if value is None:
        return "blank"
    if isinstance(value, dt.date):
        return value.strftime("%-d %B %Y")
    if isinstance(value, tuple):
        return ", ".join(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if column.kind == "status" and value in ReportingPeriod.Status.values:
        return ReportingPeriod.Status(value).label
    return f"“{value}”"


@dataclass
class Plan:
    """What a workbook would do: the changes per sheet, what is refused and why, and every problem."""

    doc: dict
    changes: dict[str, list[str]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    origins: dict[str, Row] = field(default_factory=dict)
    sheets: dict[str, Sheet] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)  # strategy_io's words for the levels -> the council's

    @property
    def fingerprint(self) -> str:
        lines = [f"{s}: {c}" for s, cs in self.changes.items() for c in cs] + self.refused
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()

    @property
    def change_count(self) -> int:
        return sum(len(c) for c in self.changes.values())

    def describe(self, place: str, message: str) -> str:
        """A strategy_io problem in the council's words: the sheet, row and column instead of its place."""
        return f"{self._where(place)}: {self._plain(message)}"

    def _where(self, place: str) -> str:
        m = re.match(r"(\w+)\[(\d+)\](.*)$", place)
        if not m or m.group(1) not in self.sheets:
            return {"periods": "Reporting periods"}.get(place, "The strategy")
        key, index, rest = m.group(1), int(m.group(2)), m.group(3)
        prefix, name = f"{key}[{index}]", None
        ms = re.match(r"\.milestones\[(\d+)\](?:\.(\w+))?", rest)
        if ms:
            prefix, key, name = f"{prefix}.milestones[{ms.group(1)}]", "milestones", ms.group(2)
        else:
            sub = re.match(r"\.(\w+)", rest)
            name = sub.group(1) if sub else None
        sheet = self.sheets[key]
        column = sheet.column(name) if name else None
        row = self.origins.get(prefix)
        if row is None:
            return f"{sheet.title}, {self._record_name(key, prefix)} (not in the spreadsheet, as it is in the portal)"
        return row.place(column.header if column else None)

    def _record_name(self, key: str, prefix: str) -> str:
        d = re.match(r"deliverables\[(\d+)\]", prefix)
        if d:
            return self.doc["deliverables"][int(d.group(1))]["reference"]
        return prefix

    def _plain(self, message: str) -> str:
        message = re.sub(r"\(also at ([^)]+)\)", lambda m: f"(also {self._where(m.group(1))})", message)
        if message == "is required":
            return "this must be filled in"
        if message.startswith("expected a date"):
            return "enter a real date, for example 31/03/2026"
        if message.startswith("expected a whole number"):
            return "enter a whole number"
        if message.startswith("expected a number above 0"):
            return "enter a number above 0"
        for word, theirs in self.words.items():
            message = message.replace(f"no {word} number", f"no {theirs} number")
        return re.sub(r"'([^']*)'", r"\1", message)


def _matching(records: list[dict], sheet: Sheet, values: dict) -> int | None:
    key = tuple(str(values.get(f)) for f in sheet.key_fields)
    return next((i for i, r in enumerate(records) if tuple(str(r.get(f)) for f in sheet.key_fields) == key), None)


def _change(plan: Plan, row: Row, record: dict) -> None:
    """Lay the row over an existing record, noting each change; refuse what the import would not do."""
    for name, new in row.values.items():
        if name == "deliverable":
            continue  # a milestone's key, with its title
        column = row.sheet.column(name)
        old = record.get(name)
        if name == "principles":
            old = [p["number"] for p in old]
        if _norm(column, old) == _norm(column, new):
            continue
        if name == "principles":
            kept = [n for n in old if n not in new]
            if kept:
                plan.refused.append(f"{row.place(column.header)}: principle {', '.join(map(str, kept))} is not "
                                    "taken off: a spreadsheet removes nothing, so change it in the portal")  # fmt: skip
            notes = {p["number"]: p["note"] for p in record["principles"]}
            record["principles"] = [{"number": n, "note": notes.get(n, "")} for n in [*new, *kept]]
            if not [n for n in new if n not in old]:
                continue
        elif name == "completed_on":
            plan.refused.append(f"{row.place(column.header)}: not changed: officers record when a milestone is "
                                "completed, with their progress")  # fmt: skip
            continue
        else:
            record[name] = new
        plan.changes.setdefault(row.sheet.title, []).append(
            f"{row.name}: {column.header} changed from {_show(column, old)} to {_show(column, new)}"
        )


def _new_record(row: Row) -> dict:
    record = {c.field: ([] if c.kind in ("numbers", "names") else None) for c in row.sheet.columns}
    record.update(row.values)
    if row.sheet.key == "deliverables":
        record["principles"] = [{"number": n, "note": ""} for n in record["principles"]]
        record["milestones"] = []
        record["is_active"] = True if record["is_active"] is None else record["is_active"]
        record["weight"] = 1 if record["weight"] is None else record["weight"]
    if row.sheet.key == "periods" and not record.get("status"):
        record["status"] = ReportingPeriod.Status.UPCOMING
    for name, value in list(record.items()):
        if value is None and row.sheet.column(name).kind == "text":
            record[name] = ""
    return record


def _lay_row(plan: Plan, row: Row) -> None:
    doc = plan.doc
    if row.sheet.key == "milestones":
        reference = row.values.get("deliverable")
        d = next((i for i, x in enumerate(doc["deliverables"]) if x["reference"] == reference), None)
        if d is None:
            row.problems.append(("Deliverable reference", f"there is no deliverable {reference or ''} in the "
                                 "Deliverables sheet or the portal"))  # fmt: skip
            return
        records, prefix = doc["deliverables"][d]["milestones"], f"deliverables[{d}].milestones"
        index = next((j for j, m in enumerate(records) if m["title"] == row.values.get("title")), None)
    else:
        records, prefix = doc[row.sheet.key], row.sheet.key
        index = _matching(records, row.sheet, row.values)
    if index is None:
        record = _new_record(row)
        record.pop("deliverable", None)
        records.append(record)
        index = len(records) - 1
        plan.changes.setdefault(row.sheet.title, []).append(f"{row.name} added")
    elif f"{prefix}[{index}]" in plan.origins:
        key = row.sheet.column(row.sheet.key_fields[-1])
        other = plan.origins[f"{prefix}[{index}]"].number
        row.problems.append((key.header, f"{row.name} is used twice (also in row {other}): use each once"))
        return
    else:
        _change(plan, row, records[index])
    plan.origins[f"{prefix}[{index}]"] = row


def spreadsheet_plan(*, strategy: Strategy, data: bytes) -> Plan:
    """What the workbook would change in the strategy, checked by strategy_io's rules; writes nothing."""
    rows, shape_problems = read_workbook(strategy=strategy, data=data)
    plan = Plan(doc=strategy_io.strategy_export(strategy=strategy), problems=list(shape_problems))
    plan.sheets = {s.key: s for s in sheets_for(strategy)}
    plan.words = {"aim": strategy.aim_label.lower(), "theme": strategy.theme_label.lower()}
    for row in rows:
        _lay_row(plan, row)
    for row in rows:
        plan.problems += [f"{row.place(header)}: {problem}" for header, problem in row.problems]
    if not plan.doc["periods"]:  # the import generates them from the cadence: say so
        plan.changes.setdefault(plan.sheets["periods"].title, []).append(
            f"Reporting periods generated for the strategy's life ({strategy.get_cadence_display().lower()})"
        )
    try:
        strategy_io.strategy_check(data=plan.doc)
    except strategy_io.StrategyImportError as exc:
        plan.problems += [plan.describe(place, problem) for place, problem in exc.problems]
    return plan


class SpreadsheetChanged(SpreadsheetError):
    """The strategy changed after the changes were checked."""


@freshness.atomic
def spreadsheet_apply(*, strategy: Strategy, data: bytes, fingerprint: str) -> Plan:
    """Apply the workbook's changes, exactly those that were checked (`fingerprint`), all or nothing."""
    # The strategy's row first, as the import locks it: nobody changes the structure between the plan and the write.
    list(Strategy.objects.select_for_update().filter(pk=strategy.pk).order_by().values_list("pk"))
    plan = spreadsheet_plan(strategy=strategy, data=data)
    if plan.problems:
        raise SpreadsheetError("The spreadsheet has problems. Correct them and upload it again.")
    if plan.fingerprint != fingerprint:
        raise SpreadsheetChanged("The strategy has changed since you checked. Check the changes again.")
    try:
        strategy_io.strategy_import(data=plan.doc)
    except strategy_io.StrategyImportError as exc:
        raise SpreadsheetError("; ".join(plan.describe(p, m) for p, m in exc.problems)) from exc
    return plan


# A workbook kept between "Upload a spreadsheet" and "Apply changes"


def _staged_name(strategy: Strategy, user, token: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", token):
        raise ValueError("not a staging token")
    return f"spreadsheets/staged/{strategy.pk}-{user.pk}-{token}.xlsx"


def spreadsheet_stage(*, strategy: Strategy, user, data: bytes) -> str:
    """Keep an uploaded workbook for its check and apply steps; the token names it for this person only."""
    token = secrets.token_urlsafe(24)
    default_storage.save(_staged_name(strategy, user, token), ContentFile(data))
    return token


def spreadsheet_staged(*, strategy: Strategy, user, token: str) -> bytes | None:
    try:
        with default_storage.open(_staged_name(strategy, user, token), "rb") as handle:
            return handle.read()
    except (ValueError, FileNotFoundError):
        return None


def spreadsheet_unstage(*, strategy: Strategy, user, token: str) -> None:
    default_storage.delete(_staged_name(strategy, user, token))


def spreadsheets_staged_clean(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Remove kept workbooks nobody applied: a check left for a day is stale anyway (the apply step would refuse
    it if the strategy has changed since)."""
    try:
        _folders, files = default_storage.listdir("spreadsheets/staged")
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - older_than
    stale = [f"spreadsheets/staged/{name}" for name in files]
    stale = [name for name in stale if default_storage.get_modified_time(name) < cutoff]
    for name in stale:
        default_storage.delete(name)
    return len(stale)
