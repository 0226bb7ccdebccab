"""A strategy lead sets up a new strategy: "Set up a new strategy" with GOV.UK date inputs (and its errors),
"Check your answers", the confirmation, the task list; then two aims, two principles and a theme serving both aims,
moving one up and removing one. Every page is checked at 1280 and at 320 px (axe, no sideways scrolling)."""

import pytest
from playwright.sync_api import expect

from aims.models import Aim, Strategy
from principles.models import Principle
from tests import factories
from tests.browser.helpers import after_action, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Digital Strategy 2026 to 2029"


def _date(page, legend, day, month, year):
    group = page.get_by_role("group", name=legend, exact=False)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def _click(page, role, name, shot):
    page.get_by_role(role, name=name, exact=True).first.click()
    after_action(page, shot)


def _create_strategy(page):
    _click(page, "button", "Set up a new strategy", "setup-new")
    page.get_by_label("Title", exact=True).fill(TITLE)
    _date(page, "Start date", "1", "4", "2026")
    _date(page, "End date", "31", "2", "2029")  # not a real date
    _click(page, "button", "Continue", "setup-new-errors")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("End date must be a real date")
    expect(summary).to_contain_text("Select how often progress is reported")
    _date(page, "End date", "31", "3", "2029")
    page.get_by_label("Quarterly").check()
    page.get_by_label("Word for one aim").fill("Ambition")
    page.get_by_label("Word for several aims").fill("Ambitions")
    page.get_by_label("Vision", exact=True).fill("Residents choose digital because it is better.")
    _click(page, "button", "Continue", "setup-check")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before creating the strategy")
    expect(page.locator(".govuk-summary-list")).to_contain_text("31 March 2029")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Ambitions")
    _click(page, "button", "Create strategy", "setup-created")
    expect(page.locator(".govuk-panel")).to_contain_text("Strategy created")
    _click(page, "button", f"Set up {TITLE}", "setup-task-list")


def _add(page, button, title, shot, **extra):
    _click(page, "button", button, f"{shot}-form")
    page.get_by_label("Title", exact=True).fill(title)
    for label in extra.get("check", []):
        page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name=button, exact=True).click()
    after_action(page, shot)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"“{title}”, was added")


def test_lead_sets_up_a_new_strategy_with_aims_principles_and_a_theme(page, live_server, strategy, lead):
    sign_in_as(page, lead.username, factories.PASSWORD, "setup-home")
    _create_strategy(page)
    created = Strategy.objects.get(title=TITLE)
    tasks = page.locator(".govuk-task-list")
    expect(tasks).to_contain_text("Deliverables")
    assert created.periods.count() == 12

    _click(page, "link", "Ambitions", "setup-aims-empty")
    _add(page, "Add an ambition", "Digital residents", "setup-aims-1")
    _add(page, "Add an ambition", "Digital place", "setup-aims-2")
    _click(page, "button", "Move up Digital place", "setup-aims-moved")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("it is now ambition 1")
    assert list(Aim.objects.filter(strategy=created).values_list("title", flat=True)) == [
        "Digital place",
        "Digital residents",
    ]

    _click(page, "link", "Go back to the task list", "setup-task-list-2")
    _click(page, "link", "Principles", "setup-principles-empty")
    _add(page, "Add a principle", "Digital for all", "setup-principles-1")
    _add(page, "Add a principle", "Green digital", "setup-principles-2")
    _click(page, "link", "Remove Digital for all", "setup-principle-remove")
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you sure you want to remove “Digital for all”?")
    _click(page, "button", "Remove principle", "setup-principle-removed")
    assert list(Principle.objects.filter(strategy=created).values_list("number", "title")) == [(1, "Green digital")]

    _click(page, "link", "Go back to the task list", "setup-task-list-3")
    _click(page, "link", "Themes", "setup-themes-empty")
    _add(page, "Add a theme", "Digital inclusion", "setup-themes-1",
         check=["1. Digital place", "2. Digital residents"])  # fmt: skip
    region = page.get_by_role("region", name=f"Themes of {TITLE}")
    expect(region).to_contain_text("1. Digital place")
    expect(region).to_contain_text("2. Digital residents")

    _click(page, "link", "Go back to the task list", "setup-task-list-done")
    for name in ("Ambitions", "Principles", "Themes"):
        expect(page.locator(".govuk-task-list__item", has_text=name)).to_contain_text("Completed")
    expect(page.locator(".govuk-task-list__item", has_text="People and roles")).to_contain_text("Not started")

    _click(page, "link", "Strategy details", "setup-details")
    _click(page, "link", "Change summary", "setup-details-change")
    page.get_by_label("Summary", exact=True).fill("How the council will be digital by 2029.")
    _click(page, "button", "Save changes", "setup-details-saved")
    expect(page.locator(".govuk-summary-list")).to_contain_text("How the council will be digital by 2029.")
