import datetime as dt
import io
import os
import time
import zipfile

import pytest
from django.core.files.storage import default_storage
from openpyxl import Workbook, load_workbook

from aims import spreadsheets, status_rows
from aims.models import Aim, Deliverable, Milestone, ReportingPeriod, Theme
from aims.strategy_io import strategy_export
from principles.models import DeliverablePrinciple, Principle
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(strategy, open_period):
    """A small strategy in the council's own words: two pillars, two principles, a workstream, two deliverables."""
    strategy.aim_label, strategy.aim_label_plural = "Pillar", "Pillars"
    strategy.theme_label, strategy.theme_label_plural = "Workstream", "Workstreams"
    strategy.save()
    aims = [factories.AimFactory(strategy=strategy, number=n, title=f"Pillar {n}") for n in (1, 2)]
    principles = [factories.PrincipleFactory(strategy=strategy, number=n, title=f"Rule {n}") for n in (1, 2)]
    theme = factories.ThemeFactory(strategy=strategy, number=1, title="Customer experience")
    theme.aims.set(aims)
    owner = factories.UserFactory(username="p.shah")
    factories.MembershipFactory(user=owner, strategy=strategy)
    factories.MembershipFactory(user=factories.UserFactory(username="j.hughes"), strategy=strategy)  # an officer
    d1 = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=owner, reference="CE-01",
                                      title="New website")  # fmt: skip
    factories.DeliverableFactory(strategy=strategy, theme=theme, owner=owner, reference="CE-07",
                                 title="Chatbot pilot", due_date=dt.date(2026, 12, 31))  # fmt: skip
    factories.DeliverablePrincipleFactory(deliverable=d1, principle=principles[0], note="Accessible")
    factories.MilestoneFactory(deliverable=d1, title="Beta live", due_date=dt.date(2026, 6, 30))
    return strategy


def snapshot(strategy):
    """Everything the spreadsheet could change, as the export document (progress is not in it)."""
    return strategy_export(strategy=strategy)


def download(strategy):
    return load_workbook(io.BytesIO(spreadsheets.workbook_bytes(strategy=strategy)))


def to_bytes(wb):
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row_of(ws, header, value):
    col = column_of(ws, header)
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=col).value == value)


def column_of(ws, header):
    headers = [spreadsheets._header(c.value) for c in ws[1]]
    return headers.index(header.lower()) + 1


