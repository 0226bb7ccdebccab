"""A superuser adds a council and invites its first strategy lead in the portal's screens; the lead follows the
emailed link, sets a password and signs in. Every page at 1280 and 320 px with axe (the helpers)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import CouncilLead
from aims.models import Organisation
from tests import factories
from tests.browser.helpers import after_action, sign_in_as, sign_out, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-long-pass-phrase-for-ada"


def test_superuser_adds_a_council_and_invites_its_first_lead(page, live_server, settings):
    settings.PORTAL_BASE_URL = live_server.url
    page.set_default_timeout(15000)
    factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    sign_in_as(page, "root", factories.PASSWORD, "councils-superuser")
    page.get_by_role("link", name="Councils").first.click()
    after_action(page, "councils-empty")
    expect(page.get_by_role("heading", level=1)).to_have_text("Councils")
    expect(page.get_by_text("There are no councils in the portal yet")).to_be_visible()

    page.get_by_role("button", name="Add a council").click()
    after_action(page, "councils-add")
    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("button", name="Add council").click()
    after_action(page, "councils-add-errors")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the council's name")
    expect(summary).to_contain_text("Enter an email address in the correct format")

    page.get_by_label("Council name").fill("Wirral Council")
    page.get_by_label("Address", exact=True).fill("Wallasey Town Hall, Brighton Street, Wallasey, CH44 8ED")
    page.get_by_label("Email address").fill("digital@wirral.example.gov.uk")
    page.get_by_label("Telephone number").fill("0151 606 2000")
    page.get_by_label("Website", exact=True).fill("https://www.wirral.gov.uk")
    page.get_by_role("button", name="Add council").click()
    after_action(page, "councils-invite-lead")
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite the first strategy lead")
    expect(page.get_by_text("Wirral Council was added")).to_be_visible()

    page.get_by_role("button", name="Send invitation").click()
    after_action(page, "councils-invite-lead-errors")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the person's full name")
    page.get_by_label("Full name").fill("Ada Jones")
    page.get_by_label("Email address").fill("ada.jones@wirral.example.gov.uk")
    page.get_by_role("button", name="Send invitation").click()
    after_action(page, "councils-invite-lead-sent")
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation sent")
    page.get_by_role("link", name="Go back to councils").click()
    after_action(page, "councils-list")
    expect(page.get_by_role("region", name="Councils in the portal")).to_contain_text("Ada Jones")
    sign_out(page, "councils-superuser-signed-out")

    council = Organisation.objects.get(slug="wirral-council")
    assert CouncilLead.objects.filter(organisation=council, user__email="ada.jones@wirral.example.gov.uk").exists()
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/invitation/\S+/", message.body).group(0)
    visit(page, link, "councils-lead-set-password")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    after_action(page, "councils-lead-password-set")
    sign_in_as(page, "ada.jones@wirral.example.gov.uk", NEW_PASSWORD, "councils-lead-home")
    assert page.url.rstrip("/") == live_server.url
    response = page.goto(f"{live_server.url}/councils/")
    assert response.status == 403
