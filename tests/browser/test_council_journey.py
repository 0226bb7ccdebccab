"""Issue #15's "Done when", end to end in the portal's own screens: a superuser adds a council and invites its first
lead; the lead sets up a new strategy (two aims, two principles, a theme, three deliverables with milestones, the
periods), invites an officer and a board member; the officer follows the emailed link, sets a password, records and
submits progress; the board member accepts it; the dashboard counts it. The lead is refused the Django admin and
another council's strategy. axe at 1280 and 320 px on every page (the helpers)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from aims.models import Deliverable, ProgressUpdate, ReportingPeriod, Strategy
from tests import factories
from tests.browser.helpers import after_action, sign_in_as, sign_out, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Wirral Digital Strategy 2026 to 2029"
PASSWORDS = {"lead": "lead-pass-phrase-2026", "officer": "officer-pass-phrase-2026", "board": "board-pass-phrase-26"}


def _click(page, role, name, shot):
    page.get_by_role(role, name=name, exact=True).first.click()
    after_action(page, shot)


def _date(page, legend, day, month, year):
    group = page.get_by_role("group", name=legend, exact=False)
    for part, value in zip(("Day", "Month", "Year"), (day, month, year), strict=True):
        group.get_by_label(part).fill(value)


def _accept_invitation(page, email, password, shot):
    invitations = [m for m in mail.outbox if email in m.to and "/invitation/" in m.body]
    link = re.search(r"https?://\S+/invitation/\S+/", invitations[-1].body).group(0)
    visit(page, link, f"{shot}-set-password")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Confirm password", exact=True).fill(password)
    _click(page, "button", "Set password", f"{shot}-password-set")
    sign_in_as(page, email, password, f"{shot}-home")


def _superuser_adds_council_and_lead(page):
    factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    sign_in_as(page, "root", factories.PASSWORD, "e2e-root")
    _click(page, "link", "Councils", "e2e-councils")
    _click(page, "button", "Add a council", "e2e-council-add")
    page.get_by_label("Council name").fill("Wirral Council")
    page.get_by_label("Email address").fill("digital@wirral.example.gov.uk")
    _click(page, "button", "Add council", "e2e-invite-lead")
    page.get_by_label("Full name").fill("Ada Jones")
    page.get_by_label("Email address").fill("ada.jones@wirral.example.gov.uk")
    _click(page, "button", "Send invitation", "e2e-lead-invited")
    sign_out(page, "e2e-root-out")


def _lead_creates_strategy(page):
    _click(page, "button", "Set up a new strategy", "e2e-new")
    page.get_by_label("Title", exact=True).fill(TITLE)
    _date(page, "Start date", "1", "4", "2026")
    _date(page, "End date", "31", "3", "2029")
    page.get_by_label("Quarterly").check()
    _click(page, "button", "Continue", "e2e-check")
    _click(page, "button", "Create strategy", "e2e-created")
    _click(page, "button", f"Set up {TITLE}", "e2e-task-list")


def _add_items(page, task, button, titles, shot, check=()):
    _click(page, "link", task, f"{shot}-list")
    for n, title in enumerate(titles):
        _click(page, "button", button, f"{shot}-{n}-form")
        page.get_by_label("Title", exact=True).fill(title)
        for label in check:
            page.get_by_label(label, exact=True).check()
        _click(page, "button", button, f"{shot}-{n}")
    _click(page, "link", "Go back to the task list", f"{shot}-back")


def _invite(page, name, email, role, shot):
    _click(page, "button", "Invite a person", f"{shot}-form")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label(role, exact=True).check()
    _click(page, "button", "Send invitation", shot)
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation sent")


def _add_deliverable(page, reference, title, milestones, shot):
    _click(page, "button", "Add a deliverable", f"{shot}-form")
    page.get_by_label("Reference").fill(reference)
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Theme").select_option(label="1. Digital inclusion")
    _date(page, "Start date", "1", "4", "2026")
    owner = page.get_by_role("combobox", name="Owner")
    owner.fill("Owen")
    page.get_by_role("option", name="Owen Officer").click()
    _click(page, "button", "Add deliverable", f"{shot}-milestones")
    for n, milestone in enumerate(milestones):
        page.get_by_label("Milestone", exact=True).fill(milestone)
        _click(page, "button", "Add milestone", f"{shot}-milestone-{n}")
    _click(page, "button", "Done: back to deliverables", f"{shot}-done")


def _lead_sets_up_everything(page):
    _add_items(page, "Aims", "Add an aim", ["Digital residents", "Digital place"], "e2e-aims")
    _add_items(page, "Principles", "Add a principle", ["Digital for all", "Secure by design"], "e2e-principles")
    _add_items(page, "Themes", "Add a theme", ["Digital inclusion"], "e2e-themes",
               check=["1. Digital residents", "2. Digital place"])  # fmt: skip
    _click(page, "link", "People and roles", "e2e-people")
    _invite(page, "Owen Officer", "owen.officer@wirral.example.gov.uk", "Officer", "e2e-invite-officer")
    page.get_by_role("link", name="Go back to people and roles").click()
    after_action(page, "e2e-people-2")
    _invite(page, "Bea Board", "bea.board@wirral.example.gov.uk", "Digital Board member", "e2e-invite-board")
    strategy = Strategy.objects.get(title=TITLE)
    visit(page, f"/strategies/{strategy.slug}/setup/", "e2e-task-list-people")
    _click(page, "link", "Deliverables", "e2e-deliverables")
    _add_deliverable(page, "WD-01", "Digital skills hubs", ["Hub sites agreed", "First hub open"], "e2e-d1")
    _add_deliverable(page, "WD-02", "Free public wifi", ["Supplier chosen"], "e2e-d2")
    _add_deliverable(page, "WD-03", "Online council tax", ["Forms live", "Paper forms withdrawn"], "e2e-d3")
    visit(page, f"/strategies/{strategy.slug}/setup/", "e2e-task-list-deliverables")
    _click(page, "link", "Reporting periods", "e2e-periods")
    expect(page.get_by_role("main")).to_contain_text("October to December 2026")
    return strategy


def test_a_council_is_set_up_and_runs_its_first_update_in_the_portals_own_screens(page, live_server, settings):
    settings.PORTAL_BASE_URL = live_server.url
    page.set_default_timeout(20000)
    elsewhere = factories.StrategyFactory(title="Another council's strategy")
    _superuser_adds_council_and_lead(page)
    _accept_invitation(page, "ada.jones@wirral.example.gov.uk", PASSWORDS["lead"], "e2e-lead")
    _lead_creates_strategy(page)
    strategy = _lead_sets_up_everything(page)
    assert strategy.aims.count() == 2 and strategy.principles.count() == 2 and strategy.themes.count() == 1
    assert [d.reference for d in Deliverable.objects.filter(strategy=strategy).order_by("reference")] == [
        "WD-01", "WD-02", "WD-03",
    ]  # fmt: skip
    assert sum(d.milestones.count() for d in strategy.deliverables.all()) == 5
    period = strategy.periods.get(status=ReportingPeriod.Status.OPEN)

    # The lead may not reach the Django admin or another council's strategy.
    response = page.goto(f"{live_server.url}/admin/")
    assert "/admin/login/" in page.url or response.status == 403
    assert page.goto(f"{live_server.url}/strategies/{elsewhere.slug}/").status == 403
    assert page.goto(f"{live_server.url}/strategies/{elsewhere.slug}/setup/").status == 403
    visit(page, "/", "e2e-lead-home-again")
    sign_out(page, "e2e-lead-out")

    # The officer follows the emailed link, sets a password, records and submits progress.
    _accept_invitation(page, "owen.officer@wirral.example.gov.uk", PASSWORDS["officer"], "e2e-officer")
    _click(page, "link", "WD-01 Digital skills hubs", "e2e-officer-deliverable")
    _click(page, "button", "Record progress", "e2e-officer-form")
    page.get_by_label("Green", exact=True).check()
    page.get_by_label("Percent complete", exact=True).fill("40")
    page.get_by_label("What has been achieved", exact=True).fill("Two hub sites agreed with the libraries.")
    _click(page, "button", "Continue", "e2e-officer-check")
    _click(page, "button", "Submit for review", "e2e-officer-submitted")
    sign_out(page, "e2e-officer-out")

    # The board member accepts it.
    _accept_invitation(page, "bea.board@wirral.example.gov.uk", PASSWORDS["board"], "e2e-board")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Updates to review").click()
    after_action(page, "e2e-board-review-list")
    _click(page, "link", "WD-01 Digital skills hubs", "e2e-board-update")
    _click(page, "button", "Accept", "e2e-board-accepted")
    update = ProgressUpdate.objects.get(deliverable__reference="WD-01", period=period)
    assert update.state == ProgressUpdate.State.ACCEPTED

    # The dashboard counts the accepted update.
    visit(page, f"/strategies/{strategy.slug}/dashboard/", "e2e-dashboard")
    main = page.get_by_role("main")
    expect(main).to_contain_text(period.label)
    expect(main).to_contain_text("WD-01")
    rows = page.get_by_role("row", name=re.compile("WD-01"))
    expect(rows.first).to_contain_text("Green")
