"""An officer records progress and a board member reviews it, in headless Chromium with axe-core on every page."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from aims.models import RAG, Evidence, ProgressUpdate
from tests.browser.helpers import after_action, sign_in_as, sign_out, visit
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMENT = "Say which services the new platform already covers."


def minimal_pdf() -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return body


def small_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "#1d70b8").save(buffer, format="PNG")
    return buffer.getvalue()


EVIDENCE_FILES = [
    {"name": "progress-report.pdf", "mimeType": "application/pdf", "buffer": minimal_pdf()},
    {"name": "new-homepage.png", "mimeType": "image/png", "buffer": small_png()},
]


def deliverable_link_name(deliverable):
    return f"{deliverable.reference} {deliverable.title}"


def banner(page):
    return page.locator(".govuk-notification-banner--success")


def error_summary(page):
    return page.locator(".govuk-error-summary")


def open_record_progress(page, deliverable, name):
    """From the officer's home page: the deliverable, then "Record progress"."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Your deliverables")
    page.get_by_role("link", name=deliverable_link_name(deliverable)).click()
    after_action(page, f"{name}-deliverable")
    expect(page.get_by_role("heading", level=1)).to_have_text(deliverable.title)
    page.get_by_role("button", name="Record progress").click()
    after_action(page, f"{name}-form")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Record progress for "))


def open_update_to_review(page, deliverable, name):
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Updates to review").click()
    after_action(page, f"{name}-review-list")
    expect(page.get_by_role("heading", level=1)).to_have_text("Updates to review")
    page.get_by_role("link", name=deliverable_link_name(deliverable)).click()
    after_action(page, f"{name}-review-update")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^{re.escape(deliverable.title)}: "))


