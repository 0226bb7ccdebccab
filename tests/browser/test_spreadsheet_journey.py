"""A strategy lead downloads the strategy as a spreadsheet, changes it, uploads it, checks the changes and applies
them. At 1280 px and at 320 px, with axe on every page (the helpers)."""

import datetime as dt

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from aims.models import Deliverable
from tests import factories
from tests.aims.test_spreadsheets import column_of, row_of
from tests.browser.helpers import after_action, sign_in_as, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_changes_the_strategy_through_a_spreadsheet(page, live_server, lead, strategy, open_period, theme,
                                                         officer, tmp_path):  # fmt: skip
    factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, reference="CE-07",
                                 title="Chatbot pilot")  # fmt: skip
    sign_in_as(page, lead.username, factories.PASSWORD, "spreadsheet-lead")
    visit(page, f"{live_server.url}/strategies/{strategy.slug}/", "spreadsheet-strategy")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as spreadsheet").click()
    downloaded = tmp_path / "downloaded.xlsx"
    download_info.value.save_as(downloaded)

    page.get_by_role("link", name="Upload a spreadsheet").click()
    after_action(page, "spreadsheet-upload")
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload a spreadsheet")
    not_a_sheet = tmp_path / "notes.xlsx"
    not_a_sheet.write_text("Reference,Title\n")
    page.get_by_label("Choose the spreadsheet").set_input_files(str(not_a_sheet))
    page.get_by_role("button", name="Continue").click()
    after_action(page, "spreadsheet-upload-error")
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be an Excel spreadsheet (.xlsx)")

    wb = load_workbook(downloaded)
    ws = wb["Deliverables"]
    ws.cell(row=row_of(ws, "Reference", "CE-07"), column=column_of(ws, "Due date")).value = "30/02/2027"
    with_problem = tmp_path / "with-problem.xlsx"
    wb.save(with_problem)
    page.get_by_label("Choose the spreadsheet").set_input_files(str(with_problem))
    page.get_by_role("button", name="Continue").click()
    after_action(page, "spreadsheet-check-problems")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Deliverables, row 2 (CE-07), column Due date: enter a real date, for example 31/03/2026"
    )
    expect(page.get_by_role("button", name="Apply changes")).to_have_count(0)
    page.get_by_role("link", name="Upload a corrected spreadsheet").click()
    after_action(page, "spreadsheet-upload-again")

    wb = load_workbook(downloaded)
    ws = wb["Deliverables"]
    ws.cell(row=row_of(ws, "Reference", "CE-07"), column=column_of(ws, "Title")).value = "Chatbot for council tax"
    for header, value in [("Reference", "CE-21"), ("Title", "Digital inclusion hubs"), ("Theme number", theme.number),
                          ("Owner", officer.username), ("Due date", dt.datetime(2027, 9, 30))]:  # fmt: skip
        ws.cell(row=3, column=column_of(ws, header)).value = value
    changed = tmp_path / "changed.xlsx"
    wb.save(changed)
    page.get_by_label("Choose the spreadsheet").set_input_files(str(changed))
    page.get_by_role("button", name="Continue").click()
    after_action(page, "spreadsheet-check")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your changes")
    expect(page.get_by_text("CE-07: Title changed from “Chatbot pilot” to “Chatbot for council tax”")).to_be_visible()
    expect(page.get_by_text("CE-21 added")).to_be_visible()

    page.get_by_role("button", name="Apply changes").click()
    after_action(page, "spreadsheet-applied")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The spreadsheet was applied: 2 changes saved.")
    assert sorted(Deliverable.objects.values_list("reference", "title")) == [
        ("CE-07", "Chatbot for council tax"), ("CE-21", "Digital inclusion hubs")]  # fmt: skip
