"""The accessibility statement, privacy notice and cookies page: public, linked from every footer, truthful about
the portal, and the footer names the council rather than the software."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = {
    "accessibility": "Accessibility statement for the Digital Strategy Portal",
    "privacy": "Privacy notice for the Digital Strategy Portal",
    "cookies": "Cookies",
}

# The sections of the GOV.UK model accessibility statement, in its order.
MODEL_STATEMENT_HEADINGS = [
    "How accessible this website is",
    "Feedback and contact information",
    "Reporting accessibility problems with this website",
    "Enforcement procedure",
    "Technical information about this website’s accessibility",
    "Compliance status",
    "Non-accessible content",
    "What we’re doing to improve accessibility",
    "Preparation of this accessibility statement",
]


def headings(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", html, re.S)]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_need_no_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert PUBLIC_PAGES[name] in headings(response.content.decode())


@pytest.mark.parametrize("name", ["home", "accessibility", "login"])
def test_every_footer_links_the_three_pages_and_names_the_council(client, officer, strategy, name):
    client.force_login(officer)
    page = client.get(reverse(name), follow=True).content.decode()
    footer = page[page.index('<footer class="govuk-footer">') :]
    for target, text in [("accessibility", "Accessibility statement"), ("privacy", "Privacy notice"),
                         ("cookies", "Cookies")]:  # fmt: skip
        assert f'href="{reverse(target)}">{text}</a>' in footer
    assert f"© {strategy.organisation.name}" in footer
    assert "© Digital Strategy Portal" not in footer


def test_footer_names_no_one_when_the_portal_holds_several_councils_and_the_page_names_none(client, strategy):
    factories.OrganisationFactory(name="Another Council")
    footer = client.get(reverse("accessibility")).content.decode().split('<footer class="govuk-footer">')[1]
    assert "©" not in footer


def test_accessibility_statement_follows_the_model_statement(client, strategy):
    page = client.get(reverse("accessibility")).content.decode()
    found = headings(page)
    assert [h for h in found if h in MODEL_STATEMENT_HEADINGS] == MODEL_STATEMENT_HEADINGS
    assert "This website is partially compliant with the" in page
    assert "Equality and Human Rights Commission (EHRC)" in page
    assert "Equality Advisory and Support Service (EASS)" in page
    assert "This statement was prepared on 1 December 2026." in page
    # How it was tested, as the browser tests do it (tests/browser/helpers.py), and what is known not to pass.
    assert "axe-core" in page and "at 1280 and at 320 pixels wide" in page
    assert "2.2.1 (Timing Adjustable)" in page
    assert "signed out 12 hours after you sign in" in page and "signed out after 1 hour without activity" in page
    assert "You are warned 2 minutes before" in page
    # The council's contact details, so a person can ask for another format.
    assert strategy.organisation.name in page
    assert f'href="mailto:{strategy.organisation.email}"' in page
    assert strategy.organisation.telephone in page


def test_privacy_notice_says_what_is_held_why_for_how_long_and_how_to_complain(client, strategy):
    page = client.get(reverse("privacy")).content.decode()
    for words in ["your name, username and work email address", "IP", "progress updates you write", "public task",
                  "How long it is kept", "Your rights", "Information Commissioner’s Office (ICO)",
                  f"run by {strategy.organisation.name}"]:  # fmt: skip
        assert words in page, words


def test_cookies_page_lists_exactly_the_cookies_the_portal_sets(client, officer):
    # Sign in through the form, as a person does, and collect every cookie the portal sets on the way.
    client.get(reverse("login"))
    set_names = set(client.cookies.keys())
    response = client.post(reverse("login"), {"username": officer.username, "password": factories.PASSWORD},
                           follow=True)  # fmt: skip
    assert response.status_code == 200
    set_names |= set(client.cookies.keys())
    page = client.get(reverse("cookies")).content.decode()
    listed = set(re.findall(r"<td class=\"govuk-table__cell\"><code>([^<]+)</code></td>", page))
    assert set_names <= listed, f"cookies set but not listed: {set_names - listed}"
    assert listed == {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages"}
    assert "52 weeks" in page and "12 hours" in page
    assert "analytics" in page
    assert 'role="region" aria-label="Cookies this website sets" tabindex="0"' in page
