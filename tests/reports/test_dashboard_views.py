import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from aims.models import Strategy
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
                deliverable=d, period=period, state="submitted", rag_status=["red", "amber", "green"][i % 3],
                corrective_action="Plan",
            )  # fmt: skip
        if i % 7 == 0:
            factories.DeliverablePrincipleFactory(deliverable=d, principle=principle)


@pytest.mark.parametrize("n", [20, 500])
def test_dashboard_query_count_does_not_grow(client, strategy, open_period, board_member, n,
                                             django_assert_max_num_queries):  # fmt: skip
    _build(strategy, open_period, n)
    client.force_login(board_member)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("reports:dashboard", args=[strategy.slug]))
    assert response.status_code == 200
    assert response.context["summary"].total == n
    assert len(response.context["table_rows"]) == min(n, 50)  # paginated


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
        by_ref = {r.deliverable.reference: r for r in figures.rows}
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
    update = factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period, state="submitted",
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
