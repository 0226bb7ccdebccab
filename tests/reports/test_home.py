"""Each role lands on its own work: the home page has a section for every role the person holds.

Found in review: every person landed on "Your deliverables"; a board member, a clerk or a lead was told "You do
not own or contribute to any deliverables" as their whole home page.
"""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from aims.models import RAG
from reports.models import ProgressReport, ReportVersion
from tests import factories

pytestmark = pytest.mark.django_db


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def h1(page: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", page, re.DOTALL).group(1).strip()


def h2s(page: str) -> list[str]:
    main = page[page.index("<main") :]
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", main, re.DOTALL)]


def submitted(deliverable, period, days_ago: int, **values):
    return factories.ProgressUpdateFactory(
        deliverable=deliverable, period=period, state="submitted",
        submitted_at=timezone.now() - dt.timedelta(days=days_ago, hours=1), **values,
    )  # fmt: skip


def report_with_versions(strategy, period, clerk, title, statuses):
    report = ProgressReport.objects.create(
        strategy=strategy, period=period, committee="Corporate Policy Committee", meeting_date=dt.date(2026, 12, 8),
        title=title, report_of="Director of Digital", executive_summary="-", recommendations="-", reasons="-",
        contact_name="Rachel Moss", created_by=clerk,
    )  # fmt: skip
    for number, status in enumerate(statuses, start=1):
        ReportVersion.objects.create(report=report, number=number, requested_by=clerk, status=status)
    return report


def test_officer_sees_their_deliverables_with_overdue_tags_and_this_periods_state(
    client, officer, strategy, open_period, theme
):
    late = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, title="Late work",
                                        due_date=dt.date(2026, 11, 1))  # fmt: skip
    on_time = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, title="On time work")
    finished_late = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer,
                                                 title="Finished late work", due_date=dt.date(2026, 11, 1))  # fmt: skip
    factories.ProgressUpdateFactory(deliverable=finished_late, period=open_period, rag_status=RAG.COMPLETE,
                                    percent_complete=100, state="draft")  # fmt: skip
    factories.ProgressUpdateFactory(deliverable=on_time, period=open_period, state="draft")
    page = home(client, officer)
    assert h1(page) == "Your deliverables"

    def row(title):
        return re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{title}(?:(?!</tr>).)*</tr>", page, re.DOTALL).group(0)

    assert "Overdue" in row(late.title) and "Not started" in row(late.title)
    assert "1 November 2026" in row(late.title)  # dates in full, GOV.UK style
    assert "Overdue" not in row(on_time.title) and "Draft" in row(on_time.title)
    assert "Overdue" not in row("Finished late work")  # due date passed, but complete


def test_board_member_sees_updates_to_review_with_how_long_each_has_waited(
    client, board_member, officer, strategy, open_period, theme
):
    old = submitted(factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, title="Old one"),
                    open_period, days_ago=3)  # fmt: skip
    submitted(factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, title="New one"),
              open_period, days_ago=0)  # fmt: skip
    submitted(factories.DeliverableFactory(strategy=strategy, theme=theme, owner=board_member, title="My own work"),
              open_period, days_ago=5)  # fmt: skip
    page = home(client, board_member)
    assert h1(page) == "Your work"  # they own a deliverable too, so two sections
    assert h2s(page)[:2] == ["Your deliverables", "Updates to review"]
    assert "Waiting 3 days" in page and "Submitted today" in page
    assert reverse("aims:update_review", args=[old.pk]) in page
    assert page.index("Old one") < page.index("New one")  # longest waiting first
    assert "Waiting 5 days" not in page  # nobody reviews their own work
    assert reverse("reports:dashboard", args=[strategy.slug]) in page
    assert "You do not own" not in page


