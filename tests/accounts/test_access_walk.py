"""Walks every URL pattern of the portal as anonymous, as each role and as the wrong owner.

Any new URL must be added to ACCESS below, or this test fails: access is decided on purpose, never by default.
"""

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from reports.models import ReportVersion
from tests import factories

pytestmark = pytest.mark.django_db

PUBLIC = {"login", "password_reset", "password_reset_done", "password_reset_complete", "accessibility", "health",
          "password_reset_confirm", "privacy", "cookies", "people:set_password"}  # fmt: skip
EVERYONE = {"owner", "other_officer", "board", "clerk", "lead", "outsider"}
MEMBERS = {"owner", "other_officer", "board", "clerk", "lead"}
READERS = {"board", "clerk", "lead"}
PRODUCERS = {"clerk", "lead"}

# url name -> (method, who gets a success)
ACCESS = {
    "home": ("get", EVERYONE),
    "aims:strategy_list": ("get", EVERYONE),
    "aims:strategy_detail": ("get", MEMBERS),
    "aims:deliverable_detail": ("get", MEMBERS),
    "aims:progress_update": ("get", {"owner"}),
    "aims:progress_update_check": ("get", {"owner"}),
    "aims:evidence_download": ("get", MEMBERS),
    "aims:review_list": ("get", {"board", "outsider"}),  # a board member anywhere; lists only their strategies
    "aims:update_review": ("get", MEMBERS),
    "reports:dashboard_index": ("get", EVERYONE),
    "reports:dashboard": ("get", MEMBERS),
    "reports:dashboard_csv": ("get", MEMBERS),
    "reports:report_index": ("get", EVERYONE),
    "reports:report_list": ("get", READERS),
    "reports:report_create": ("get", PRODUCERS),
    "reports:report_detail": ("get", READERS),
    "reports:report_edit": ("get", PRODUCERS),
    "reports:report_generate": ("post", PRODUCERS),
    "reports:report_status": ("get", READERS),
    "reports:version_issue": ("post", PRODUCERS),
    "reports:version_download": ("get", READERS),
    "reports:version_download_docx": ("get", READERS),
    "aims:council_details": ("get", {"lead"}),
    "aims:council_logo": ("get", {"lead"}),  # the preview on Council details; reports carry their own copy
    "aims:spreadsheet_download": ("get", {"lead"}),
    "aims:spreadsheet_upload": ("get", {"lead"}),
    "aims:spreadsheet_check": ("get", {"lead"}),  # and only for the lead who uploaded it
    "session_keep_alive": ("post", EVERYONE),
    # People and roles: the strategy's leads (the outsider leads another strategy) and superusers.
    "people:people_list": ("get", {"lead"}),
    "people:invite": ("get", {"lead"}),
    "people:invite_sent": ("get", {"lead"}),
    "people:roles_change": ("get", {"lead"}),
    "people:person_remove": ("get", {"lead"}),
    "people:person_deactivate": ("get", {"lead"}),
    # Performance indicators: seen by the strategy's people, set up by its leads, figures recorded by the
    # indicator's owner, reviewed by the board (the review page is readable by members, as for updates).
    "indicators:indicator_list": ("get", MEMBERS),
    "indicators:indicator_detail": ("get", MEMBERS),
    "indicators:indicator_add": ("get", {"lead"}),
    "indicators:indicator_change": ("get", {"lead"}),
    "indicators:indicator_targets": ("get", {"lead"}),
    "indicators:indicator_remove": ("get", {"lead"}),
    "indicators:actual_record": ("get", {"owner"}),
    "indicators:actual_check": ("get", {"owner"}),
    "indicators:actual_review": ("get", MEMBERS),
    "reports:dashboard_indicators_csv": ("get", MEMBERS),
}