def test_download_has_a_read_me_and_a_sheet_per_level_in_the_councils_words(tree):
    wb = download(tree)
    assert wb.sheetnames == ["Read me", "Pillars", "Principles", "Workstreams", "Deliverables", "Milestones",
                             "Reporting periods"]  # fmt: skip
    read_me = " ".join(str(c.value) for c in wb["Read me"]["A"] if c.value)
    assert "Removing a row does not remove anything" in read_me and "matched by their reference or number" in read_me
    assert "Deliverables: " in read_me and "Required columns: Reference, Title, Workstream number, Owner" in read_me
    ws = wb["Deliverables"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold and ws["A1"].value == "Reference (required)"
    due = ws.cell(row=row_of(ws, "Reference", "CE-07"), column=column_of(ws, "Due date"))
    assert due.is_date and due.value.date() == dt.date(2026, 12, 31)
    themes = wb["Workstreams"]
    assert themes.cell(row=2, column=column_of(themes, "Pillars (numbers)")).value == "1, 2"


def test_download_writes_formulas_as_text(tree):
    Deliverable.objects.filter(reference="CE-07").update(title="=HYPERLINK(\"http://evil\",\"x\")",
                                                         lead_service="+44 ICT")  # fmt: skip
    data = spreadsheets.workbook_bytes(strategy=tree)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet_xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in sheet_xml  # no formula anywhere
    ws = load_workbook(io.BytesIO(data))["Deliverables"]
    cell = ws.cell(row=row_of(ws, "Reference", "CE-07"), column=column_of(ws, "Title"))
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK") and cell.quotePrefix


def test_unchanged_download_plans_no_change(tree):
    plan = spreadsheets.spreadsheet_plan(strategy=tree, data=spreadsheets.workbook_bytes(strategy=tree))
    assert (plan.changes, plan.refused, plan.problems) == ({}, [], [])


def test_round_trip_two_cells_and_a_row_gives_exactly_those_changes(tree):
    before = snapshot(tree)
    wb = download(tree)
    ws = wb["Deliverables"]
    r = row_of(ws, "Reference", "CE-07")
    ws.cell(row=r, column=column_of(ws, "Title")).value = "Chatbot for council tax"
    ws.cell(row=r, column=column_of(ws, "Due date")).value = dt.datetime(2027, 3, 31)
    new = ws.max_row + 1
    for header, value in [("Reference", "CE-21"), ("Title", "Digital inclusion hubs"), ("Workstream number", 1),
                          ("Owner", "j.hughes"), ("Due date", dt.datetime(2027, 9, 30))]:  # fmt: skip
        ws.cell(row=new, column=column_of(ws, header)).value = value
    data = to_bytes(wb)

    plan = spreadsheets.spreadsheet_plan(strategy=tree, data=data)
    assert plan.problems == [] and plan.refused == []
    assert plan.changes == {"Deliverables": [
        "CE-07: Title changed from “Chatbot pilot” to “Chatbot for council tax”",
        "CE-07: Due date changed from 31 December 2026 to 31 March 2027",
        "CE-21 added",
    ]}  # fmt: skip

    spreadsheets.spreadsheet_apply(strategy=tree, data=data, fingerprint=plan.fingerprint)
    after = snapshot(tree)
    expected = before
    ce07 = next(d for d in expected["deliverables"] if d["reference"] == "CE-07")
    ce07.update(title="Chatbot for council tax", due_date="2027-03-31")
    added = next(d for d in after["deliverables"] if d["reference"] == "CE-21")
    assert added["title"] == "Digital inclusion hubs" and added["owner"] == "j.hughes" and added["theme"] == 1
    assert added["due_date"] == "2027-09-30" and added["milestones"] == [] and added["is_active"] is True
    after["deliverables"].remove(added)
    assert after == expected


def test_an_account_without_a_role_is_refused_in_the_same_words_as_a_name_nobody_has(tree, other_strategy):
    """The lead may not probe for accounts: a person in another strategy reads exactly like nobody at all."""
    elsewhere = factories.UserFactory(username="k.elsewhere", email="k.elsewhere@example.gov.uk")
    factories.MembershipFactory(user=elsewhere, strategy=other_strategy)
    wb = download(tree)
    ws = wb["Deliverables"]
    r1, r7 = row_of(ws, "Reference", "CE-01"), row_of(ws, "Reference", "CE-07")
    ws.cell(row=r1, column=column_of(ws, "Owner")).value = "k.elsewhere@example.gov.uk"
    ws.cell(row=r7, column=column_of(ws, "Contributors")).value = "j.hughes, z.nobody"
    plan = spreadsheets.spreadsheet_plan(strategy=tree, data=to_bytes(wb))
    assert sorted(plan.problems) == [
        "Deliverables, row 2 (CE-01), column Owner: k.elsewhere@example.gov.uk is not one of this strategy's people: "
        "invite them in People and roles first",
        "Deliverables, row 3 (CE-07), column Contributors: z.nobody is not one of this strategy's people: "
        "invite them in People and roles first",
    ]


def test_a_row_left_out_removes_nothing_and_a_dropped_principle_is_refused(tree):
    before = snapshot(tree)
    wb = download(tree)
    ws = wb["Deliverables"]
    ws.cell(row=row_of(ws, "Reference", "CE-01"), column=column_of(ws, "Principles (numbers)")).value = None
    ws.delete_rows(row_of(ws, "Reference", "CE-07"))
    wb["Milestones"].delete_rows(2)
    plan = spreadsheets.spreadsheet_plan(strategy=tree, data=to_bytes(wb))
    assert plan.changes == {} and plan.problems == []
    assert plan.refused == ["Deliverables, row 2 (CE-01), column Principles (numbers): principle 1 is not taken off: "
                            "a spreadsheet removes nothing, so change it in the portal"]  # fmt: skip
    spreadsheets.spreadsheet_apply(strategy=tree, data=to_bytes(wb), fingerprint=plan.fingerprint)
    assert snapshot(tree) == before


def test_five_problems_are_all_named_by_sheet_row_and_column_and_nothing_is_written(tree):
    before = snapshot(tree)
    counts = [m.objects.count() for m in (Aim, Theme, Principle, Deliverable, DeliverablePrinciple, Milestone,
                                          ReportingPeriod)]  # fmt: skip
    wb = download(tree)
    ws = wb["Deliverables"]
    r1, r7 = row_of(ws, "Reference", "CE-01"), row_of(ws, "Reference", "CE-07")
    ws.cell(row=r7, column=column_of(ws, "Due date")).value = "31/13/2026"  # not a real date
    ws.cell(row=r7, column=column_of(ws, "Owner")).value = "nobody.here"  # not a person in the portal
    ws.cell(row=r1, column=column_of(ws, "Title")).value = None  # missing title
    ws.cell(row=r1, column=column_of(ws, "Workstream number")).value = 9  # no such workstream
    for col, value in enumerate(["CE-07", "Copy", None, None, 1, "p.shah"], start=1):  # duplicate reference
        ws.cell(row=4, column=col).value = value
    data = to_bytes(wb)

    plan = spreadsheets.spreadsheet_plan(strategy=tree, data=data)
    assert sorted(plan.problems) == sorted([
        "Deliverables, row 2 (CE-01), column Title: this must be filled in",
        "Deliverables, row 2 (CE-01), column Workstream number: there is no workstream number 9",
        "Deliverables, row 3 (CE-07), column Due date: enter a real date, for example 31/03/2026",
        "Deliverables, row 3 (CE-07), column Owner: nobody.here is not one of this strategy's people: invite them in "
        "People and roles first",
        "Deliverables, row 4 (CE-07), column Reference: CE-07 is used twice (also in row 3): use each once",
    ])  # fmt: skip
    with pytest.raises(spreadsheets.SpreadsheetError):
        spreadsheets.spreadsheet_apply(strategy=tree, data=data, fingerprint=plan.fingerprint)
    assert snapshot(tree) == before
    assert counts == [m.objects.count() for m in (Aim, Theme, Principle, Deliverable, DeliverablePrinciple,
                                                  Milestone, ReportingPeriod)]  # fmt: skip


def test_a_strategy_changed_after_the_check_is_not_written(tree):
    wb = download(tree)
    ws = wb["Deliverables"]
    ws.cell(row=row_of(ws, "Reference", "CE-07"), column=column_of(ws, "Title")).value = "Renamed"
    data = to_bytes(wb)
    plan = spreadsheets.spreadsheet_plan(strategy=tree, data=data)
    Deliverable.objects.filter(reference="CE-07").update(title="Changed in the portal meanwhile")
    with pytest.raises(spreadsheets.SpreadsheetChanged):
        spreadsheets.spreadsheet_apply(strategy=tree, data=data, fingerprint=plan.fingerprint)
    assert Deliverable.objects.get(reference="CE-07").title == "Changed in the portal meanwhile"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 not a spreadsheet", "must be an Excel spreadsheet"),
        (b"PK\x03\x04" + b"\0" * 100, "damaged or is not a real"),
        (b"PK\x03\x04" + b"x" * (5 * 1024 * 1024), "smaller than 5 MB"),
    ],
)
def test_files_that_are_not_workbooks_are_refused(data, message):
    with pytest.raises(spreadsheets.SpreadsheetError, match=message):
        spreadsheets.check_upload(data=data, name="plan.xlsx")