def test_board_member_with_no_other_role_lands_on_updates_to_review(client, board_member, strategy, open_period,
                                                                    officer, theme):  # fmt: skip
    submitted(factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer), open_period, days_ago=1)
    page = home(client, board_member)
    assert h1(page) == "Updates to review"
    assert "Waiting 1 day<" in page and "1 update is waiting for you" in page
    assert "Dashboards" in page and "You do not own" not in page


def test_clerk_sees_progress_reports_with_status_and_latest_version(client, clerk, strategy, open_period):
    issued = report_with_versions(strategy, open_period, clerk, "Autumn progress", ["ready"])
    ReportVersion.objects.filter(report=issued).update(issued_at=timezone.now(), issued_by=clerk)
    report_with_versions(strategy, open_period, clerk, "Winter progress", ["ready", "generating"])
    report_with_versions(strategy, open_period, clerk, "Draft report", [])
    page = home(client, clerk)
    assert h1(page) == "Progress reports"
    assert "Autumn progress" in page and "Issued" in page
    winter = re.search(r"Winter progress(?:(?!</tr>).)*</tr>", page, re.DOTALL).group(0)
    assert "Version 2" in winter and "Generating" in winter
    assert "No PDF yet" in page
    assert reverse("reports:report_create", args=[strategy.slug]) in page
    assert "You do not own" not in page


def test_lead_sees_their_strategies(client, lead, strategy, other_strategy):
    page = home(client, lead)
    assert h1(page) == "Your strategies"
    assert strategy.title in page and other_strategy.title not in page
    assert "Strategy lead" in page and reverse("reports:dashboard", args=[strategy.slug]) in page
    assert "You do not own" not in page


def test_someone_with_several_roles_gets_a_section_for_each(client, strategy, other_strategy, open_period):
    person = factories.UserFactory()
    for where, role in [(strategy, Role.BOARD), (other_strategy, Role.CLERK), (strategy, Role.LEAD)]:
        factories.MembershipFactory(user=person, strategy=where, role=role)
    page = home(client, person)
    assert h1(page) == "Your work"
    assert h2s(page)[:3] == ["Updates to review", "Progress reports", "Your strategies"]


def test_someone_with_no_role_is_told_who_to_ask(client):
    page = home(client, factories.UserFactory())
    assert "You have not been given a role in a strategy yet" in page
    assert "Ask your council's strategy lead" in page
    assert "You do not own" not in page


def test_an_officer_with_no_deliverables_is_told_what_will_appear(client, officer, strategy):
    page = home(client, officer)
    assert h1(page) == "Your deliverables"
    assert "When your strategy lead makes you the owner or a contributor of a deliverable" in page


def test_home_query_count_does_not_grow_with_the_data(client, django_assert_max_num_queries):
    """A person holding every role in three strategies, with many deliverables, updates and reports."""
    person = factories.UserFactory()

    def build(n):
        for _ in range(3):
            strategy = factories.StrategyFactory()
            period = factories.PeriodFactory(strategy=strategy)
            theme = factories.ThemeFactory(strategy=strategy)
            for role in Role.values:
                factories.MembershipFactory(user=person, strategy=strategy, role=role)
            for i in range(n):
                mine = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=person)
                factories.ProgressUpdateFactory(deliverable=mine, period=period, state="draft")
                others = factories.DeliverableFactory(strategy=strategy, theme=theme)
                submitted(others, period, days_ago=i)
                report_with_versions(strategy, period, person, f"Report {i}", ["ready", "failed"])

    client.force_login(person)
    client.get(reverse("home"))  # the session's first-request writes
    counts = []
    for n in (4, 7):  # more updates to review than the home page shows, both times
        build(n)
        cache.clear()  # the officer's part renders afresh each time
        with django_assert_max_num_queries(20) as queries:
            page = client.get(reverse("home")).content.decode()
        counts.append(len(queries.captured_queries))
        assert h2s(page)[:4] == ["Your deliverables", "Updates to review", "Progress reports", "Your strategies"]
    assert counts[0] == counts[1], counts
