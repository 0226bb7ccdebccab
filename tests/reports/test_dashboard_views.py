import csv
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aims.models import Deliverable, Strategy
from reports.exports import CSV_COLUMNS, spreadsheet_safe
from tests import factories

pytestmark = pytest.mark.django_db


def test_dashboard_anonymous_wrong_role_right_role(client, strategy, open_period, outsider, board_member, officer):
    url = reverse("reports:dashboard", args=[strategy.slug])
    csv_url = reverse("reports:dashboard_csv", args=[strategy.slug])
    assert client.get(url).status_code == 302
    assert client.get(csv_url).status_code == 302
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    assert client.get(csv_url).status_code == 403
    for person in (board_member, officer):
        client.force_login(person)
        assert client.get(url).status_code == 200
        assert client.get(csv_url).status_code == 200


def test_dashboard_index_lists_or_redirects(client, strategy, open_period, board_member, other_strategy):
    client.force_login(board_member)
    response = client.get(reverse("reports:dashboard_index"))
    assert response.status_code == 302 and response["Location"].endswith(f"/strategies/{strategy.slug}/dashboard/")
    factories.MembershipFactory(user=board_member, strategy=other_strategy, role="board")
    page = client.get(reverse("reports:dashboard_index")).content.decode()
    assert strategy.title in page and other_strategy.title in page


def test_unknown_period_is_not_found(client, strategy, open_period, board_member, other_strategy):
    client.force_login(board_member)
    other_period = factories.PeriodFactory(strategy=other_strategy)
    url = reverse("reports:dashboard", args=[strategy.slug])
    assert client.get(url, {"period": other_period.pk}).status_code == 404


def _build(strategy, period, n):
    aims = [factories.AimFactory(strategy=strategy, number=i) for i in (1, 2, 3)]
    themes = []
    for i in range(1, 5):
        theme = factories.ThemeFactory(strategy=strategy, number=i)
        theme.aims.set(aims[: (i % 3) + 1])
        themes.append(theme)
    principle = factories.PrincipleFactory(strategy=strategy, number=1)
    owners = [factories.UserFactory() for _ in range(5)]
    for i in range(n):
        d = factories.DeliverableFactory(strategy=strategy, theme=themes[i % 4], owner=owners[i % 5])
        if i % 4:
            factories.ProgressUpdateFactory(
                deliverable=d, period=period, state="accepted", rag_status=["red", "amber", "green"][i % 3],
                corrective_action="Plan",
            )  # fmt: skip
        if i % 7 == 0:
            factories.DeliverablePrincipleFactory(deliverable=d, principle=principle)


