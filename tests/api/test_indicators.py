"""The performance indicator endpoints: the public reads published indicators' accepted figures only, without
names; the owner saves and submits draft figures through indicators.services, guarded by `version`."""

from decimal import Decimal

import pytest

from indicators.models import IndicatorActual
from tests.api.conftest import bearer, make_token
from tests.indicators.helpers import indicator_with_periods

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(strategy, officer):
    """A published strategy with a published indicator (an accepted 75, then a submitted 99 and a draft 98) and
    an unpublished one."""
    strategy.is_published = True
    strategy.save()
    shown = indicator_with_periods(strategy=strategy, owner=officer, targets=["80", "80"], actuals=["75"],
                                   reference="PI-A", title="Calls answered", is_published=True,
                                   decimal_places=0)  # fmt: skip
    second, third = shown.periods.all()[1:3]
    IndicatorActual.objects.create(period=second, value=Decimal("99"), state="submitted", author=officer)
    IndicatorActual.objects.create(period=third, value=Decimal("98"), state="draft", author=officer, note="SECRET")
    hidden = indicator_with_periods(strategy=strategy, owner=officer, targets=["1"], actuals=["2"],
                                    reference="PI-B", title="SECRET indicator", is_published=False,
                                    decimal_places=0)  # fmt: skip
    return strategy, shown, hidden


def test_the_public_reads_published_indicators_and_accepted_figures_only(client, published):
    strategy, shown, hidden = published
    response = client.get(f"/api/strategies/{strategy.slug}/indicators")
    assert response.status_code == 200
    text = response.content.decode()
    assert "SECRET" not in text and "99" not in text and "98" not in text and "officer" not in text
    body = response.json()
    assert body["count"] == 1
    [item] = body["items"]
    assert (item["reference"], item["value"], item["status"], item["owner"]) == ("PI-A", "75", "red", None)
    assert item["unit"] == "percent" and item["value_text"] == "75%"


def test_full_access_reads_every_indicator_with_its_owner(client, published, board_member):
    strategy, shown, hidden = published
    body = client.get(f"/api/strategies/{strategy.slug}/indicators", **bearer(make_token(board_member))).json()
    assert [i["reference"] for i in body["items"]] == ["PI-A", "PI-B"]
    assert all(i["owner"] for i in body["items"])
    page = client.get(f"/api/strategies/{strategy.slug}/indicators?limit=1&offset=1",
                      **bearer(make_token(board_member))).json()  # fmt: skip
    assert [i["reference"] for i in page["items"]] == ["PI-B"] and page["previous"] and page["next"] is None


def test_the_indicator_detail_shows_its_series_of_accepted_figures(client, published, board_member):
    strategy, shown, hidden = published
    public = client.get(f"/api/indicators/{shown.pk}").json()
    first, second, third = public["series"][:3]
    assert (first["value"], first["target_text"], first["status"]) == ("75", "80%", "red")
    assert second["value"] is None and second["pending_state"] is None and third["pending_version"] is None
    assert "SECRET" not in str(public) and "99" not in str(public)
    full = client.get(f"/api/indicators/{shown.pk}", **bearer(make_token(board_member))).json()
    assert [r["pending_state"] for r in full["series"][:3]] == [None, "submitted", "draft"]
    assert full["series"][1]["value"] is None  # submitted, not accepted: never the reported figure


def test_an_unpublished_indicator_is_refused_as_the_screens_refuse(client, published, outsider, board_member):
    strategy, shown, hidden = published
    assert client.get(f"/api/indicators/{hidden.pk}").status_code == 401
    refused = client.get(f"/api/indicators/{hidden.pk}", **bearer(make_token(outsider)))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert client.get(f"/api/indicators/{hidden.pk}", **bearer(make_token(board_member))).status_code == 200
    assert client.get("/api/indicators/999999").json()["error"]["code"] == "not_found"


def _put(client, indicator, period, body, raw):
    url = f"/api/indicators/{indicator.pk}/actuals/{period.pk}"
    return client.put(url, body, content_type="application/json", **bearer(raw))


