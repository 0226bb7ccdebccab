"""A strategy lead (the programme office) downloads the progress sheet, fills it in, uploads it, corrects a problem,
checks the changes and creates the owners' draft updates; the owner sees who entered their draft. Every page at
1280 and 320 px with axe (the helpers)."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from aims.models import ProgressUpdate
from tests import factories
from tests.aims.test_progress_sheets import fill
from tests.browser.helpers import after_action, sign_in_as, sign_out, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_enters_progress_for_owners_from_the_progress_sheet(page, live_server, lead, officer, strategy,
                                                                 open_period, theme, tmp_path):  # fmt: skip
    page.set_default_timeout(15000)
    website = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, reference="CE-01",
                                           title="New website")  # fmt: skip
    factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, reference="CE-02", title="Chatbot")
    sign_in_as(page, lead.username, factories.PASSWORD, "bulk-lead")
    visit(page, f"{live_server.url}/strategies/{strategy.slug}/", "bulk-strategy")
    page.get_by_role("link", name="Upload the progress sheet").click()
    after_action(page, "bulk-upload")
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload the progress sheet")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the progress sheet").click()
    downloaded = tmp_path / "progress.xlsx"
    download_info.value.save_as(downloaded)

    wb = load_workbook(downloaded)
    fill(wb["Progress"], "CE-01", rag="Red", percent=20, achieved="Supplier failed to deliver")
    with_problem = tmp_path / "with-problem.xlsx"
    wb.save(with_problem)
    page.get_by_label("Choose the progress sheet").set_input_files(str(with_problem))
    page.get_by_role("button", name="Continue").click()
    after_action(page, "bulk-check-problems")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Progress, row 2 (CE-01), column Corrective action: Enter the corrective action"
    )
    expect(page.get_by_role("button", name="Create draft updates")).to_have_count(0)
    page.get_by_role("link", name="Upload a corrected progress sheet").click()
    after_action(page, "bulk-upload-again")

    fill(wb["Progress"], "CE-01", action="New supplier appointed; recovery plan to the board")
    corrected = tmp_path / "corrected.xlsx"
    wb.save(corrected)
    page.get_by_label("Choose the progress sheet").set_input_files(str(corrected))
    page.get_by_role("button", name="Continue").click()
    after_action(page, "bulk-check")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your changes")
    expect(page.get_by_text("RAG status changed from blank to Red")).to_be_visible()
    page.get_by_role("button", name="Create draft updates").click()
    after_action(page, "bulk-created")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 draft update created or changed")
    update = ProgressUpdate.objects.get(deliverable=website)
    assert (update.state, update.author, update.entered_by) == ("draft", officer, lead)
    sign_out(page, "bulk-lead-signed-out")

    sign_in_as(page, officer.username, factories.PASSWORD, "bulk-officer-home")
    visit(page, f"{live_server.url}/deliverables/{website.pk}/", "bulk-officer-deliverable")
    expect(page.locator(".govuk-summary-list__value", has_text=f"Draft – entered by {lead} on behalf of {officer}")
           ).to_be_visible()  # fmt: skip
    expect(page.get_by_role("region", name="Who changed what, and when (newest first)")).to_contain_text(
        f"(Entered by {lead} on behalf of {officer})"
    )