@pytest.mark.parametrize("n", [20, 500])
def test_dashboard_query_count_does_not_grow(client, strategy, open_period, board_member, n,
                                             django_assert_max_num_queries):  # fmt: skip
    _build(strategy, open_period, n)
    client.force_login(board_member)
    # 31 at both sizes: the figures from status rows, the page, the chase list, coverage and the (empty)
    # performance indicators section.
    with django_assert_max_num_queries(31):
        response = client.get(reverse("reports:dashboard", args=[strategy.slug]))
    assert response.status_code == 200
    assert response.context["summary"].total == n
    assert len(response.context["table_rows"]) == min(n, 50)  # paginated
    chase = response.context["chase"]  # every fourth deliverable has no update
    assert (chase.deliverables, chase.owners) == (n // 4, 5)
    assert sum(len(group.items) for group in chase.groups) == min(n // 4, 50)


def test_filters_drill_down(client, strategy, open_period, board_member):
    _build(strategy, open_period, 30)
    client.force_login(board_member)
    url = reverse("reports:dashboard", args=[strategy.slug])
    response = client.get(url, {"period": open_period.pk, "status": "red"})
    rows = response.context["table_rows"]
    assert rows and {r.status for r in rows} == {"red"}
    assert len(rows) == response.context["summary"].counts["red"]
    aim = strategy.aims.get(number=3)
    response = client.get(url, {"aim": aim.pk})
    expected = dict((a.pk, f.total) for a, f in response.context["figures"].by_aim)[aim.pk]
    assert response.context["page_obj"].paginator.count == expected


def test_csv_is_spreadsheet_safe_and_escapes_nothing_away(client, strategy, open_period, board_member, theme):
    factories.DeliverableFactory(strategy=strategy, theme=theme, title='=HYPERLINK("http://evil")', reference="X-1")
    client.force_login(board_member)
    response = client.get(reverse("reports:dashboard_csv", args=[strategy.slug]))
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == CSV_COLUMNS
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    assert [spreadsheet_safe(v) for v in ["+1", "-2", "@x", "plain", 5]] == ["'+1", "'-2", "'@x", "plain", "5"]


def test_csv_and_dashboard_agree_on_the_demo_data(client):
    call_command("load_demo", verbosity=0)
    from accounts.models import User

    client.force_login(User.objects.get(username="board"))
    for strategy in Strategy.objects.all():
        dashboard = client.get(reverse("reports:dashboard", args=[strategy.slug]), {"page": 1})
        figures = dashboard.context["figures"]
        response = client.get(reverse("reports:dashboard_csv", args=[strategy.slug]))
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        assert len(rows) == figures.summary.total
        # The dashboard's table, page by page as it is shown (it reads only the page's rows).
        shown = list(dashboard.context["table_rows"])
        for number in range(2, dashboard.context["page_obj"].paginator.num_pages + 1):
            page = client.get(reverse("reports:dashboard", args=[strategy.slug]), {"page": number})
            shown += list(page.context["table_rows"])
        by_ref = {r.deliverable.reference: r for r in shown}
        assert len(by_ref) == len(rows)
        for row in rows:
            expected = by_ref[row["Reference"]]
            assert row["RAG status"] == expected.status_label
            assert int(row["Percent complete"]) == expected.percent
        counts = {}
        for row in rows:
            counts[row["RAG status"]] = counts.get(row["RAG status"], 0) + 1
        assert counts == {label: n for label, n in (
            (r[1], r[2]) for r in dashboard.context["rag_items"]) if n}  # fmt: skip


def test_cached_dashboard_shows_a_change_at_once(client, strategy, open_period, board_member, theme,
                                                 django_assert_max_num_queries):  # fmt: skip
    deliverable = factories.DeliverableFactory(strategy=strategy, theme=theme)
    update = factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period, state="accepted",
                                             rag_status="green")  # fmt: skip
    client.force_login(board_member)
    url = reverse("reports:dashboard", args=[strategy.slug])
    green_link = f'?period={open_period.pk}&amp;status=green#deliverables" aria-label="1 Green'
    assert green_link in client.get(url).content.decode()
    with django_assert_max_num_queries(10):  # served from the cache (30 when computed)
        client.get(url)
    update.rag_status, update.corrective_action = "red", "Recovery plan"
    update.save()  # raises the strategy's data_version, so the cached body is not used
    page = client.get(url).content.decode()
    assert 'aria-label="1 Red' in page and 'aria-label="0 Green' in page


def _chase_section(page: str) -> str:
    return page[page.index('id="chase"') : page.index('id="coverage"')]


def _waiting(strategy, owners_and_counts):
    """Deliverables with no update, `count` for each owner, references in owner order."""
    theme = factories.ThemeFactory(strategy=strategy)
    for owner, count in owners_and_counts:
        for i in range(count):
            factories.DeliverableFactory(
                strategy=strategy, theme=theme, owner=owner, reference=f"{owner.last_name}-{i:03}"
            )


def test_chase_list_is_paginated_by_its_own_page_number(client, strategy, open_period, board_member):
    owners = [factories.UserFactory(first_name="Officer", last_name=name) for name in ("Able", "Baker", "Cole")]
    _waiting(strategy, [(owners[0], 30), (owners[1], 60), (owners[2], 30)])  # 120; Baker spans pages 1 to 2
    client.force_login(board_member)
    url = reverse("reports:dashboard", args=[strategy.slug])

    chase = _chase_section(client.get(url).content.decode())
    assert "120 deliverables from 3 owners are waiting for an update." in chase
    assert "Deliverables waiting for an update, by owner" in chase
    assert chase.count('<tr class="govuk-table__row">') == 1 + 50  # the header row and 50 deliverables
    assert "Able-000" in chase and "Baker-019" in chase and "Baker-020" not in chase
    assert 'aria-label="Chase list pages"' in chase
    assert 'href="?chase_page=2#chase" rel="next"' in chase and 'href="?chase_page=3#chase"' in chase

    # Page 2 of the chase list with page 2 of the deliverables table: each keeps the other's page number.
    response = client.get(url, {"period": open_period.pk, "page": 2, "chase_page": 2})
    page = response.content.decode()
    chase = _chase_section(page)
    assert response.context["page_obj"].number == 2 and response.context["chase"].page.number == 2
    assert chase.count('<tr class="govuk-table__row">') == 1 + 50
    assert "Baker-019" not in chase and "Baker-020" in chase and "Cole-009" in chase and "Cole-010" not in chase
    # Baker's name heads the first row of the page again, marked as continued, with Baker's total.
    assert re.search(r'rowspan="40" class="govuk-table__header">Officer Baker \(continued\).*?60 waiting', chase, re.S)
    assert f'href="?period={open_period.pk}&amp;page=2&amp;chase_page=1#chase" rel="prev"' in chase
    assert f'href="?period={open_period.pk}&amp;page=2&amp;chase_page=3#chase" rel="next"' in chase
    deliverables = page[page.index('id="deliverables"') :]
    assert f'href="?period={open_period.pk}&amp;chase_page=2&amp;page=3"' in deliverables

    chase = _chase_section(client.get(url, {"chase_page": 3}).content.decode())
    assert chase.count('<tr class="govuk-table__row">') == 1 + 20
    assert "Cole-010" in chase and "Cole-029" in chase and 'rel="next"' not in chase


@pytest.mark.parametrize(
    ("counts", "sentence"),
    [
        ([1], "1 deliverable from 1 owner is waiting for an update."),
        ([2], "2 deliverables from 1 owner are waiting for an update."),
        ([1, 1], "2 deliverables from 2 owners are waiting for an update."),
    ],
)
def test_chase_list_summary_sentence(client, strategy, open_period, board_member, counts, sentence):
    _waiting(strategy, [(factories.UserFactory(), n) for n in counts])
    client.force_login(board_member)
    chase = _chase_section(client.get(reverse("reports:dashboard", args=[strategy.slug])).content.decode())
    assert sentence in chase
    assert "govuk-pagination" not in chase  # one page: no pagination


def test_chase_list_when_everyone_has_reported(client, strategy, open_period, board_member, deliverable):
    factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period, state="submitted")
    client.force_login(board_member)
    chase = _chase_section(client.get(reverse("reports:dashboard", args=[strategy.slug])).content.decode())
    assert "Everyone has submitted an update." in chase and "<table" not in chase


def test_chase_list_query_count_does_not_grow_with_its_pages(client, strategy, open_period, board_member):
    owner = factories.UserFactory()
    _waiting(strategy, [(owner, 3)])
    client.force_login(board_member)
    url = reverse("reports:dashboard", args=[strategy.slug])
    client.get(url)  # the first request after signing in also saves the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, {"chase_page": 1}).context["chase"].deliverables == 3  # computed, not cached
    _waiting(strategy, [(factories.UserFactory(), 110), (factories.UserFactory(), 40)])
    with CaptureQueriesContext(connection) as large:
        response = client.get(url, {"chase_page": 2})
    assert response.context["chase"].page.number == 2 and response.context["chase"].deliverables == 153
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_lead_service_filter_offers_each_service_once(strategy, theme):
    from reports.filters import DeliverableFilter

    for service in ["ICT", "ICT", "Housing", "ICT", ""]:
        factories.DeliverableFactory(strategy=strategy, theme=theme, lead_service=service)
    filterset = DeliverableFilter(None, queryset=Deliverable.objects.none(), strategy=strategy, as_at=None)
    assert filterset.filters["lead_service"].extra["choices"] == [("Housing", "Housing"), ("ICT", "ICT")]