def test_the_owner_saves_a_draft_figure_and_submits_it(client, published, officer):
    strategy, shown, hidden = published
    period = shown.periods.all()[3]
    raw = make_token(officer)
    saved = _put(client, shown, period, {"value": "81.5", "note": "From the phone system", "version": 0}, raw)
    assert saved.status_code == 200, saved.content
    assert (saved.json()["state"], saved.json()["value"], saved.json()["version"]) == ("draft", "81.5", 1)
    actual = IndicatorActual.objects.get(period=period)
    assert (actual.value, actual.note, actual.author) == (Decimal("81.5"), "From the phone system", officer)
    assert actual.history.count() == 1  # who and when, as on the screens
    later = _put(client, shown, period, {"not_available": True, "expected_on": "2027-01-31", "version": 1}, raw)
    assert later.status_code == 200 and later.json()["value"] is None and later.json()["expected_on"] == "2027-01-31"
    url = f"/api/indicators/{shown.pk}/actuals/{period.pk}/submit"
    unsaved = f"/api/indicators/{shown.pk}/actuals/{shown.periods.all()[4].pk}/submit"
    nothing = client.post(unsaved, {"version": 0}, content_type="application/json", **bearer(raw))
    assert nothing.status_code == 409 and nothing.json()["error"]["code"] == "not_ready"
    submitted = client.post(url, {"version": 2}, content_type="application/json", **bearer(raw))
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    again = _put(client, shown, period, {"value": "1", "version": 3}, raw)
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_recordable"


def test_a_stale_version_is_refused_and_nothing_is_saved(client, published, officer):
    strategy, shown, hidden = published
    period = shown.periods.all()[2]  # its draft 98 is at version 1
    response = _put(client, shown, period, {"value": "5", "version": 0}, make_token(officer))
    assert response.status_code == 409 and response.json()["error"]["code"] == "edit_conflict"
    assert IndicatorActual.objects.get(period=period).value == Decimal("98")


def test_correcting_an_accepted_figure_starts_a_revision_and_keeps_the_reported_one(client, published, officer):
    strategy, shown, hidden = published
    period = shown.periods.all()[0]
    response = _put(client, shown, period, {"value": "76", "version": 0}, make_token(officer))
    assert response.status_code == 200 and response.json()["revision"] == 2
    assert client.get(f"/api/indicators/{shown.pk}").json()["series"][0]["value"] == "75"


def test_only_the_owner_records_a_figure(client, published, board_member, lead, officer):
    strategy, shown, hidden = published
    period = shown.periods.all()[3]
    assert _put(client, shown, period, {"value": "1", "version": 0}, None).status_code == 401
    for person in (board_member, lead):
        refused = _put(client, shown, period, {"value": "1", "version": 0}, make_token(person))
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert not IndicatorActual.objects.filter(period=period).exists()
    future = shown.periods.order_by("-start_date").first()
    assert _put(client, shown, future, {"value": "1", "version": 0}, make_token(officer)).status_code == 409


@pytest.mark.parametrize(
    "body, code",
    [
        ({"value": "lots", "version": 0}, "invalid_request"),
        ({"value": "1.23456", "version": 0}, "invalid_request"),
        ({"evidence_url": "ftp://files", "version": 0}, "invalid_request"),
        ({"note": "a\x00b", "version": 0}, "invalid_request"),
        ({"value": 81.5, "version": 0}, "invalid_request"),  # a figure is a decimal string, never a float
        ({"value": "1", "version": False}, "invalid_request"),
        ({"not_available": "yes", "expected_on": "2027-01-31", "version": 0}, "invalid_request"),
        ({"value": "1", "not_available": True, "version": 0}, "rule_broken"),
    ],
)
def test_a_bad_figure_is_refused_in_the_one_error_shape(client, published, officer, body, code):
    strategy, shown, hidden = published
    period = shown.periods.all()[3]
    response = _put(client, shown, period, body, make_token(officer))
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    assert not IndicatorActual.objects.filter(period=period).exists()


def test_listing_indicators_takes_a_fixed_number_of_queries(client, published, officer, django_assert_max_num_queries):
    strategy, shown, hidden = published
    for n in range(8):
        indicator_with_periods(strategy=strategy, owner=officer, targets=["5", "6"], actuals=["4", "7"],
                               reference=f"PI-X{n}", is_published=True)  # fmt: skip
    raw = make_token(officer)
    with django_assert_max_num_queries(12):
        full = client.get(f"/api/strategies/{strategy.slug}/indicators", **bearer(raw))
    with django_assert_max_num_queries(10):
        public = client.get(f"/api/strategies/{strategy.slug}/indicators")
    assert full.json()["count"] == 10 and public.json()["count"] == 9
