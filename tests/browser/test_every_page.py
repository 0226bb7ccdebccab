"""Every page of the portal that a person reads, as a role that may read it, at 1280 and 320 px with axe-core:
the pages the journeys do not reach too (the report's edit form, a refused page, the password-reset pages...).
The list comes from the access walk (tests/accounts/test_access_walk.py), so a new page is visited here as soon as
it is classified there."""

import pytest
from django.urls import reverse

from tests import factories
from tests.accounts.test_access_walk import ACCESS, world  # noqa: F401 - `world` is a fixture used below
from tests.browser.helpers import check_a11y, sign_in_directly, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOT_PAGES = {
    "aims:evidence_download", "reports:dashboard_csv", "reports:report_status", "reports:version_download",
    "reports:version_download_docx", "reports:version_download_exempt", "reports:version_download_exempt_docx",
    "aims:council_logo", "aims:spreadsheet_download",
    "aims:progress_sheet_download",
    "reports:dashboard_indicators_csv",
}  # fmt: skip
ROLE_ORDER = ["owner", "board", "clerk", "lead", "other_officer", "outsider", "superuser"]


def test_every_page_at_both_widths(page, live_server, world):  # noqa: F811 - the fixture imported above
    people, args = world
    people = {**people, "superuser": factories.UserFactory(username="root", is_superuser=True, is_staff=True)}
    pages = {name: access for name, access in ACCESS.items() if access[0] == "get" and name not in NOT_PAGES}
    by_role: dict[str, list[str]] = {}
    for name, (_method, allowed) in sorted(pages.items()):
        role = next((r for r in ROLE_ORDER if r in allowed), "superuser")  # no council role: superusers only
        by_role.setdefault(role, []).append(name)
    for role in [r for r in ROLE_ORDER if r in by_role]:
        page.context.clear_cookies()
        sign_in_directly(page, live_server, people[role])
        visit(page, "/", f"every-{role}-home")
        for name in by_role[role]:
            visit(page, reverse(name, args=args.get(name, [])), f"every-{role}-{name.replace(':', '-')}")
    # A page this person may not see: the GOV.UK 403 (or 404) page.
    page.context.clear_cookies()
    sign_in_directly(page, live_server, people["outsider"])
    response = page.goto(reverse("reports:report_detail", args=args["reports:report_detail"]))
    assert response.status in (403, 404)
    check_a11y(page, "every-refused")


def test_the_password_reset_pages_at_both_widths(page):
    visit(page, reverse("password_reset"), "every-password-reset")
    visit(page, reverse("password_reset_done"), "every-password-reset-sent")
    visit(page, reverse("password_reset_confirm", args=["abc", "bad-token"]), "every-password-reset-bad-link")
    visit(page, reverse("password_reset_complete"), "every-password-reset-complete")


def test_long_words_and_addresses_wrap_at_320_px(page, live_server, strategy, open_period, theme, officer, lead):
    """Names without spaces (a reference, a file name, a web address) wrap rather than widen the page."""
    long_word = "Customerrelationshipmanagementreplacementprogramme"
    deliverable = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, title=long_word)
    update = factories.ProgressUpdateFactory(
        deliverable=deliverable, period=open_period, state="submitted", achieved=long_word * 2
    )
    factories.EvidenceFactory(
        update=update, kind="link", note="", title=long_word, url="https://example.gov.uk/" + "a" * 150
    )
    sign_in_directly(page, live_server, lead)
    visit(page, reverse("aims:deliverable_detail", args=[deliverable.pk]), "long-words-deliverable")
    visit(page, reverse("reports:dashboard", args=[strategy.slug]), "long-words-dashboard")
    visit(page, reverse("aims:update_review", args=[update.pk]), "long-words-review")