def test_a_word_document_named_xlsx_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(spreadsheets.SpreadsheetError, match="not a real .xlsx"):
        spreadsheets.check_upload(data=out.getvalue(), name="plan.xlsx")


def test_problems_on_other_sheets_are_named_by_their_own_sheet_row_and_column(tree):
    wb = download(tree)
    wb["Milestones"].cell(row=2, column=column_of(wb["Milestones"], "Due date")).value = "next spring"
    wb["Milestones"].append(["CE-99", "Orphan milestone"])
    themes = wb["Workstreams"]
    themes.cell(row=2, column=column_of(themes, "Pillars (numbers)")).value = "1, 7"
    ws = wb["Deliverables"]
    ws.cell(row=row_of(ws, "Reference", "CE-07"), column=column_of(ws, "Principles (numbers)")).value = "1, x"
    periods = wb["Reporting periods"]
    periods.cell(row=2, column=column_of(periods, "Status")).value = "Finished"
    plan = spreadsheets.spreadsheet_plan(strategy=tree, data=to_bytes(wb))
    assert sorted(plan.problems) == sorted([
        "Milestones, row 2 (CE-01: Beta live), column Due date: enter a real date, for example 31/03/2026",
        "Milestones, row 3 (CE-99: Orphan milestone), column Deliverable reference: there is no deliverable CE-99 "
        "in the Deliverables sheet or the portal",
        "Workstreams, row 2 (number 1), column Pillars (numbers): there is no pillar number 7",
        "Deliverables, row 3 (CE-07), column Principles (numbers): enter whole numbers separated by commas, like 1, 3",
        "Reporting periods, row 2 (October 2026 to March 2027), column Status: enter Upcoming, Open or Closed",
    ])  # fmt: skip


