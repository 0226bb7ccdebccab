"""One error shape for every error status, documented on every operation; rate limits per address and token."""

import pytest

from api import endpoints, limits, selectors
from api.endpoints import api
from tests.api.conftest import bearer, make_token

pytestmark = pytest.mark.django_db


def assert_error_shape(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["message"] and isinstance(body["error"]["details"], list)
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def test_validation_errors_use_the_one_shape_with_details(client):
    error = assert_error_shape(client.get("/api/strategies?limit=0"), 422, "invalid_request")
    assert error["details"][0]["loc"] == ["query", "limit"]
    assert_error_shape(client.get("/api/deliverables/abc"), 422, "invalid_request")


def test_every_other_error_uses_the_one_shape(client, deliverable, open_period, officer, other_officer, monkeypatch):
    raw = make_token(officer)
    url = f"/api/deliverables/{deliverable.pk}/updates/{open_period.pk}"
    assert_error_shape(client.put(url, "{bad", content_type="application/json", **bearer(raw)), 400, "bad_request")
    assert_error_shape(client.put(url, {"version": 0}, content_type="application/json"), 401, "not_authenticated")
    forbidden = client.put(url, {"version": 0}, content_type="application/json", **bearer(make_token(other_officer)))
    assert_error_shape(forbidden, 403, "forbidden")
    assert_error_shape(client.get("/api/deliverables/999999"), 404, "not_found")
    assert_error_shape(client.get("/api/no/such/thing"), 404, "not_found")
    error = assert_error_shape(client.put(url, {"version": 0, "percent_complete": 101},
                                          content_type="application/json", **bearer(raw)), 422)  # fmt: skip
    assert error["details"][0]["loc"] == ["body", "data", "percent_complete"]

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "strategy_get", broken)
    client.raise_request_exception = False
    error = assert_error_shape(client.get("/api/strategies/anything"), 500, "server_error")
    assert "boom" not in error["message"]


def test_the_schema_documents_the_error_shape_on_every_operation():
    openapi = api.get_openapi_schema()
    error = openapi["components"]["schemas"]["Error"]
    assert error["properties"] == {"error": {"$ref": "#/components/schemas/ErrorBody"}}
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            for status in (400, 401, 403, 404, 422, 429, 500):
                schema = operation["responses"][status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, status)
    assert "HTTPValidationError" not in openapi["components"]["schemas"]  # Ninja's own 422 shape is gone


def test_the_address_limit_answers_429_with_retry_after(client, settings):
    settings.API_RATE_LIMIT_PER_ADDRESS = 3
    for _ in range(3):
        assert client.get("/api/strategies").status_code == 200
    response = client.get("/api/strategies")
    assert_error_shape(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 61
    assert client.get("/api/strategies", REMOTE_ADDR="10.0.0.9").status_code == 200  # another address


def test_the_token_limit_follows_the_token(client, settings, officer, other_officer):
    settings.API_RATE_LIMIT_PER_TOKEN = 2
    raw, other = make_token(officer), make_token(other_officer)
    assert client.get("/api/strategies", **bearer(raw)).status_code == 200
    assert client.get("/api/strategies", REMOTE_ADDR="10.0.0.2", **bearer(raw)).status_code == 200
    limited = client.get("/api/strategies", REMOTE_ADDR="10.0.0.3", **bearer(raw))
    assert_error_shape(limited, 429, "rate_limited") and limited["Retry-After"]
    assert client.get("/api/strategies", **bearer(other)).status_code == 200


def test_wrong_tokens_count_against_the_address(client, settings):
    settings.API_RATE_LIMIT_PER_ADDRESS = 2
    for _ in range(2):
        assert client.get("/api/strategies", HTTP_AUTHORIZATION="Bearer dsp_x_y").status_code == 401
    assert client.get("/api/strategies", HTTP_AUTHORIZATION="Bearer dsp_x_y").status_code == 429


def test_the_window_resets(settings):
    settings.API_RATE_LIMIT_PER_ADDRESS = 1
    assert limits.hit("address", "a", now=120.0) == 0
    assert limits.hit("address", "a", now=150.0) == 31
    assert limits.hit("address", "a", now=180.0) == 0


def test_a_cache_that_does_not_answer_lets_requests_through(monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(limits.cache, "add", down)
    assert limits.hit("address", "a") == 0


def test_no_page_is_documented_without_its_gate():
    assert endpoints.router._decorators == [(endpoints._gate, "view")]
