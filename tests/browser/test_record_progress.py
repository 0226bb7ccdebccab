"""Record progress as an officer would: Enter in a field saves a draft and never submits; submitting goes through
"Check your answers before submitting"; a file kept after a mistake stays with its update; milestones ask when
they were achieved. At 1280 and 320 CSS px, with axe-core on every page."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from aims.models import Evidence, ProgressUpdate
from tests import factories
from tests.browser.helpers import after_action, sign_in_as, visit
from tests.browser.test_progress_journey import EVIDENCE_FILES, banner, error_summary
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page):
    """The page does not scroll sideways (WCAG 1.4.10 at 320 CSS px)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{page.url} is {width}px wide in a {viewport}px window"


@pytest.mark.parametrize("width", [1280, 320])
def test_enter_saves_a_draft_and_submitting_goes_through_check_answers(
    page, live_server, officer, deliverable, open_period, width
):
    page.set_viewport_size({"width": width, "height": 900})
    done = factories.MilestoneFactory(
        deliverable=deliverable, title="Supplier chosen", completed_on=dt.date(2025, 9, 1)
    )
    earlier = factories.PeriodFactory(
        strategy=deliverable.strategy, label="April to September 2026", start_date="2026-04-01",
        end_date="2026-09-30", deadline="2026-09-30", status="closed",
    )  # fmt: skip
    factories.ProgressUpdateFactory(deliverable=deliverable, period=earlier, state="accepted").milestones_completed.add(
        done
    )
    factories.MilestoneFactory(deliverable=deliverable, title="Beta live")
    sign_in_as(page, officer.username, PASSWORD, f"record-{width}-home")
    form_url = f"/deliverables/{deliverable.pk}/progress/{open_period.pk}/"
    visit(page, form_url, f"record-{width}-form")
    fits(page)
    expect(page.locator("#milestones-completed-earlier")).to_contain_text("Supplier chosen: achieved 1 September 2025")
    expect(page.get_by_label("Supplier chosen")).to_have_count(0)

    page.get_by_label("Green", exact=True).check()
    page.get_by_label("Beta live").check()
    today = dt.date.today()
    expect(page.get_by_label("Day")).to_have_value(str(today.day))  # revealed by the tick, today's date
    page.get_by_label("Upload evidence", exact=True).set_input_files(EVIDENCE_FILES[:1])
    percent = page.get_by_label("Percent complete", exact=True)
    percent.fill("150")  # a mistake first: the chosen file is kept
    with page.expect_navigation():
        percent.press("Enter")
    after_action(page, f"record-{width}-error")
    fits(page)
    expect(error_summary(page)).to_contain_text("Percent complete must be 100 or less")
    expect(page.get_by_role("group", name="Files you have added")).to_contain_text("progress-report.pdf")

    percent.fill("70")
    link_title = page.get_by_label("Link 1 title", exact=True)
    link_title.fill("Beta assessment")
    page.get_by_label("Link 1 address", exact=True).fill("https://www.example.gov.uk/beta")
    with page.expect_navigation():
        link_title.press("Enter")  # Enter in a text field: a draft, never a submission
    after_action(page, f"record-{width}-draft-saved")
    expect(banner(page)).to_contain_text(f"Your {open_period.label} update was saved as a draft.")
    update = ProgressUpdate.objects.get(period=open_period)
    assert (update.state, update.percent_complete) == ("draft", 70)
    assert sorted(update.evidence.values_list("kind", flat=True)) == ["file", "link"]
    assert deliverable.milestones.get(title="Beta live").completed_on == today

    page.get_by_label("What has been achieved", exact=True).fill("Beta opened to 500 residents.")
    page.get_by_role("button", name="Continue").click()
    after_action(page, f"record-{width}-check-answers")
    fits(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before submitting")
    answers = page.locator(".govuk-summary-list").first
    expect(answers).to_contain_text("Beta opened to 500 residents.")
    expect(answers).to_contain_text(f"Beta live: achieved {today.day} {today:%B %Y}")
    change = page.get_by_role("link", name="Change what has been achieved")
    expect(change).to_have_attribute("href", re.compile(r"#id_achieved$"))
    assert ProgressUpdate.objects.get(period=open_period).state == "draft"

    change.click()
    after_action(page, f"record-{width}-change")
    expect(page.get_by_label("What has been achieved", exact=True)).to_have_value("Beta opened to 500 residents.")
    page.get_by_role("button", name="Continue").click()
    after_action(page, f"record-{width}-check-answers-again")
    page.get_by_role("button", name="Submit for review").click()
    after_action(page, f"record-{width}-submitted")
    expect(banner(page)).to_contain_text(f"Your {open_period.label} update was submitted for review.")
    update.refresh_from_db()
    assert update.state == "submitted" and update.achieved == "Beta opened to 500 residents."
    assert Evidence.objects.filter(update=update, kind="file").get().original_name == "progress-report.pdf"
