"""A board member reads the dashboard, drills down, filters and downloads the CSV, with axe-core on every page."""

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from aims.models import ProgressUpdate, ReportingPeriod
from tests import factories
from tests.browser.helpers import after_action, sign_in_as
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CORRECTIVE = "Bring in a second supplier by January."
HEADINGS = ["Summary", "By aim", "By theme", "Trend", "Exceptions", "Chase list", "Principle coverage", "Deliverables"]


@pytest.fixture
def portfolio(strategy, open_period, officer, other_officer):
    """Two aims, two themes, four deliverables (red, amber, green, no update) and a principle nothing upholds."""
    earlier = factories.PeriodFactory(
        strategy=strategy,
        label="April to September 2026",
        start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2026, 9, 30),
        deadline=dt.date(2026, 9, 30),
        status=ReportingPeriod.Status.CLOSED,
    )
    services_aim = factories.AimFactory(strategy=strategy, number=1, title="Services residents prefer")
    workforce_aim = factories.AimFactory(strategy=strategy, number=2, title="A connected workforce")
    online = factories.ThemeFactory(strategy=strategy, number=1, title="Online services")
    online.aims.set([services_aim])
    infrastructure = factories.ThemeFactory(strategy=strategy, number=2, title="Infrastructure")
    infrastructure.aims.set([workforce_aim])

    def deliverable(reference, title, theme, owner):
        return factories.DeliverableFactory(
            strategy=strategy, theme=theme, owner=owner, reference=reference, title=title
        )

    council_tax = deliverable("DS-01", "Move council tax online", online, officer)
    web = deliverable("DS-02", "New web platform", online, other_officer)
    telephony = deliverable("DS-03", "Replace the telephony", infrastructure, officer)
    laptops = deliverable("DS-04", "Laptop refresh", infrastructure, other_officer)

    def update(deliverable, period, state, rag, percent, **extra):
        factories.ProgressUpdateFactory(
            deliverable=deliverable, period=period, state=state, rag_status=rag, percent_complete=percent, **extra
        )

    accepted, submitted = ProgressUpdate.State.ACCEPTED, ProgressUpdate.State.SUBMITTED
    update(council_tax, earlier, accepted, "amber", 30)
    update(council_tax, open_period, submitted, "red", 35, corrective_action=CORRECTIVE)
    update(web, earlier, accepted, "green", 40)
    update(web, open_period, submitted, "amber", 50)
    update(telephony, open_period, accepted, "green", 70)
    update(laptops, open_period, ProgressUpdate.State.DRAFT, "green", 10)

    design = factories.PrincipleFactory(strategy=strategy, number=1, title="Design with users")
    factories.PrincipleFactory(strategy=strategy, number=2, title="Open by default")
    factories.DeliverablePrincipleFactory(deliverable=web, principle=design)
    return {"red": council_tax, "amber": web, "green": telephony, "no_update": laptops, "theme": infrastructure}


def deliverables_table(page):
    """The dashboard's table of deliverables, named by its caption ("4 deliverables", "1 deliverable (…)")."""
    return page.get_by_role("table", name=re.compile(r"^\d+ deliverables?\b"))


def references_in(table):
    return table.locator("tbody tr td:first-child").all_inner_texts()


