"""The committee clerk's journey: create a progress report, generate the PDF on a real worker, download it."""

import datetime as dt
import re
import subprocess

import pytest
from playwright.sync_api import expect

from aims.models import RAG
from tests import factories
from tests.browser.helpers import after_action, sign_in_as, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def report_world(strategy, clerk, theme):
    closed = factories.PeriodFactory(
        strategy=strategy, label="April to September 2026", start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2026, 9, 30), deadline=dt.date(2026, 9, 30), status="closed",
    )  # fmt: skip
    factories.PeriodFactory(strategy=strategy)  # the open period
    aim = factories.AimFactory(strategy=strategy, number=1, title="Innovative public services")
    theme.aims.set([aim])
    red = factories.DeliverableFactory(strategy=strategy, theme=theme, reference="CE-06", title="Open data portal")
    factories.ProgressUpdateFactory(
        deliverable=red, period=closed, rag_status=RAG.RED, percent_complete=35, state="accepted",
        corrective_action="Extra developer time funded until December", achieved="Catalogue drafted.",
    )  # fmt: skip
    return {"closed": closed}


def test_clerk_creates_generates_and_downloads_the_report(page, live_server, celery_worker_real, clerk, strategy,
                                                          report_world, tmp_path):  # fmt: skip
    sign_in_as(page, clerk.username, factories.PASSWORD, "report-clerk")
    page.get_by_role("link", name="Progress reports").click()
    after_action(page, "report-list")
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress reports")
    page.get_by_role("button", name="Create a progress report").click()
    after_action(page, "report-create")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a progress report")

    # A missing answer gets the error summary, and the other answers stay.
    page.get_by_label("Committee", exact=True).fill("")
    page.get_by_role("button", name="Create report").click()
    after_action(page, "report-create-error")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the committee name")
    expect(page.get_by_label("Executive summary", exact=True)).to_contain_text("Of 1 deliverable")

    page.get_by_label("Committee", exact=True).fill("Corporate Policy Committee")
    meeting = page.get_by_role("group", name="Date of meeting")
    meeting.get_by_label("Day").fill("8")
    meeting.get_by_label("Month").fill("12")
    meeting.get_by_label("Year").fill("2026")
    page.get_by_label("Report reference number").fill("CP/12/26-27")
    page.get_by_role("button", name="Create report").click()
    after_action(page, "report-detail-new")
    expect(page.get_by_text("No PDF has been generated yet.")).to_be_visible()

    # The page's status poll (first after 2 s) reloads it once the PDF is ready, which on a slow machine can be
    # while axe is still checking it: polls are refused until the check is done (a refused poll is tried again).
    page.route("**/status/", lambda route: route.abort())
    page.get_by_role("button", name="Generate PDF").click()
    after_action(page, "report-generating")
    page.unroute("**/status/")
    # The page follows the worker by itself and shows the download when the PDF is ready.
    download_button = page.get_by_role("link", name="Download PDF")
    expect(download_button).to_be_visible(timeout=90_000)
    after_action(page, "report-ready")
    expect(page.locator("#report-status")).to_contain_text("Version 1 is ready")

    with page.expect_download() as info:
        download_button.click()
    pdf = tmp_path / "report.pdf"
    info.value.save_as(pdf)
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
                    .stdout.split())  # fmt: skip
    assert "Corporate Policy Committee" in text and "CP/12/26-27" in text
    assert "Extra developer time funded until December" in text
    assert re.search(r"Page 1 of \d+", text)
    # The Word version, beside the PDF, from the same snapshot.
    with page.expect_download() as info:
        page.get_by_role("link", name="Download Word (.docx)").click()
    word = tmp_path / "report.docx"
    info.value.save_as(word)
    from docx import Document

    headings = [p.text for p in Document(str(word)).paragraphs if p.style.name.startswith("Heading")]
    assert "1. Executive Summary" in headings and "Access to Information" in headings

    page.get_by_role("link", name="Mark version 1 as issued").click()
    after_action(page, "report-issue-confirm")
    expect(page.locator("h1")).to_have_text("Are you sure you want to mark version 1 as issued?")
    page.get_by_role("button", name="Mark version 1 as issued").click()
    after_action(page, "report-issued")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("issued to committee")
    visit(page, "/reports/", "report-index")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_drafted_text_follows_the_chosen_period_and_edited_text_is_kept(browser, live_server, strategy, clerk,
                                                                            report_world, javascript):  # fmt: skip
    context = browser.new_context(java_script_enabled=javascript, base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()

    def check(name):  # axe needs JavaScript in the page; without it, only the page's status is checked
        if javascript:
            after_action(page, name)

    if javascript:
        sign_in_as(page, clerk.username, factories.PASSWORD, "draft-clerk")
    else:
        page.goto("/sign-in/")
        page.get_by_label("Username", exact=True).fill(clerk.username)
        page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
        page.get_by_role("button", name="Sign in").click()
    response = page.goto(f"/strategies/{strategy.slug}/reports/new/")
    assert response.status == 200
    check(f"draft-create-{javascript}")
    summary = page.get_by_label("Executive summary", exact=True)
    expect(summary).to_contain_text("for April to September 2026.")
    page.get_by_label("Reporting period").select_option(label="October 2026 to March 2027")
    page.get_by_role("button", name="Update the drafted text").click()
    check(f"draft-redrafted-{javascript}")
    expect(summary).to_contain_text("for October 2026 to March 2027.")
    expect(page.get_by_label("Recommendations", exact=True)).to_contain_text("during October 2026 to March 2027")

    summary.fill("Our own summary for the committee.")
    page.get_by_label("Reporting period").select_option(label="April to September 2026")
    page.get_by_role("button", name="Update the drafted text").click()
    check(f"draft-offered-{javascript}")
    expect(summary).to_have_value("Our own summary for the committee.")
    expect(page.get_by_label("Recommendations", exact=True)).to_contain_text("during April to September 2026")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have edited the executive summary.")
    page.get_by_role("button", name="Replace my executive summary with the new draft").click()
    check(f"draft-replaced-{javascript}")
    expect(summary).to_contain_text("for April to September 2026.")
    context.close()
