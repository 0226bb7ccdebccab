"""The progress sheet: a lead enters the open period's progress for many deliverables as the owners' drafts."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from aims import progress_sheets, spreadsheets
from aims.models import ProgressUpdate
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet_world(strategy, open_period, theme, officer, other_officer, lead):
    made = {
        "CE-01": factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, reference="CE-01"),
        "CE-02": factories.DeliverableFactory(strategy=strategy, theme=theme, owner=other_officer, reference="CE-02"),
        "CE-03": factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, reference="CE-03"),
        "CE-04": factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, reference="CE-04"),
    }
    factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, reference="CE-09", is_active=False)
    factories.ProgressUpdateFactory(deliverable=made["CE-02"], period=open_period, state="draft", percent_complete=30,
                                    achieved="Started")  # fmt: skip
    factories.ProgressUpdateFactory(deliverable=made["CE-03"], period=open_period, state="submitted",
                                    submitted_at="2026-11-01T10:00Z")  # fmt: skip
    return made


def download(strategy, period):
    return load_workbook(io.BytesIO(progress_sheets.workbook_bytes(strategy=strategy, period=period)))


def to_bytes(wb):
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def col(ws, header):
    return next(c.column for c in ws[1] if c.value == header)


def row(ws, reference):
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == reference)


def fill(ws, reference, **answers):
    headers = {"rag": "RAG status", "percent": "Percent complete", "achieved": "What has been achieved",
               "next": "What happens next", "risks": "Risks and issues", "action": "Corrective action"}  # fmt: skip
    for key, value in answers.items():
        ws.cell(row=row(ws, reference), column=col(ws, headers[key])).value = value


def snapshot():
    return sorted(ProgressUpdate.objects.values_list("deliverable__reference", "state", "rag_status",
                                                     "percent_complete", "achieved", "version"))  # fmt: skip


def test_the_sheet_has_a_row_per_active_deliverable_with_what_is_saved(strategy, open_period, sheet_world):
    wb = download(strategy, open_period)
    ws = wb["Progress"]
    assert [c.value for c in ws[1]] == [c.header for c in progress_sheets.COLUMNS]
    assert [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)] == ["CE-01", "CE-02", "CE-03", "CE-04"]
    ce02 = row(ws, "CE-02")
    assert ws.cell(row=ce02, column=col(ws, "RAG status")).value == "Green"
    assert ws.cell(row=ce02, column=col(ws, "Percent complete")).value == 30
    assert ws.cell(row=row(ws, "CE-03"), column=col(ws, "Where the update stands")).value == "Submitted"
    assert wb["Read me"]["B2"].value == open_period.label
    # Downloaded and uploaded again untouched, it changes nothing.
    plan = progress_sheets.progress_sheet_plan(strategy=strategy, data=to_bytes(wb))
    assert (plan.rows, plan.refused, plan.problems, plan.unchanged) == ([], [], [], 4)


def test_changed_rows_become_the_owners_drafts_entered_by_the_lead(strategy, open_period, sheet_world, lead, officer):
    wb = download(strategy, open_period)
    ws = wb["Progress"]
    fill(ws, "CE-01", rag="Amber", percent=40, achieved="Supplier appointed", next="Build", risks="Staff")
    fill(ws, "CE-02", percent=45)
    fill(ws, "CE-03", percent=99)  # submitted: not the sheet's to change
    data = to_bytes(wb)

    plan = progress_sheets.progress_sheet_plan(strategy=strategy, data=data)
    assert plan.problems == []
    assert [(r.deliverable.reference, r.changes) for r in plan.rows] == [
        ("CE-01", [("RAG status", "blank", "Amber"), ("Percent complete", "blank", "40%"),
                   ("What has been achieved", "blank", "“Supplier appointed”"),
                   ("What happens next", "blank", "“Build”"), ("Risks and issues", "blank", "“Staff”")]),
        ("CE-02", [("Percent complete", "30%", "45%")]),
    ]  # fmt: skip
    assert plan.refused == [
        "Progress, row 4 (CE-03): not changed: The October 2026 to March 2027 update has been submitted. "
        "Only a board member returning it lets it change."
    ]
    progress_sheets.progress_sheet_apply(strategy=strategy, data=data, fingerprint=plan.fingerprint, by=lead)

    ce01 = ProgressUpdate.objects.get(deliverable=sheet_world["CE-01"])
    assert (ce01.state, ce01.rag_status, ce01.percent_complete, ce01.author, ce01.entered_by) == (
        "draft", "amber", 40, officer, lead)  # fmt: skip
    assert ce01.history.first().history_change_reason == f"Entered by {lead} on behalf of {officer}"
    assert ce01.history.first().history_user == lead
    ce02 = ProgressUpdate.objects.get(deliverable=sheet_world["CE-02"])
    assert (ce02.percent_complete, ce02.achieved, ce02.version, ce02.entered_by) == (45, "Started", 2, lead)
    ce03 = ProgressUpdate.objects.get(deliverable=sheet_world["CE-03"])
    assert (ce03.state, ce03.percent_complete, ce03.entered_by) == ("submitted", 50, None)
    assert not ProgressUpdate.objects.filter(deliverable=sheet_world["CE-04"]).exists()


def test_every_problem_is_named_by_row_and_column_and_nothing_is_written(strategy, open_period, sheet_world, lead):
    before = snapshot()
    wb = download(strategy, open_period)
    ws = wb["Progress"]
    fill(ws, "CE-01", rag="Purple", percent=120)
    fill(ws, "CE-02", rag="Red", action=None)
    fill(ws, "CE-04", rag="Complete", percent=80)
    ws.cell(row=ws.max_row + 1, column=1).value = "CE-77"
    ws.cell(row=ws.max_row + 1, column=1).value = "CE-04"
    data = to_bytes(wb)
    plan = progress_sheets.progress_sheet_plan(strategy=strategy, data=data)
    assert sorted(plan.problems) == sorted([
        "Progress, row 2 (CE-01), column RAG status: enter one of Red, Amber, Green, Complete, Not started",
        "Progress, row 2 (CE-01), column Percent complete: percent complete must be a whole number from 0 to 100",
        "Progress, row 3 (CE-02), column Corrective action: Enter the corrective action: it is required when the "
        "status is Red",
        "Progress, row 5 (CE-04), column Percent complete: A complete deliverable must be 100% complete",
        "Progress, row 6 (CE-77), column Reference: there is no active deliverable CE-77 in the strategy",
        "Progress, row 7 (CE-04), column Reference: CE-04 is used twice (also in row 5): use each once",
    ])  # fmt: skip
    with pytest.raises(progress_sheets.ProgressSheetError):
        progress_sheets.progress_sheet_apply(strategy=strategy, data=data, fingerprint=plan.fingerprint, by=lead)
    assert snapshot() == before


def test_a_sheet_for_another_period_or_changed_since_it_was_checked_is_refused(strategy, open_period, sheet_world,
                                                                               lead):  # fmt: skip
    wb = download(strategy, open_period)
    fill(wb["Progress"], "CE-01", percent=10, rag="Green")
    data = to_bytes(wb)
    plan = progress_sheets.progress_sheet_plan(strategy=strategy, data=data)
    ProgressUpdate.objects.filter(deliverable=sheet_world["CE-02"]).update(version=7)  # the owner saved meanwhile
    wb["Read me"]["B3"].value = "2020-01-01"
    assert (
        progress_sheets.progress_sheet_plan(strategy=strategy, data=to_bytes(wb))
        .problems[0]
        .startswith("The sheet is not for the open reporting period")
    )
    fill(wb["Progress"], "CE-02", percent=31)
    wb["Read me"]["B3"].value = open_period.start_date
    changed = to_bytes(wb)
    with pytest.raises(progress_sheets.ProgressSheetError, match="Check the changes again"):
        progress_sheets.progress_sheet_apply(strategy=strategy, data=changed, fingerprint=plan.fingerprint, by=lead)
    assert not ProgressUpdate.objects.filter(deliverable=sheet_world["CE-01"]).exists()


def test_the_pages_for_leads_only_and_the_update_says_who_entered_it(client, strategy, open_period, sheet_world, lead,
                                                                     officer, board_member, outsider):  # fmt: skip
    download_url = reverse("aims:progress_sheet_download", args=[strategy.slug])
    upload_url = reverse("aims:progress_sheet_upload", args=[strategy.slug])
    assert client.get(download_url).status_code == 302 and client.get(upload_url).status_code == 302
    for person in (officer, board_member, outsider):
        client.force_login(person)
        assert client.get(download_url).status_code == 403 and client.get(upload_url).status_code == 403
        assert client.post(upload_url).status_code == 403

    client.force_login(lead)
    response = client.get(download_url)
    assert response["Content-Type"] == spreadsheets.CONTENT_TYPE and "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    fill(wb["Progress"], "CE-04", rag="Green", percent=5, achieved="Kick-off held")
    upload = io.BytesIO(to_bytes(wb))
    upload.name = "progress.xlsx"
    response = client.post(upload_url, {"spreadsheet": upload})
    assert response.status_code == 302
    check_url = response["Location"]
    page = client.get(check_url).content.decode()
    assert (
        "Check your changes" in page
        and "A new draft of" in page
        and "Percent complete changed from blank to 5%" in page
    )
    fingerprint = next(line for line in page.splitlines() if 'name="fingerprint"' in line).split('value="')[1][:64]
    client.force_login(officer)
    assert client.post(check_url, {"fingerprint": fingerprint}).status_code == 403  # another person's upload
    client.force_login(lead)
    assert client.post(check_url, {"fingerprint": fingerprint}).status_code == 302
    update = ProgressUpdate.objects.get(deliverable=sheet_world["CE-04"])
    assert (update.author, update.entered_by, update.state) == (officer, lead, "draft")

    client.force_login(officer)
    page = client.get(reverse("aims:deliverable_detail", args=[update.deliverable_id])).content.decode()
    assert f"entered by {lead} on behalf of {officer}" in page
    assert f"(Entered by {lead} on behalf of {officer})" in page  # the change history

    bad = io.BytesIO(b"not a spreadsheet")
    bad.name = "x.xlsx"
    client.force_login(lead)
    page = client.post(upload_url, {"spreadsheet": bad}).content.decode()
    assert "There is a problem" in page and ".xlsx" in page