def test_board_member_reads_filters_and_downloads_the_dashboard(page, live_server, strategy, board_member, portfolio):
    period = strategy.periods.get(status=ReportingPeriod.Status.OPEN)
    sign_in_as(page, board_member.username, PASSWORD, "dashboard-board-home")

    # With one strategy, "Dashboard" goes straight to its dashboard.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Dashboard").click()
    after_action(page, "dashboard")
    expect(page).to_have_url(re.compile(rf"/strategies/{strategy.slug}/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Dashboard: {period.label}")
    for heading in HEADINGS:
        expect(page.get_by_role("heading", level=2, name=heading, exact=True)).to_be_visible()

    # By default only accepted updates count, as in the committee report: the two submitted ones await review.
    expect(page.locator("#counted-updates")).to_contain_text(
        "These figures count only updates accepted by the Digital Board. 2 updates submitted but not yet reviewed"
    )
    expect(page.get_by_role("link", name="Updates to review").first).to_be_visible()
    expect(page.get_by_role("link", name="2 Awaiting review: show these deliverables")).to_be_visible()
    expect(page.get_by_role("table", name="Red and amber deliverables (2)")).to_have_count(0)
    page.get_by_label("Include updates not yet reviewed").check()
    page.get_by_role("button", name="Show period").click()
    after_action(page, "dashboard-including-not-reviewed")
    expect(page.get_by_label("Include updates not yet reviewed")).to_be_checked()

    # Three charts, each an image named by its own <title>.
    charts = page.locator("svg[role='img']")
    expect(charts).to_have_count(3)
    expect(charts.locator("> title")).to_have_text(
        [
            f"Deliverables by RAG status, {period.label}",
            f"Percent complete by aim, {period.label}",
            "RAG status across reporting periods",
        ]
    )
    for i in range(3):
        expect(charts.nth(i)).to_be_visible()
        expect(charts.nth(i)).to_have_accessible_name(re.compile(r"^(Deliverables by|Percent complete by|RAG status)"))

    exceptions = page.get_by_role("table", name="Red and amber deliverables (2)")
    expect(exceptions).to_contain_text(CORRECTIVE)
    expect(exceptions.get_by_role("link", name="DS-01 Move council tax online")).to_be_visible()
    expect(exceptions.get_by_role("link", name="DS-02 New web platform")).to_be_visible()
    chase = page.get_by_role("table", name="Deliverables waiting for an update, by owner")
    expect(chase.locator("tbody tr")).to_have_count(1)
    expect(chase.locator("tbody tr")).to_contain_text("DS-04 Laptop refresh")
    expect(chase.locator("tbody tr")).to_contain_text("Draft")
    expect(page.locator(".govuk-warning-text")).to_contain_text("No active deliverable upholds: Open by default.")
    expect(deliverables_table(page)).to_have_accessible_name("4 deliverables")

    # Drill down from the count of red deliverables.
    page.get_by_role("link", name="1 Red: show these deliverables").click()
    after_action(page, "dashboard-red")
    table = deliverables_table(page)
    expect(table).to_have_accessible_name("1 deliverable (RAG status: Red)")
    assert references_in(table) == ["DS-01"]
    expect(table.locator("tbody tr td:nth-child(5)")).to_have_text([re.compile(r"^Red\s*Not yet reviewed$")])

    # Filter with the form.
    page.get_by_role("link", name="Clear filters").click()
    after_action(page, "dashboard-cleared")
    expect(deliverables_table(page)).to_have_accessible_name("4 deliverables")
    page.get_by_label("Theme", exact=True).select_option(label="2. Infrastructure")
    page.get_by_role("button", name="Apply filters").click()
    after_action(page, "dashboard-filtered")
    table = deliverables_table(page)
    expect(table).to_have_accessible_name("2 deliverables (Theme: 2. Infrastructure)")
    assert references_in(table) == ["DS-03", "DS-04"]
    expect(page.get_by_label("Theme", exact=True)).to_have_value(str(portfolio["theme"].pk))

    # The CSV has the rows on screen.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-deliverables.csv"), download.suggested_filename
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.startswith("Reference,Deliverable,Theme,Aims,Owner"), text[:200]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(row["Reference"], row["Theme"], row["Aims"]) for row in rows] == [
        ("DS-03", "Infrastructure", "A connected workforce"),
        ("DS-04", "Infrastructure", "A connected workforce"),
    ]


def test_board_member_pages_through_a_long_chase_list(page, live_server, strategy, open_period, board_member):
    """120 deliverables waiting: the chase list shows 50 at a time, each owner named on every page they are on."""
    theme = factories.ThemeFactory(strategy=strategy, number=1, title="Online services")
    for last_name, count in (("Able", 30), ("Baker", 60), ("Cole", 30)):
        owner = factories.UserFactory(first_name="Officer", last_name=last_name)
        for i in range(count):
            factories.DeliverableFactory(
                strategy=strategy, theme=theme, owner=owner, reference=f"{last_name}-{i:03}", title="Online forms"
            )
    sign_in_as(page, board_member.username, PASSWORD, "chase-board-home")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Dashboard").click()
    after_action(page, "chase-page-1")

    chase = page.get_by_role("table", name="Deliverables waiting for an update, by owner")
    expect(page.get_by_text("120 deliverables from 3 owners are waiting for an update.")).to_be_visible()
    expect(chase.locator("tbody tr")).to_have_count(50)
    expect(chase.get_by_role("rowheader")).to_have_count(2)
    expect(chase.get_by_role("rowheader").nth(1)).to_contain_text("Officer Baker")
    expect(chase.locator("tbody tr").last).to_contain_text("Baker-019 Online forms")

    pages = page.get_by_role("navigation", name="Chase list pages")
    expect(pages.get_by_role("link", name="Page 1")).to_have_attribute("aria-current", "page")
    pages.get_by_role("link", name="Next page").click()
    after_action(page, "chase-page-2")
    expect(page).to_have_url(re.compile(r"[?&]chase_page=2#chase$"))
    chase = page.get_by_role("table", name="Deliverables waiting for an update, by owner")
    expect(chase.locator("tbody tr")).to_have_count(50)
    expect(chase.get_by_role("rowheader")).to_have_text(
        [re.compile(r"^Officer Baker \(continued\).*60 waiting$"), re.compile(r"^Officer Cole(?! \(continued)")]
    )
    expect(chase.locator("tbody tr").first).to_contain_text("Baker-020 Online forms")
    expect(chase).to_be_in_viewport()  # the link led back to the chase list, not the top of the page
    # The deliverables table keeps its own page.
    expect(page.get_by_role("navigation", name="Pagination").get_by_role("link", name="Page 1")).to_have_attribute(
        "aria-current", "page"
    )

    page.get_by_role("navigation", name="Chase list pages").get_by_role("link", name="Page 3").click()
    after_action(page, "chase-page-3")
    chase = page.get_by_role("table", name="Deliverables waiting for an update, by owner")
    expect(chase.locator("tbody tr")).to_have_count(20)
    expect(chase.get_by_role("rowheader")).to_have_text([re.compile(r"^Officer Cole \(continued\).*30 waiting$")])
    expect(chase.locator("tbody tr").last).to_contain_text("Cole-029 Online forms")
