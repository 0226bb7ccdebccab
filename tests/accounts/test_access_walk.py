"""Walks every URL pattern of the portal as anonymous, as each role and as the wrong owner.

Any new URL must be added to ACCESS below, or this test fails: access is decided on purpose, never by default.
"""

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from reports.models import ReportVersion
from tests import factories
from tests.api.access import API_ACCESS, API_PUBLIC

pytestmark = pytest.mark.django_db

PUBLIC = {"login", "password_reset", "password_reset_done", "password_reset_complete", "accessibility", "health",
          "password_reset_confirm", "privacy", "cookies", "people:set_password", "api:docs"}  # fmt: skip
# Anyone, signed in or not, for a published strategy; not found for an unpublished one (test_published_pages).
PUBLISHED = {"public:index", "public:strategy", "public:deliverable", "public:report_download", "public:open_data",
             "public:data_all", "public:data_period", "public:schema", "public:json_schema",
             "public:data_indicators", "public:indicators_json_schema", "public:data_period_indicators"}  # fmt: skip
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
    "reports:version_download_exempt": ("get", READERS),  # people with a role who may read the report
    "reports:version_download_exempt_docx": ("get", READERS),
    "aims:council_details": ("get", {"lead"}),
    "aims:linked_strategies": ("get", {"lead"}),
    "aims:strategy_history": ("get", {"lead", "board"}),
    "aims:progress_sheet_download": ("get", {"lead"}),
    "aims:progress_sheet_upload": ("get", {"lead"}),
    "aims:progress_sheet_check": ("get", {"lead"}),  # and only for the lead who uploaded it
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
    # Setting up a strategy: a lead of any strategy of a council may start a new one there (the outsider leads
    # another council's strategy); everything else only the strategy's own leads (and superusers).
    "strategy_setup:strategy_create": ("get", {"lead", "outsider"}),
    "strategy_setup:strategy_create_check": ("get", {"lead", "outsider"}),  # back to the form with no answers
    "strategy_setup:strategy_created": ("get", {"lead"}),
    "strategy_setup:task_list": ("get", {"lead"}),
    "strategy_setup:details": ("get", {"lead"}),
    "strategy_setup:details_change": ("get", {"lead"}),
    **{
        f"strategy_setup:{level}_{action}": ("post" if action == "move" else "get", {"lead"})
        for level in ("aim", "principle", "theme")
        for action in ("list", "add", "change", "move", "remove")
    },
    # Setting up deliverables and reporting periods: the strategy's leads and superusers.
    "strategy_setup:deliverable_list": ("get", {"lead"}),
    "strategy_setup:deliverable_add": ("get", {"lead"}),
    "strategy_setup:deliverable_change": ("get", {"lead"}),
    "strategy_setup:deliverable_withdraw": ("get", {"lead"}),
    "strategy_setup:deliverable_reinstate": ("get", {"lead"}),
    "strategy_setup:deliverable_remove": ("get", {"lead"}),
    "strategy_setup:deliverable_milestones": ("get", {"lead"}),
    "strategy_setup:milestone_change": ("get", {"lead"}),
    "strategy_setup:milestone_remove": ("get", {"lead"}),
    "strategy_setup:period_list": ("get", {"lead"}),
    "strategy_setup:period_generate": ("post", {"lead"}),
    "strategy_setup:period_change": ("get", {"lead"}),
    "strategy_setup:period_close": ("get", {"lead"}),
    "strategy_setup:period_open_next": ("get", {"lead"}),
    # Councils: superusers only (tests/people/test_councils.py signs one in); no council role reaches them.
    "people:council_list": ("get", set()),
    "people:council_add": ("get", set()),
    "people:council_lead_invite": ("get", set()),
    "people:council_lead_invited": ("get", set()),
    # A council's sign-in settings: superusers only, none of these (tests/sso/test_council_sign_in.py).
    "sso:council_sign_in": ("get", set()),
    # A person's own API tokens (the JSON API itself is walked in tests/api/test_access_walk_api.py).
    "api:token_list": ("get", EVERYONE),
    "api:token_create": ("get", EVERYONE),
    "api:token_revoke": ("get", {"owner"}),  # their own token only: anyone else's is not found
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
# The steps of signing in (the council's provider, its callback, the second factor, signed out): public, each
# answering only the state it expects; tested in tests/sso/ and tests/browser/test_sso_journey.py.
SIGN_IN_STEPS = {"sso:oidc_start", "sso:oidc_callback", "sso:signed_out", "sso:code", "sso:recovery_code",
                 "sso:authenticator_set_up", "sso:recovery_codes"}  # fmt: skip


