"""Each endpoint, as the public and as people with tokens: what they read, what they may write, the figures."""

import datetime as dt

import pytest
from django.urls import reverse

from aims.models import ProgressUpdate
from api.endpoints import api
from reports import selectors as figures
from tests import factories
from tests.api.conftest import bearer, make_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(strategy, theme, officer, board_member):
    """A published strategy with a closed period holding an update in every state, and an open period."""
    strategy.is_published = True
    strategy.save()
    closed = factories.PeriodFactory(
        strategy=strategy, label="April to September 2026", start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2026, 9, 30), deadline=dt.date(2026, 9, 30), status="closed",
    )  # fmt: skip
    open_ = factories.PeriodFactory(strategy=strategy)
    made = {}
    for state, rag, percent in [("accepted", "green", 60), ("submitted", "amber", 30), ("returned", "red", 10),
                                ("draft", "green", 90)]:  # fmt: skip
        deliverable = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, title=f"Work {state}")
        factories.ProgressUpdateFactory(deliverable=deliverable, period=closed, state=state, rag_status=rag,
                                        percent_complete=percent, corrective_action="Fix it",
                                        achieved=f"SECRET-{state}")  # fmt: skip
        made[state] = deliverable
    factories.ProgressUpdateFactory(deliverable=made["accepted"], period=open_, state="draft", achieved="SECRET-open")
    return strategy, closed, open_, made


def test_the_public_reads_published_strategies_only(client, strategy, other_strategy):
    strategy.is_published = True
    strategy.save()
    body = client.get("/api/strategies").json()
    assert [s["slug"] for s in body["items"]] == [strategy.slug] and body["items"][0]["access"] == "public"
    assert client.get(f"/api/strategies/{other_strategy.slug}").status_code == 401
    assert client.get(f"/api/strategies/{other_strategy.slug}/deliverables").status_code == 401
    assert client.get("/api/strategies/no-such-strategy").status_code == 404


def test_the_public_sees_only_accepted_progress_of_closed_periods_without_names(client, published):
    strategy, closed, open_, made = published
    response = client.get(f"/api/strategies/{strategy.slug}/deliverables")
    assert response.status_code == 200
    text = response.content.decode()
    assert "SECRET" not in text and "officer1" not in text
    rows = {row["title"]: row for row in response.json()["items"]}
    assert all(row["owner"] is None for row in rows.values())
    assert {title: row["figures"]["period_id"] for title, row in rows.items()} == dict.fromkeys(rows, closed.pk)
    assert rows["Work accepted"]["figures"]["status"] == "green"
    assert rows["Work accepted"]["figures"]["percent_complete"] == 60
    # Submitted, returned and draft updates say nothing to the public: not even "awaiting review".
    for state in ("submitted", "returned", "draft"):
        assert rows[f"Work {state}"]["figures"]["status"] == "no_update", state
        assert rows[f"Work {state}"]["figures"]["reported_percent"] is None
    assert client.get(f"/api/strategies/{strategy.slug}/deliverables?period={open_.pk}").status_code == 404
    periods = client.get(f"/api/strategies/{strategy.slug}/periods").json()["items"]
    assert [p["id"] for p in periods] == [closed.pk]
    for state, deliverable in made.items():
        updates = client.get(f"/api/deliverables/{deliverable.pk}/updates").json()
        assert updates["count"] == (1 if state == "accepted" else 0), state
        assert "SECRET" not in str(updates)
    accepted = client.get(f"/api/deliverables/{made['accepted'].pk}/updates").json()["items"][0]
    assert accepted["state"] == "accepted" and accepted["rag_status"] == "green" and accepted["author"] is None
    assert accepted["achieved"] is None and accepted["version"] is None