def test_officer_records_progress_and_the_board_returns_then_accepts_it(
    page, live_server, officer, board_member, deliverable, open_period
):
    # The officer records progress, with evidence, and saves a draft.
    sign_in_as(page, officer.username, PASSWORD, "journey-officer-home")
    open_record_progress(page, deliverable, "journey-officer")

    page.get_by_label("Green", exact=True).check()
    page.get_by_label("Percent complete", exact=True).fill("60")
    page.get_by_label("What has been achieved", exact=True).fill("The new web platform went live for 3 services.")
    page.get_by_label("What happens next", exact=True).fill("Move council tax online by June.")
    page.get_by_label("Upload evidence", exact=True).set_input_files(EVIDENCE_FILES)
    page.get_by_label("Link 1 title", exact=True).fill("Service assessment report")
    page.get_by_label("Link 1 address", exact=True).fill("https://www.example.gov.uk/assessment")
    page.get_by_label("Figure 1 name", exact=True).fill("Share of forms online")
    page.get_by_label("Figure 1 value", exact=True).fill("12.5")
    page.get_by_label("Figure 1 unit", exact=True).fill("%")
    page.get_by_role("button", name="Save as draft").click()
    after_action(page, "journey-officer-draft-saved")

    expect(banner(page)).to_contain_text(f"Your {open_period.label} update was saved as a draft.")
    expect(page.get_by_label("Green", exact=True)).to_be_checked()
    expect(page.get_by_label("Percent complete", exact=True)).to_have_value("60")
    expect(page.get_by_label("What has been achieved", exact=True)).to_have_value(
        "The new web platform went live for 3 services."
    )
    expect(page.get_by_label("What happens next", exact=True)).to_have_value("Move council tax online by June.")
    attached = page.locator(".app-evidence-list")
    expect(attached.get_by_role("link", name="progress-report.pdf")).to_be_visible()
    expect(attached.get_by_role("link", name="new-homepage.png")).to_be_visible()
    expect(attached.get_by_role("link", name="Service assessment report")).to_have_attribute(
        "href", "https://www.example.gov.uk/assessment"
    )
    expect(attached).to_contain_text("Share of forms online: 12.5%")

    # ... and submits it for review, after checking the answers.
    page.get_by_role("button", name="Continue").click()
    after_action(page, "journey-officer-check-answers")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before submitting")
    page.get_by_role("button", name="Submit for review").click()
    after_action(page, "journey-officer-submitted")
    expect(page.get_by_role("heading", level=1)).to_have_text(deliverable.title)
    expect(banner(page)).to_contain_text(f"Your {open_period.label} update was submitted for review.")
    expect(page.locator(".govuk-inset-text")).to_contain_text(
        f"The {open_period.label} update was submitted for review"
    )
    expect(page.get_by_role("button", name="Record progress")).to_have_count(0)
    evidence = page.locator(".app-timeline__item .app-evidence-list")
    expect(evidence.get_by_role("link", name="progress-report.pdf")).to_be_visible()
    expect(evidence.get_by_role("link", name="new-homepage.png")).to_be_visible()
    sign_out(page, "journey-officer-signed-out")

    # A board member returns it: first without a comment, which the form refuses.
    sign_in_as(page, board_member.username, PASSWORD, "journey-board-home")
    open_update_to_review(page, deliverable, "journey-board")
    expect(page.locator(".govuk-summary-list")).to_contain_text("The new web platform went live for 3 services.")
    page.get_by_role("button", name="Return to officer").click()
    after_action(page, "journey-board-return-error")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(error_summary(page).get_by_role("heading", name="There is a problem")).to_be_visible()
    summary_link = error_summary(page).get_by_role(
        "link", name="Enter a comment saying what the officer needs to change"
    )
    expect(summary_link).to_have_attribute("href", "#id_comment")
    summary_link.click()
    comment = page.get_by_label("Comment for the officer")
    expect(comment).to_be_focused()
    comment.fill(COMMENT)
    page.get_by_role("button", name="Return to officer").click()
    after_action(page, "journey-board-returned")
    expect(banner(page)).to_contain_text(f"The update for {deliverable.reference} was returned to the officer.")
    expect(page.get_by_role("link", name=deliverable_link_name(deliverable))).to_have_count(0)
    sign_out(page, "journey-board-signed-out")

    # The officer sees the comment, corrects the update and submits it again.
    sign_in_as(page, officer.username, PASSWORD, "journey-officer-home-returned")
    expect(page.get_by_role("main")).to_contain_text(COMMENT)
    expect(page.get_by_role("main").locator(".govuk-tag")).to_have_text("Returned")
    page.get_by_role("link", name=deliverable_link_name(deliverable)).click()
    after_action(page, "journey-officer-deliverable-returned")
    returned = page.get_by_role("region", name="Returned to you")
    expect(returned).to_contain_text(COMMENT)
    page.get_by_role("button", name="Record progress").click()
    after_action(page, "journey-officer-form-returned")
    expect(page.locator(".govuk-inset-text")).to_contain_text(COMMENT)
    expect(page.get_by_label("Percent complete", exact=True)).to_have_value("60")
    page.get_by_label("Percent complete", exact=True).fill("55")
    page.get_by_label("What has been achieved", exact=True).fill(
        "The new web platform went live for 3 services: waste, parking and libraries."
    )
    page.get_by_role("button", name="Continue").click()
    after_action(page, "journey-officer-check-answers-again")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("55%")
    page.get_by_role("button", name="Submit for review").click()
    after_action(page, "journey-officer-resubmitted")
    expect(banner(page)).to_contain_text(f"Your {open_period.label} update was submitted for review.")
    expect(page.locator(".govuk-inset-text")).to_contain_text(
        f"The {open_period.label} update was submitted for review"
    )
    sign_out(page, "journey-officer-signed-out-again")

    # The board member accepts it, and it leaves the list of updates to review.
    sign_in_as(page, board_member.username, PASSWORD, "journey-board-home-again")
    open_update_to_review(page, deliverable, "journey-board-again")
    expect(page.locator(".govuk-summary-list")).to_contain_text("55%")
    expect(page.locator(".govuk-summary-list")).to_contain_text("waste, parking and libraries")
    page.get_by_role("button", name="Accept").click()
    after_action(page, "journey-board-accepted")
    expect(banner(page)).to_contain_text(f"The update for {deliverable.reference} was accepted.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Updates to review")
    expect(page.get_by_role("link", name=deliverable_link_name(deliverable))).to_have_count(0)
    expect(page.get_by_text("There are no updates waiting for review.")).to_be_visible()

    update = ProgressUpdate.objects.get()
    assert (update.state, update.rag_status, update.percent_complete) == (ProgressUpdate.State.ACCEPTED, RAG.GREEN, 55)
    assert sorted(update.evidence.filter(kind=Evidence.Kind.FILE).values_list("original_name", flat=True)) == [
        "new-homepage.png",
        "progress-report.pdf",
    ]


