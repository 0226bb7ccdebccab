"""A strategy lead sets up deliverables and reporting periods: three deliverables with milestones (owners chosen with
the accessible autocomplete, and with the plain select when JavaScript is off), withdraws one, generates the
reporting periods, changes a deadline and closes the current period early through its confirmation page. Every page
is checked at 1280 and 320 px (axe, no sideways scrolling)."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from aims.models import Deliverable, ReportingPeriod
from tests import factories
from tests.browser.helpers import WIDE, after_action, check_a11y, sign_in_as, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_deliverable(page, reference, title, start):
    page.get_by_label("Reference").fill(reference)
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Theme").select_option(label="1. Digital customers")
    page.get_by_label("Lead service").fill("Customer Services")
    start_date = page.get_by_role("group", name="Start date")
    for part, value in zip(("Day", "Month", "Year"), start, strict=True):
        start_date.get_by_label(part).fill(value)


def _add_milestones(page, reference, titles):
    for n, title in enumerate(titles):
        page.get_by_label("Milestone", exact=True).fill(title)
        due = page.get_by_role("group", name="Due date (optional)")
        for part, value in zip(("Day", "Month", "Year"), ("30", "6", "2026"), strict=True):
            due.get_by_label(part).fill(value)
        page.get_by_role("button", name="Add milestone").click()
        after_action(page, f"setup-{reference}-milestone-{n + 1}")
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"“{title}” was added")
    expect(page.locator(".govuk-summary-list")).to_contain_text(titles[-1])


def test_lead_sets_up_deliverables_and_periods(page, browser, live_server, strategy, lead, officer, other_officer):
    officer.first_name, officer.last_name = "Olive", "Officer"
    officer.save()
    other_officer.first_name, other_officer.last_name = "Patrick", "Patel"
    other_officer.save()
    factories.ThemeFactory(strategy=strategy, number=1, title="Digital customers")
    factories.PrincipleFactory(strategy=strategy, title="Digital for all")
    factories.MembershipFactory(strategy=strategy, user=factories.UserFactory(username="clerkx"), role=Role.CLERK)
    page.set_default_timeout(15000)
    sign_in_as(page, lead.username, factories.PASSWORD, "setup-lead")
    visit(page, f"/strategies/{strategy.slug}/setup/deliverables/", "setup-deliverables-empty")
    expect(page.get_by_role("heading", level=1)).to_have_text("Deliverables")

    # 1: a mistake first (no title, a half date), then the owner chosen with the autocomplete.
    page.get_by_role("button", name="Add a deliverable").click()
    after_action(page, "setup-add")
    owner = page.get_by_role("combobox", name="Owner")
    expect(owner).to_be_visible()  # the select was enhanced
    page.get_by_label("Reference").fill("DC-01")
    page.get_by_role("group", name="Start date").get_by_label("Day").fill("1")
    page.get_by_role("button", name="Add deliverable").click()
    after_action(page, "setup-add-errors")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the deliverable's title")
    expect(summary).to_contain_text("Enter the month of the start date")
    expect(summary).to_contain_text("Choose an owner")
    _fill_deliverable(page, "DC-01", "New council website", ("1", "5", "2025"))
    owner = page.get_by_role("combobox", name="Owner")
    owner.fill("Oli")
    page.get_by_role("option", name="Olive Officer").click()
    page.get_by_label("Patrick Patel").check()
    page.get_by_label("Digital for all", exact=True).check()
    page.get_by_label("How it upholds Digital for all (optional)").fill("Tested with residents")
    check_a11y(page, "setup-add-filled")
    page.get_by_role("button", name="Add deliverable").click()
    after_action(page, "setup-DC-01-milestones")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("DC-01 New council website was added")
    _add_milestones(page, "DC-01", ["Supplier chosen", "Site live"])
    page.get_by_role("button", name="Done: back to deliverables").click()
    after_action(page, "setup-deliverables-one")

    # 2: the autocomplete again, by keyboard.
    page.get_by_role("button", name="Add a deliverable").click()
    after_action(page, "setup-add-2")
    _fill_deliverable(page, "DC-02", "Online payments", ("1", "6", "2025"))
    owner = page.get_by_role("combobox", name="Owner")
    owner.fill("Pat")
    expect(page.get_by_role("option", name="Patrick Patel")).to_be_visible()
    owner.press("ArrowDown")
    owner.press("Enter")
    page.get_by_role("button", name="Add deliverable").click()
    after_action(page, "setup-DC-02-milestones")
    _add_milestones(page, "DC-02", ["Payments provider live"])

    # 3: without JavaScript (and with the real Content-Security-Policy): the owner is a plain select.
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, viewport=WIDE)
    context.add_cookies(page.context.cookies())
    plain = context.new_page()
    plain.goto(f"/strategies/{strategy.slug}/setup/deliverables/add/")
    expect(plain.get_by_role("combobox", name="Owner")).to_have_js_property("tagName", "SELECT")
    _fill_deliverable(plain, "DC-03", "Digital inclusion hubs", ("1", "9", "2025"))
    plain.get_by_label("Owner").select_option(label="Olive Officer")
    plain.get_by_role("button", name="Add deliverable").click()
    expect(plain.locator(".govuk-notification-banner")).to_contain_text("DC-03 Digital inclusion hubs was added")
    plain.get_by_label("Milestone", exact=True).fill("First hub open")
    plain.get_by_role("button", name="Add milestone").click()
    expect(plain.locator(".govuk-summary-list")).to_contain_text("First hub open")
    context.close()

    # The autocomplete under the site's real Content-Security-Policy (the checked pages bypass it for axe).
    context = browser.new_context(base_url=live_server.url, viewport=WIDE)
    context.add_cookies(page.context.cookies())
    strict = context.new_page()
    blocked = []
    strict.on(
        "console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None
    )
    strict.goto(f"/strategies/{strategy.slug}/setup/deliverables/add/")
    expect(strict.locator("input.autocomplete__input#id_owner")).to_be_visible()
    assert blocked == []
    context.close()

    visit(page, f"/strategies/{strategy.slug}/setup/deliverables/", "setup-deliverables-three")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    assert {d.reference: d.owner for d in Deliverable.objects.all()} == {
        "DC-01": officer, "DC-02": other_officer, "DC-03": officer,
    }  # fmt: skip
    assert [m.title for m in Deliverable.objects.get(reference="DC-01").milestones.all()] == [
        "Supplier chosen", "Site live",
    ]  # fmt: skip

    # Withdraw one, through its confirmation page.
    page.get_by_role("link", name="Withdraw DC-02").click()
    after_action(page, "setup-withdraw")
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you sure you want to withdraw this deliverable?")
    page.get_by_role("button", name="Withdraw DC-02").click()
    after_action(page, "setup-withdrawn")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("DC-02 Online payments was withdrawn")
    expect(page.get_by_role("row", name="DC-02")).to_contain_text("Withdrawn")
    assert not Deliverable.objects.get(reference="DC-02").is_active

    # Reporting periods: generate, change a deadline, close the current one early.
    visit(page, f"/strategies/{strategy.slug}/setup/periods/", "setup-periods-empty")
    page.get_by_role("button", name="Generate reporting periods").click()
    after_action(page, "setup-periods")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("6 reporting periods were added")
    current = ReportingPeriod.objects.get(strategy=strategy, status="open")
    page.get_by_role("link", name=f"Change {current.label}").click()
    after_action(page, "setup-period-change")
    deadline = page.get_by_role("group", name="Update deadline")
    deadline.get_by_label("Year").fill("2031")
    page.get_by_role("button", name="Save changes").click()
    after_action(page, "setup-period-change-error")
    expect(page.locator(".govuk-error-summary")).to_contain_text("The update deadline must be no later than")
    deadline = page.get_by_role("group", name="Update deadline")
    end = current.end_date
    for part, value in zip(("Day", "Month", "Year"), ("14", str(end.month), str(end.year)), strict=True):
        deadline.get_by_label(part).fill(value)
    page.get_by_role("button", name="Save changes").click()
    after_action(page, "setup-period-changed")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"{current.label} was changed")

    page.get_by_role("button", name="Close the current period early").click()
    after_action(page, "setup-period-close")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Are you sure you want to close {current.label} early?")
    page.get_by_role("button", name=f"Close {current.label}").click()
    after_action(page, "setup-period-closed")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"{current.label} is closed")
    current.refresh_from_db()
    assert current.status == "closed" and current.deadline.day == 14
    expect(page.get_by_role("button", name="Open the next period")).to_be_visible()