def test_full_access_reads_what_the_screens_show(client, published, board_member):
    strategy, closed, open_, made = published
    raw = make_token(board_member)
    body = client.get(f"/api/strategies/{strategy.slug}/deliverables?period={closed.pk}", **bearer(raw)).json()
    rows = {row["title"]: row for row in body["items"]}
    assert rows["Work submitted"]["figures"]["status"] == "awaiting_review"
    assert rows["Work accepted"]["owner"] == made["accepted"].owner.display_name
    # The dashboard's figures, from the same selector.
    dashboard = figures.period_figures(strategy=strategy, period=closed)
    assert {r.deliverable.title: (r.status, r.percent) for r in dashboard.rows} == {
        title: (row["figures"]["status"], row["figures"]["percent_complete"]) for title, row in rows.items()
    }
    updates = client.get(f"/api/deliverables/{made['accepted'].pk}/updates", **bearer(raw)).json()["items"]
    assert [u["state"] for u in updates] == ["accepted", "draft"]  # the deliverable page shows drafts to members
    assert updates[1]["achieved"] == "SECRET-open" and updates[1]["version"] == 1
    only = client.get(f"/api/deliverables/{made['accepted'].pk}/updates?period={open_.pk}", **bearer(raw)).json()
    assert only["count"] == 1 and only["items"][0]["period_id"] == open_.pk
    detail = client.get(f"/api/deliverables/{made['accepted'].pk}", **bearer(raw)).json()
    assert detail["figures"]["period_id"] == open_.pk  # the dashboard's default: the open period


def test_strategy_aims_themes_and_access(client, strategy, theme, lead, outsider):
    aim = factories.AimFactory(strategy=strategy)
    theme.aims.add(aim)
    raw = make_token(lead)
    detail = client.get(f"/api/strategies/{strategy.slug}", **bearer(raw)).json()
    assert detail["access"] == "full" and detail["organisation"]["name"] == strategy.organisation.name
    aims = client.get(f"/api/strategies/{strategy.slug}/aims", **bearer(raw)).json()
    assert [a["id"] for a in aims["items"]] == [aim.pk]
    themes = client.get(f"/api/strategies/{strategy.slug}/themes", **bearer(raw)).json()
    assert themes["items"][0]["aim_ids"] == [aim.pk]
    assert client.get(f"/api/strategies/{strategy.slug}", **bearer(make_token(outsider))).status_code == 403


def test_lists_are_paginated_with_links(client, strategy, theme, lead):
    for _ in range(7):
        factories.DeliverableFactory(strategy=strategy, theme=theme)
    raw = make_token(lead)
    url = f"/api/strategies/{strategy.slug}/deliverables"
    first = client.get(f"{url}?limit=3", **bearer(raw)).json()
    assert first["count"] == 7 and len(first["items"]) == 3 and first["previous"] is None
    assert "offset=3" in first["next"] and first["next"].startswith("http://testserver/api/")
    second = client.get(first["next"], **bearer(raw)).json()
    assert "offset=0" in second["previous"] and len(second["items"]) == 3
    last = client.get(f"{url}?limit=3&offset=6", **bearer(raw)).json()
    assert len(last["items"]) == 1 and last["next"] is None
    seen = [i["id"] for page in (first, second, last) for i in page["items"]]
    assert len(set(seen)) == 7


@pytest.mark.parametrize("count", [5, 40])
def test_list_queries_do_not_grow_with_the_data(client, django_assert_max_num_queries, strategy, theme, lead,
                                                open_period, count):  # fmt: skip
    aims = [factories.AimFactory(strategy=strategy) for _ in range(3)]
    theme.aims.add(*aims)
    for n in range(count):
        deliverable = factories.DeliverableFactory(strategy=strategy, theme=theme)
        factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period, state="accepted")
        factories.StrategyFactory(is_published=True) if n < 10 else None
    raw = make_token(lead)
    first = next(iter(strategy.deliverables.all()))
    client.get("/api/strategies", **bearer(raw))  # the token's last use is written once a minute at most
    for url in [f"/api/strategies/{strategy.slug}/deliverables?limit=100", "/api/strategies?limit=100",
                f"/api/strategies/{strategy.slug}/themes", f"/api/deliverables/{first.pk}/updates"]:  # fmt: skip
        with django_assert_max_num_queries(12):
            assert client.get(url, **bearer(raw)).status_code == 200