def test_a_new_milestone_and_a_relabelled_period_are_listed_and_applied(tree):
    wb = download(tree)
    wb["Milestones"].append(["CE-07", "Pilot starts", dt.datetime(2026, 11, 1)])
    periods = wb["Reporting periods"]
    periods.cell(row=2, column=column_of(periods, "Label")).value = "Winter 2026-27"
    plan = spreadsheets.spreadsheet_plan(strategy=tree, data=to_bytes(wb))
    assert plan.problems == []
    assert plan.changes == {
        "Milestones": ["CE-07: Pilot starts added"],
        "Reporting periods": ["Winter 2026-27: Label changed from “October 2026 to March 2027” to “Winter 2026-27”"],
    }
    spreadsheets.spreadsheet_apply(strategy=tree, data=to_bytes(wb), fingerprint=plan.fingerprint)
    assert Milestone.objects.get(title="Pilot starts").due_date == dt.date(2026, 11, 1)
    assert ReportingPeriod.objects.get(strategy=tree).label == "Winter 2026-27"
    assert status_rows.check() == []  # the figures kept per period follow, in the same transaction


def test_a_strategy_without_periods_is_told_they_will_be_generated(strategy, theme):
    plan = spreadsheets.spreadsheet_plan(strategy=strategy, data=spreadsheets.workbook_bytes(strategy=strategy))
    assert plan.changes == {"Reporting periods": ["Reporting periods generated for the strategy's life (six-monthly)"]}


def _workbook_with(part, content):
    wb = Workbook()
    wb.create_sheet("Deliverables")
    src = zipfile.ZipFile(io.BytesIO(to_bytes(wb)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            z.writestr(info.filename, content if info.filename == part else src.read(info.filename))
    return out.getvalue()


ENTITY_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><worksheet '
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" '
    't="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>'
)


@pytest.mark.parametrize(
    ("part", "content"),
    [("xl/worksheets/sheet2.xml", "<<not xml"), ("xl/workbook.xml", "<<"), ("xl/worksheets/sheet2.xml", ENTITY_BOMB)],
)
def test_a_damaged_workbook_is_refused_with_a_message(strategy, part, content):
    data = _workbook_with(part, content)
    spreadsheets.check_upload(data=data, name="plan.xlsx")  # a real zip with a workbook part
    with pytest.raises(spreadsheets.SpreadsheetError, match="damaged or is not an Excel spreadsheet"):
        spreadsheets.read_workbook(strategy=strategy, data=data)


def test_kept_workbooks_nobody_applied_are_removed_after_a_day(strategy, lead):
    old = spreadsheets.spreadsheet_stage(strategy=strategy, user=lead, data=b"old")
    new = spreadsheets.spreadsheet_stage(strategy=strategy, user=lead, data=b"new")
    old_path = default_storage.path(spreadsheets._staged_name(strategy, lead, old))
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old_path, (two_days_ago, two_days_ago))
    assert spreadsheets.spreadsheets_staged_clean() == 1
    assert spreadsheets.spreadsheet_staged(strategy=strategy, user=lead, token=old) is None
    assert spreadsheets.spreadsheet_staged(strategy=strategy, user=lead, token=new) == b"new"
    spreadsheets.spreadsheet_unstage(strategy=strategy, user=lead, token=new)