def test_every_url_is_classified():
    assert portal_url_names() - PUBLIC - PUBLISHED - SIGN_OUT - SIGN_IN_STEPS - API_PUBLIC == set(ACCESS) | set(
        API_ACCESS
    )


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
    version.exempt_pdf.save("r-exempt.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    version.exempt_docx.save("r-exempt.docx", ContentFile(b"PK\x05\x06" + b"\0" * 18), save=False)
    version.exempt_paragraphs = [3]
    version.save()
    organisation = strategy.organisation
    organisation.logo_alt_text = "Council logo"
    organisation.logo.save("logo.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    from aims.spreadsheets import spreadsheet_stage, workbook_bytes

    spreadsheet_token = spreadsheet_stage(strategy=strategy, user=lead, data=workbook_bytes(strategy=strategy))
    aim = factories.AimFactory(strategy=strategy)
    theme.aims.add(aim)
    principle = factories.PrincipleFactory(strategy=strategy)
    milestone = factories.MilestoneFactory(deliverable=deliverable)
    setup_args = {
        **{
            f"strategy_setup:{name}": [strategy.slug]
            for name in ("deliverable_list", "deliverable_add", "period_list", "period_generate", "period_open_next")
        },
        **{
            f"strategy_setup:{name}": [strategy.slug, deliverable.pk]
            for name in (
                "deliverable_change",
                "deliverable_withdraw",
                "deliverable_reinstate",
                "deliverable_remove",
                "deliverable_milestones",
            )
        },
        **{
            f"strategy_setup:{n}": [strategy.slug, deliverable.pk, milestone.pk]
            for n in ("milestone_change", "milestone_remove")
        },
        **{f"strategy_setup:{n}": [strategy.slug, open_period.pk] for n in ("period_change", "period_close")},
    }
    from accounts.models import CouncilLead
    from aims.progress_sheets import workbook_bytes as progress_sheet_bytes

    CouncilLead.objects.create(user=lead, organisation=strategy.organisation)  # for "Invitation sent" (superusers)

    progress_token = spreadsheet_stage(
        strategy=strategy, user=lead, data=progress_sheet_bytes(strategy=strategy, period=open_period)
    )
    from api.services import api_token_create

    api_token, _raw = api_token_create(user=officer, name="Feed", expires_on=dt.date.today() + dt.timedelta(days=30))
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
        "reports:version_download_exempt": [version.pk],
        "reports:version_download_exempt_docx": [version.pk],
        "aims:council_details": [strategy.slug],
        "aims:linked_strategies": [strategy.slug],
        "aims:strategy_history": [strategy.slug],
        "aims:progress_sheet_download": [strategy.slug],
        "aims:progress_sheet_upload": [strategy.slug],
        "aims:progress_sheet_check": [strategy.slug, progress_token],
        "aims:council_logo": [strategy.slug],
        "aims:spreadsheet_download": [strategy.slug],
        "aims:spreadsheet_upload": [strategy.slug],
        "aims:spreadsheet_check": [strategy.slug, spreadsheet_token],
        "api:token_revoke": [api_token.pk],
        **{name: [strategy.slug] for name in ("people:people_list", "people:invite")},
        "people:council_lead_invite": [strategy.organisation.slug],
        "people:council_lead_invited": [strategy.organisation.slug, lead.pk],
        **{
            f"strategy_setup:{name}": [strategy.slug]
            for name in (
                "strategy_created",
                "task_list",
                "details",
                "details_change",
                "aim_list",
                "aim_add",
                "principle_list",
                "principle_add",
                "theme_list",
                "theme_add",
            )
        },
        **{
            f"strategy_setup:{level}_{action}": [strategy.slug, item.pk]
            for level, item in (("aim", aim), ("principle", principle), ("theme", theme))
            for action in ("change", "move", "remove")
        },
        "sso:council_sign_in": [strategy.organisation.slug],
        **{
            name: [strategy.slug, officer.pk]
            for name in (
                "people:invite_sent",
                "people:roles_change",
                "people:person_remove",
                "people:person_deactivate",
            )
        },
        **setup_args,
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


def _published_args(strategy, closed, deliverable, version) -> dict:
    return {
        "public:index": [],
        "public:schema": [],
        "public:json_schema": [],
        "public:indicators_json_schema": [],
        "public:data_indicators": [strategy.slug, "csv"],
        "public:data_period_indicators": [strategy.slug, closed.pk, "csv"],
        "public:strategy": [strategy.slug],
        "public:open_data": [strategy.slug],
        "public:data_all": [strategy.slug, "csv"],
        "public:data_period": [strategy.slug, closed.pk, "json"],
        "public:deliverable": [strategy.slug, deliverable.pk],
        "public:report_download": [strategy.slug, version.pk],
    }


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_published_pages(client, strategy, theme, officer, clerk, outsider, who):
    """Every public page answers anyone while the strategy is published, and 404 (never 403) once it is not."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from reports.models import ProgressReport

    closed = factories.PeriodFactory(strategy=strategy, status="closed")
    deliverable = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer)
    report = ProgressReport.objects.create(strategy=strategy, period=closed, committee="Cabinet", title="Progress",
                                           meeting_date=dt.date(2027, 5, 1), report_of="Director", created_by=clerk,
                                           executive_summary="-", recommendations="-", reasons="-")  # fmt: skip
    version = ReportVersion.objects.create(report=report, number=1, requested_by=clerk, status="ready",
                                           issued_at=timezone.now(), issued_by=clerk)  # fmt: skip
    version.pdf.save("r.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    if who == "outsider":
        client.force_login(outsider)
    args = _published_args(strategy, closed, deliverable, version)
    assert set(args) == PUBLISHED
    strategy.is_published = True
    strategy.save()
    for name, values in args.items():
        assert client.get(reverse(name, args=values)).status_code == 200, name
    strategy.is_published = False
    strategy.data_version += 1
    strategy.save()
    for name, values in args.items():
        expected = (
            200
            if name in {"public:index", "public:schema", "public:json_schema", "public:indicators_json_schema"}
            else 404
        )
        assert client.get(reverse(name, args=values)).status_code == expected, name