def portal_url_names():
    names = set()

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.app_name == "admin":
                    continue  # Django's admin has its own staff-only checks
                walk(p.url_patterns, f"{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name:
                names.add(namespace + p.name)

    walk(get_resolver().url_patterns)
    return names


SIGN_OUT = {"logout"}  # POST only, harmless for anyone: it ends the session and goes to the sign-in page


def test_every_url_is_classified():
    assert portal_url_names() - PUBLIC - SIGN_OUT == set(ACCESS)


@pytest.fixture
def world(strategy, open_period, theme, officer, other_officer, board_member, clerk, lead, outsider):
    deliverable = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer)
    update = factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period, state="submitted")
    from django.core.files.base import ContentFile

    evidence = factories.EvidenceFactory.build(update=update, kind="file", note="", sha256="0" * 64,
                                               original_name="plan.pdf", content_type="application/pdf")  # fmt: skip
    evidence.file.save("plan.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    evidence.save()
    from reports.services import ReportAnswers, report_create, report_defaults

    defaults = report_defaults(strategy=strategy, period=open_period, user=clerk)

    answers = ReportAnswers(**defaults, meeting_date=dt.date(2026, 12, 8))
    report = report_create(strategy=strategy, user=clerk, answers=answers)
    version = ReportVersion.objects.create(report=report, number=1, requested_by=clerk, status="ready")
    version.pdf.save("r.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    version.docx.save("r.docx", ContentFile(b"PK\x05\x06" + b"\0" * 18), save=True)
    organisation = strategy.organisation
    organisation.logo_alt_text = "Council logo"
    organisation.logo.save("logo.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    from aims.spreadsheets import spreadsheet_stage, workbook_bytes

    spreadsheet_token = spreadsheet_stage(strategy=strategy, user=lead, data=workbook_bytes(strategy=strategy))
    from tests.indicators.helpers import indicator_with_periods

    indicator = indicator_with_periods(strategy=strategy, owner=officer, targets=["80"], actuals=["75"],
                                       state="submitted")  # fmt: skip
    first, second = indicator.periods.all()[:2]
    first_figure = first.actuals.get()
    second.actuals.create(author=officer)  # a draft, to check
    indicator_urls = {
        "indicators:indicator_list": [strategy.slug],
        "indicators:indicator_add": [strategy.slug],
        "reports:dashboard_indicators_csv": [strategy.slug],
        **{name: [strategy.slug, indicator.pk] for name in (
            "indicators:indicator_detail", "indicators:indicator_change", "indicators:indicator_targets",
            "indicators:indicator_remove")},
        "indicators:actual_record": [strategy.slug, indicator.pk, indicator.periods.all()[2].pk],
        "indicators:actual_check": [strategy.slug, indicator.pk, second.pk],
        "indicators:actual_review": [strategy.slug, first_figure.pk],
    }  # fmt: skip
    people = {"owner": officer, "other_officer": other_officer, "board": board_member, "clerk": clerk,
              "lead": lead, "outsider": outsider}  # fmt: skip
    args = {
        "aims:strategy_detail": [strategy.slug],
        "aims:deliverable_detail": [deliverable.pk],
        "aims:progress_update": [deliverable.pk, open_period.pk],
        "aims:progress_update_check": [deliverable.pk, open_period.pk],
        "aims:evidence_download": [evidence.pk],
        "aims:update_review": [update.pk],
        "reports:dashboard": [strategy.slug],
        "reports:dashboard_csv": [strategy.slug],
        "reports:report_list": [strategy.slug],
        "reports:report_create": [strategy.slug],
        "reports:report_detail": [report.pk],
        "reports:report_edit": [report.pk],
        "reports:report_generate": [report.pk],
        "reports:report_status": [report.pk],
        "reports:version_issue": [version.pk],
        "reports:version_download": [version.pk],
        "reports:version_download_docx": [version.pk],
        "aims:council_details": [strategy.slug],
        "aims:council_logo": [strategy.slug],
        "aims:spreadsheet_download": [strategy.slug],
        "aims:spreadsheet_upload": [strategy.slug],
        "aims:spreadsheet_check": [strategy.slug, spreadsheet_token],
        **{name: [strategy.slug] for name in ("people:people_list", "people:invite")},
        **{
            name: [strategy.slug, officer.pk]
            for name in (
                "people:invite_sent",
                "people:roles_change",
                "people:person_remove",
                "people:person_deactivate",
            )
        },
        **indicator_urls,
    }
    return people, args


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_access(client, world, name, django_capture_on_commit_callbacks):
    people, args = world
    method, allowed = ACCESS[name]
    url = reverse(name, args=args.get(name, []))
    call = getattr(client, method)

    client.logout()
    response = call(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login")), f"anonymous {url}"

    for role, person in people.items():
        client.force_login(person)
        response = call(url)
        if role in allowed:
            assert response.status_code in (200, 302), f"{role} should reach {url}, got {response.status_code}"
            if response.status_code == 302:
                assert not response["Location"].startswith(reverse("login")), f"{role} bounced from {url}"
        else:
            assert response.status_code in (403, 404), f"{role} should be refused {url}, got {response.status_code}"


def test_public_pages(client):
    for name in PUBLIC - {"password_reset_confirm", "people:set_password"}:
        assert client.get(reverse(name)).status_code == 200, name
    for name in ("password_reset_confirm", "people:set_password"):
        response = client.get(reverse(name, args=["abc", "bad-token"]))
        assert response.status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")


@pytest.mark.parametrize("relation", ["author", "owner", "contributor"])
def test_nobody_reviews_their_own_update(client, strategy, open_period, theme, board_member, relation):
    """A board member who wrote the update, owns the deliverable or contributes to it may read it, is told on the
    page why they cannot review it, and is refused if they send a review anyway; another board member may."""
    from accounts.models import Role
    from aims import services

    colleague = factories.UserFactory(username="board2")
    factories.MembershipFactory(user=colleague, strategy=strategy, role=Role.BOARD)
    owner = board_member if relation == "owner" else factories.UserFactory(username="owner9")
    deliverable = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=owner)
    if relation == "contributor":
        deliverable.contributors.add(board_member)
    author = board_member if relation == "author" else owner
    update = factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period, state="submitted",
                                             author=author)  # fmt: skip
    url = reverse("aims:update_review", args=[update.pk])

    client.force_login(board_member)
    page = client.get(url).content.decode()
    assert "You cannot review this update because" in page and 'value="accept"' not in page
    listing = client.get(reverse("aims:review_list")).content.decode()
    assert "Your own work" in listing
    assert client.post(url, {"action": "accept"}).status_code == 403
    with pytest.raises(services.DomainError, match="You cannot review this update"):
        services.progress_update_review(update=update, user=board_member, accept=True)
    update.refresh_from_db()
    assert update.state == "submitted" and update.reviewer is None

    client.force_login(colleague)
    assert "Your own work" not in client.get(reverse("aims:review_list")).content.decode()
    response = client.post(url, {"action": "accept"})
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.state == "accepted" and update.reviewer == colleague