def _put(client, deliverable, period, raw, **answers):
    body = {"rag_status": "green", "percent_complete": 40, "achieved": "Pilot launched", "version": 0, **answers}
    return client.put(f"/api/deliverables/{deliverable.pk}/updates/{period.pk}", body,
                      content_type="application/json", **bearer(raw))  # fmt: skip


def test_the_owner_saves_a_draft_with_the_concurrent_edit_guard(client, deliverable, open_period, officer):
    raw = make_token(officer)
    response = _put(client, deliverable, open_period, raw)
    assert response.status_code == 200, response.content
    saved = response.json()
    assert saved["state"] == "draft" and saved["version"] == 1 and saved["percent_complete"] == 40
    again = _put(client, deliverable, open_period, raw, version=1, percent_complete=45)
    assert again.status_code == 200 and again.json()["version"] == 2
    stale = _put(client, deliverable, open_period, raw, version=1, percent_complete=50)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "edit_conflict"
    update = ProgressUpdate.objects.get()
    assert update.percent_complete == 45 and update.version == 2 and update.history.count() == 2
    assert update.history.first().history_user == officer  # who changed it, in the change history
    new = _put(client, factories.DeliverableFactory(strategy=deliverable.strategy, owner=officer), open_period, raw,
               version=0)  # fmt: skip
    assert new.status_code == 200
    # Blank answers in a draft, as "Save as draft" allows.
    blank = _put(client, deliverable, open_period, raw, version=2, rag_status="", percent_complete=None)
    assert blank.status_code == 200 and blank.json()["rag_status"] == ""


def test_only_those_who_may_record_write(client, deliverable, open_period, other_officer, board_member, lead,
                                         outsider):  # fmt: skip
    assert _put(client, deliverable, open_period, None).status_code == 401
    for person in (other_officer, board_member, lead, outsider):
        response = _put(client, deliverable, open_period, make_token(person))
        assert response.status_code == 403, person
    assert not ProgressUpdate.objects.exists()


def test_submitting_follows_the_screens_rules(client, deliverable, open_period, officer):
    raw = make_token(officer)
    url = f"/api/deliverables/{deliverable.pk}/updates/{open_period.pk}/submit"

    def submit(version):
        return client.post(url, {"version": version}, content_type="application/json", **bearer(raw))

    assert submit(0).status_code == 422  # nothing saved yet
    _put(client, deliverable, open_period, raw, rag_status="red", corrective_action="")
    refused = submit(1)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "rule_broken"
    assert "corrective action" in refused.json()["error"]["message"].lower()
    _put(client, deliverable, open_period, raw, version=1, rag_status="red", corrective_action="Extra staff")
    assert submit(1).status_code == 409  # version 2 now: the one checked is not the one saved
    submitted = submit(2)
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    after = _put(client, deliverable, open_period, raw, version=3)
    assert after.status_code == 409 and after.json()["error"]["code"] == "not_recordable"


def test_a_closed_period_cannot_be_recorded(client, deliverable, officer):
    closed = factories.PeriodFactory(strategy=deliverable.strategy, start_date=dt.date(2026, 4, 1),
                                     end_date=dt.date(2026, 9, 30), status="closed")  # fmt: skip
    response = _put(client, deliverable, closed, make_token(officer))
    assert response.status_code == 409 and "not open" in response.json()["error"]["message"]


def test_a_contributor_may_record(client, deliverable, open_period, other_officer):
    deliverable.contributors.add(other_officer)
    assert _put(client, deliverable, open_period, make_token(other_officer)).status_code == 200


def test_the_docs_page_lists_every_operation_and_schema(client):
    page = client.get(reverse("api:docs")).content.decode()
    openapi = api.get_openapi_schema()
    for path, item in openapi["paths"].items():
        for method in item:
            assert f"{method.upper()}</strong> {path}" in page, (method, path)
    for name in openapi["components"]["schemas"]:
        assert f'id="schema-{name}"' in page, name
    assert 'curl -H "Authorization: Bearer' in page and '{"error": {"code": "invalid_request"' in page
    assert "<script src" not in page  # the portal's own page: no Swagger UI, nothing from elsewhere
