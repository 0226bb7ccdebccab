"""The access walk for the JSON API: every operation as anonymous, with a token of each role, of another
strategy's roles, and of the right role, answering as the screen it follows (tests/api/access.py) does."""

import pytest
from django.urls import reverse

from tests import factories
from tests.accounts.test_access_walk import ACCESS, world  # noqa: F401 - `world` is a fixture used below
from tests.api.access import API_ACCESS
from tests.api.conftest import bearer, make_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_world(world, open_period):  # noqa: F811 - the fixture imported above
    people, args = world
    strategy = open_period.strategy
    officer = people["owner"]
    deliverable = strategy.deliverables.get()
    draft = factories.DeliverableFactory(strategy=strategy, theme=deliverable.theme, owner=officer)
    factories.ProgressUpdateFactory(deliverable=draft, period=open_period, state="draft", version=1)
    indicator = strategy.indicators.get()  # the walk's, owned by the officer: published, so the public reads it
    indicator.is_published = True
    indicator.save()
    measured = indicator.periods.all()[2]  # started, with no figure yet: a draft figure, to save and submit
    measured.actuals.create(author=officer, value=5, version=1)
    kwargs = {
        "api-json:strategy_list": {},
        **{name: {"slug": strategy.slug} for name in API_ACCESS if "strategy_detail" in API_ACCESS[name][1]},
        "api-json:deliverable_detail": {"pk": deliverable.pk},
        "api-json:update_list": {"pk": deliverable.pk},
        "api-json:update_save": {"pk": draft.pk, "period_pk": open_period.pk},
        "api-json:update_submit": {"pk": draft.pk, "period_pk": open_period.pk},
        "api-json:indicator_list": {"slug": strategy.slug},
        "api-json:indicator_detail": {"pk": indicator.pk},
        "api-json:actual_save": {"pk": indicator.pk, "period_pk": measured.pk},
        "api-json:actual_submit": {"pk": indicator.pk, "period_pk": measured.pk},
    }
    tokens = {role: make_token(person) for role, person in people.items()}
    return strategy, tokens, kwargs


def _call(client, name, kwargs, raw):
    method, _screen = API_ACCESS[name]
    url = reverse(f"api:{name}", kwargs=kwargs)
    body = {"version": 1, "rag_status": "green", "percent_complete": 50, "achieved": "Done"}
    if method == "get":
        return client.get(url, **bearer(raw))
    return getattr(client, method)(url, body if name.endswith("save") else {"version": 1},
                                   content_type="application/json", **bearer(raw))  # fmt: skip


@pytest.mark.parametrize("name", sorted(API_ACCESS))
def test_api_access_matches_the_screens(client, api_world, name):
    strategy, tokens, kwargs = api_world
    _method, screen = API_ACCESS[name]
    allowed = ACCESS[screen][1]
    anonymous = _call(client, name, kwargs[name], None)
    if name == "api-json:strategy_list":
        assert anonymous.status_code == 200 and anonymous.json()["count"] == 0  # nothing is published
    else:
        assert anonymous.status_code == 401, f"anonymous {name}: {anonymous.status_code}"
    for role, raw in tokens.items():
        response = _call(client, name, kwargs[name], raw)
        if role in allowed:
            assert response.status_code == 200, f"{role} should reach {name}, got {response.status_code}"
        else:
            assert response.status_code in (403, 404), f"{role} should be refused {name}, got {response.status_code}"
            assert response.json()["error"]["code"] in ("forbidden", "not_found")


@pytest.mark.parametrize("name", sorted(API_ACCESS))
def test_a_published_strategy_is_read_by_anyone_and_written_by_its_recorders_only(client, api_world, name):
    strategy, tokens, kwargs = api_world
    strategy.is_published = True
    strategy.save()
    method, _screen = API_ACCESS[name]
    anonymous = _call(client, name, kwargs[name], None)
    outsider = _call(client, name, kwargs[name], tokens["outsider"])
    if method == "get":
        assert anonymous.status_code == 200 and outsider.status_code == 200, name
    else:
        assert anonymous.status_code == 401 and outsider.status_code == 403, name