def tab_to(page, target, limit=80, backwards=False):
    """Press Tab (or Shift+Tab) until `target` has the focus; fail if it never does."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} never got the focus after {limit} presses of {key}")


def test_progress_form_can_be_completed_with_the_keyboard_alone(page, live_server, officer, deliverable, open_period):
    sign_in_as(page, officer.username, PASSWORD, "keyboard-officer-home")
    visit(page, f"/deliverables/{deliverable.pk}/progress/{open_period.pk}/", "keyboard-form")

    # No status is chosen yet, so Tab stops on the first radio; the arrow keys move the choice down the list.
    tab_to(page, page.get_by_label("Red", exact=True))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Green", exact=True)).to_be_focused()
    expect(page.get_by_label("Green", exact=True)).to_be_checked()

    page.keyboard.press("Tab")
    expect(page.get_by_label("Percent complete", exact=True)).to_be_focused()
    page.keyboard.type("35")
    page.keyboard.press("Tab")
    expect(page.get_by_label("What has been achieved", exact=True)).to_be_focused()
    page.keyboard.type("Typed without a mouse.")

    save = page.get_by_role("button", name="Save as draft")
    tab_to(page, save)
    # Tab goes on to "Continue"; Shift+Tab returns to "Save as draft".
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Continue")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(save).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    after_action(page, "keyboard-draft-saved")

    expect(banner(page)).to_contain_text(f"Your {open_period.label} update was saved as a draft.")
    update = ProgressUpdate.objects.get()
    assert (update.state, update.rag_status, update.percent_complete, update.achieved) == (
        ProgressUpdate.State.DRAFT,
        RAG.GREEN,
        35,
        "Typed without a mouse.",
    )


def test_red_status_without_corrective_action_keeps_the_answers(page, live_server, officer, deliverable, open_period):
    sign_in_as(page, officer.username, PASSWORD, "red-officer-home")
    open_record_progress(page, deliverable, "red-officer")

    page.get_by_label("Red", exact=True).check()
    page.get_by_label("Percent complete", exact=True).fill("20")
    page.get_by_label("What has been achieved", exact=True).fill("The supplier went into administration.")
    page.get_by_label("What happens next", exact=True).fill("Find a new supplier.")
    page.get_by_label("Risks and issues", exact=True).fill("A gap in service over the summer.")
    page.get_by_role("button", name="Continue").click()
    after_action(page, "red-error")

    expect(page).to_have_title(re.compile(r"^Error: Record progress"))
    expect(error_summary(page).get_by_role("heading", name="There is a problem")).to_be_visible()
    summary_link = error_summary(page).get_by_role(
        "link", name="Enter the corrective action: it is required when the status is Red"
    )
    expect(summary_link).to_have_attribute("href", "#id_corrective_action")
    # The message is shown by the field and read out with it.
    expect(page.get_by_label("Corrective action", exact=True)).to_have_accessible_description(
        re.compile("Enter the corrective action: it is required when the status is Red")
    )
    expect(page.get_by_label("Red", exact=True)).to_be_checked()
    expect(page.get_by_label("Percent complete", exact=True)).to_have_value("20")
    expect(page.get_by_label("What has been achieved", exact=True)).to_have_value(
        "The supplier went into administration."
    )
    expect(page.get_by_label("What happens next", exact=True)).to_have_value("Find a new supplier.")
    expect(page.get_by_label("Risks and issues", exact=True)).to_have_value("A gap in service over the summer.")
    summary_link.click()
    expect(page.get_by_label("Corrective action", exact=True)).to_be_focused()
    assert not ProgressUpdate.objects.exists()


def test_a_whole_number_figure_reads_as_typed(page, live_server, officer, deliverable, open_period):
    sign_in_as(page, officer.username, PASSWORD, "figure-officer-home")
    open_record_progress(page, deliverable, "figure-officer")
    page.get_by_label("Green", exact=True).check()
    page.get_by_label("Percent complete", exact=True).fill("40")
    page.get_by_label("Figure 1 name", exact=True).fill("Residents using the new service")
    page.get_by_label("Figure 1 value", exact=True).fill("1250")
    page.get_by_label("Figure 1 unit", exact=True).fill("residents")
    page.get_by_role("button", name="Save as draft").click()
    after_action(page, "figure-draft-saved")

    expect(page.locator(".app-evidence-list")).to_contain_text("Residents using the new service: 1,250 residents")


def test_a_half_filled_link_or_figure_row_is_shown_by_its_field(page, live_server, officer, deliverable, open_period):
    """The rows of links and figures are formsets: their messages reach the summary, and its links their fields."""
    sign_in_as(page, officer.username, PASSWORD, "rows-officer-home")
    open_record_progress(page, deliverable, "rows-officer")
    page.get_by_label("Green", exact=True).check()
    page.get_by_label("Percent complete", exact=True).fill("40")
    page.get_by_label("Link 2 title", exact=True).fill("Committee minutes")
    page.get_by_label("Figure 2 value", exact=True).fill("12")
    page.get_by_role("button", name="Save as draft").click()
    after_action(page, "rows-error")

    expect(page).to_have_title(re.compile(r"^Error: Record progress"))
    expect(page.get_by_label("Link 2 address", exact=True)).to_have_accessible_description(
        re.compile("Enter the address for link 2")
    )
    error_summary(page).get_by_role("link", name="Enter the address for link 2").click()
    expect(page.get_by_label("Link 2 address", exact=True)).to_be_focused()
    error_summary(page).get_by_role("link", name="Enter what figure 2 measures").click()
    expect(page.get_by_label("Figure 2 name", exact=True)).to_be_focused()
    expect(page.get_by_label("Link 2 title", exact=True)).to_have_value("Committee minutes")
    expect(page.get_by_label("Figure 2 value", exact=True)).to_have_value("12")
    assert not ProgressUpdate.objects.exists()


def test_upload_evidence_input_has_the_govuk_style(page, live_server, officer, deliverable, open_period):
    sign_in_as(page, officer.username, PASSWORD, "upload-style-officer-home")
    visit(page, f"/deliverables/{deliverable.pk}/progress/{open_period.pk}/", "upload-style-form")

    upload = page.get_by_label("Upload evidence", exact=True)
    expect(upload).to_have_class(re.compile(r"\bgovuk-file-upload\b"))
    # Without the class the browser's own 13px control appears among 19px GOV.UK text.
    label_size = page.locator("label[for='id_evidence_files']").evaluate("label => getComputedStyle(label).fontSize")
    assert upload.evaluate("input => getComputedStyle(input).fontSize") == label_size
