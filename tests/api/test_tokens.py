"""Personal access tokens: stored hashed, shown once, expiry at most a year, revocation, deactivated people."""

import datetime as dt
import hashlib
import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from api import services, tokens
from api.models import ApiToken
from core.errors import DomainError
from tests import factories
from tests.api.conftest import bearer, make_token

pytestmark = pytest.mark.django_db

STRATEGIES = "/api/strategies"


def test_only_the_hash_and_a_visible_prefix_are_stored(officer):
    raw = make_token(officer)
    token = ApiToken.objects.get()
    assert raw.startswith(f"dsp_{token.prefix}_") and len(raw) > 50
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.objects.values_list(flat=False).get()]
    assert not any(raw in value for value in stored)
    assert raw.split("_", 2)[2] not in " ".join(stored)


def test_a_token_authenticates_as_its_person(client, officer):
    raw = make_token(officer)
    assert tokens.token_authenticate(raw).user == officer
    assert tokens.token_authenticate(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None
    response = client.get(STRATEGIES, **bearer(raw))
    assert response.status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer dsp_00000000_" + "x" * 43, "Basic abc", "Bearer"])
def test_a_bad_token_is_refused_not_treated_as_anonymous(client, header):
    response = client.get(STRATEGIES, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_stops_working(client, officer):
    raw = make_token(officer, days=1)
    assert client.get(STRATEGIES, **bearer(raw)).status_code == 200
    ApiToken.objects.update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert client.get(STRATEGIES, **bearer(raw)).status_code == 401


def test_a_revoked_token_stops_working_and_is_logged(client, officer, caplog):
    raw = make_token(officer)
    token = ApiToken.objects.get()
    with caplog.at_level(logging.INFO, logger="portal.security"):
        services.api_token_revoke(token=token, user=officer)
    assert f"api-token-revoked user=officer1 token={token.prefix}" in caplog.text
    assert client.get(STRATEGIES, **bearer(raw)).status_code == 401


def test_creating_a_token_is_logged_without_the_token(officer, caplog):
    with caplog.at_level(logging.INFO, logger="portal.security"):
        raw = make_token(officer)
    assert "api-token-created user=officer1" in caplog.text and raw not in caplog.text


def test_a_deactivated_persons_token_stops_working(client, officer):
    raw = make_token(officer)
    officer.is_active = False
    officer.save()
    assert client.get(STRATEGIES, **bearer(raw)).status_code == 401


def test_nobody_revokes_another_persons_token(officer, other_officer):
    make_token(officer)
    with pytest.raises(DomainError):
        services.api_token_revoke(token=ApiToken.objects.get(), user=other_officer)
    assert ApiToken.objects.get().revoked_at is None


@pytest.mark.parametrize(
    ("days", "message"),
    [(0, "must be in the future"), (-3, "must be in the future"), (400, "no later than"), (None, "Enter the date")],
)
def test_expiry_is_required_and_at_most_a_year(officer, days, message):
    expires_on = None if days is None else timezone.localdate() + dt.timedelta(days=days)
    with pytest.raises(DomainError, match=message):
        services.api_token_create(user=officer, name="Feed", expires_on=expires_on)
    assert not ApiToken.objects.exists()


def test_a_year_from_today_is_allowed(officer):
    services.api_token_create(user=officer, name="Feed", expires_on=tokens.latest_expiry())
    assert tokens.latest_expiry(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)


def _date(day: dt.date) -> dict:
    return {"expires_on_0": day.day, "expires_on_1": day.month, "expires_on_2": day.year}


def test_the_token_is_shown_once_on_the_confirmation_panel(client, officer):
    client.force_login(officer)
    day = timezone.localdate() + dt.timedelta(days=90)
    response = client.post(reverse("api:token_create"), {"name": "Finance feed", **_date(day)})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "govuk-panel--confirmation" in page and "Token created" in page
    token = ApiToken.objects.get()
    raw = page.split('id="token"', 1)[1].split(">", 1)[1].split("<", 1)[0]
    assert tokens.token_hash(raw) == token.token_hash and token.expires_on == day
    listing = client.get(reverse("api:token_list")).content.decode()
    assert "Finance feed" in listing and raw not in listing and f"dsp_{token.prefix}_" in listing
    assert raw not in str(dict(client.session))


def test_the_create_form_explains_what_is_wrong(client, officer):
    client.force_login(officer)
    response = client.post(reverse("api:token_create"), {"name": " ", "expires_on_0": "31", "expires_on_1": "2",
                                                           "expires_on_2": "2027"})  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "Enter a name for the token" in page and "must be a real date" in page
    response = client.post(
        reverse("api:token_create"), {"name": "x", **_date(timezone.localdate() + dt.timedelta(days=500))}
    )
    assert "no later than" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoke_asks_first_then_revokes(client, officer, other_officer):
    raw = make_token(officer)
    token = ApiToken.objects.get()
    url = reverse("api:token_revoke", args=[token.pk])
    client.force_login(other_officer)
    assert client.get(url).status_code == 404 and client.post(url).status_code == 404
    client.force_login(officer)
    page = client.get(url).content.decode()
    assert "Revoke the token Feed" in page and "Revoke token" in page
    token.refresh_from_db()
    assert token.revoked_at is None
    response = client.post(url, follow=True)
    assert "was revoked" in response.content.decode() and "Revoked" in response.content.decode()
    client.logout()
    assert client.get(STRATEGIES, **bearer(raw)).status_code == 401


def test_a_session_cookie_does_not_authenticate_the_api(client, strategy, officer):
    """Only a bearer token counts: a signed-in browser reads the API as anonymous, so no write needs CSRF."""
    client.force_login(officer)
    factories.DeliverableFactory(strategy=strategy, owner=officer)
    response = client.get(f"/api/strategies/{strategy.slug}")
    assert response.status_code == 401
