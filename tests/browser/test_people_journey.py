"""A strategy lead invites an officer from "People and roles"; the officer follows the emailed link, sets a password,
signs in and lands on their home page. Every page is checked at 1280 and at 320 px by the helpers (axe, and no
sideways scrolling)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import after_action, sign_in_as, sign_out, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-long-pass-phrase-for-ann"


def test_lead_invites_an_officer_who_sets_a_password_and_signs_in(page, live_server, lead, officer, strategy, settings):
    settings.PORTAL_BASE_URL = live_server.url
    page.set_default_timeout(15000)
    sign_in_as(page, lead.username, factories.PASSWORD, "people-lead")
    visit(page, f"{live_server.url}/strategies/{strategy.slug}/", "people-strategy")
    page.get_by_role("link", name="People and roles").click()
    after_action(page, "people-list")
    expect(page.get_by_role("heading", level=1)).to_have_text("People and roles")
    expect(page.get_by_role("region", name=f"People with a role in {strategy.title}")).to_contain_text(
        "Never signed in"
    )

    page.get_by_role("button", name="Invite a person").click()
    after_action(page, "people-invite")
    page.get_by_label("Full name").fill("Ann Lee")
    page.get_by_label("Email address").fill("ann.lee@")
    page.get_by_role("button", name="Send invitation").click()
    after_action(page, "people-invite-errors")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter an email address in the correct format, like name@example.com")
    expect(summary).to_contain_text("Select at least one role")

    page.get_by_label("Email address").fill("Ann.Lee@example.gov.uk")
    page.get_by_label("Officer", exact=True).check()
    page.get_by_role("button", name="Send invitation").click()
    after_action(page, "people-invite-sent")
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation sent")
    sign_out(page, "people-lead-signed-out")

    (message,) = mail.outbox
    link = re.search(r"https?://\S+/invitation/\S+/", message.body).group(0)
    visit(page, link, "people-set-password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set your password")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    after_action(page, "people-password-set")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    sign_in_as(page, "ann.lee@example.gov.uk", NEW_PASSWORD, "people-officer-home")
    assert page.url.rstrip("/") == live_server.url
    visit(page, link, "people-link-used")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired or has already been used")


def test_lead_changes_roles_removes_and_deactivates(page, live_server, lead, officer, other_officer, deliverable):
    """Change roles (prefilled), Remove from strategy (refused while they own a deliverable), Deactivate with the
    hand-over: each page and its error checked at both widths."""
    strategy = deliverable.strategy
    page.set_default_timeout(15000)
    sign_in_as(page, lead.username, factories.PASSWORD, "people-manage-lead")
    visit(page, f"/strategies/{strategy.slug}/people/", "people-manage-list")

    page.get_by_role("link", name=f"Change roles of {other_officer.display_name}").click()
    after_action(page, "people-roles")
    expect(page.get_by_label("Officer", exact=True)).to_be_checked()
    page.get_by_label("Officer", exact=True).uncheck()
    page.get_by_role("button", name="Save roles").click()
    after_action(page, "people-roles-error")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select at least one role")
    page.get_by_label("Officer", exact=True).check()
    page.get_by_label("Committee clerk", exact=True).check()
    page.get_by_role("button", name="Save roles").click()
    after_action(page, "people-roles-saved")
    expect(page.get_by_role("region", name=f"People with a role in {strategy.title}")).to_contain_text(
        "Officer, Committee clerk"
    )

    page.get_by_role("link", name=f"Remove {officer.display_name} from strategy").click()
    after_action(page, "people-remove-refused")
    expect(page.get_by_role("heading", level=1)).to_contain_text("You cannot remove")
    page.get_by_role("link", name=re.compile("Deactivate")).click()
    after_action(page, "people-deactivate")
    page.get_by_role("button", name="Deactivate").click()
    after_action(page, "people-deactivate-error")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose who takes over their deliverables")
    page.get_by_label("Who takes over their deliverables?").select_option(label=other_officer.display_name)
    page.get_by_role("button", name="Deactivate").click()
    after_action(page, "people-deactivated")
    expect(page.get_by_role("region", name="Recent changes to people and roles")).to_contain_text(
        f"Took the Officer role from {officer.display_name}"
    )
