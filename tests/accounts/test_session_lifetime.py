"""Sessions end a fixed time after sign-in, however active the person is (ASVS 7.3.2; issue #12, finding 7)."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse

from accounts import sessions
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SIGNED_OUT = "You have been signed out because you signed in more than 12 hours ago. Sign in again."


def at(monkeypatch, moment):
    monkeypatch.setattr(time, "time", lambda: moment)


@pytest.mark.parametrize("engine", ["django.contrib.sessions.backends.db", "accounts.sessions"])
def test_a_session_ends_12_hours_after_sign_in_even_while_active(client, officer, settings, monkeypatch, engine):
    settings.SESSION_ENGINE = engine
    start = time.time()
    at(monkeypatch, start)
    assert client.post(reverse("login"), {"username": officer.username, "password": PASSWORD}).status_code == 302
    key = client.cookies["sessionid"].value
    # Active every 50 minutes, well inside the idle timeout, for almost 12 hours.
    for minutes in range(50, 12 * 60, 50):
        at(monkeypatch, start + minutes * 60)
        assert client.get(reverse("home")).status_code == 200, minutes

    at(monkeypatch, start + 12 * 60 * 60 + 1)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == f"{reverse('login')}?next=/"
    assert not Session.objects.filter(session_key=key).exists()
    assert cache.get(sessions.SessionStore.cache_key_prefix + key) is None
    page = client.get(response.url).content.decode()
    assert SIGNED_OUT in page
    assert "Signed in as" not in page

    # Signing in again starts a new 12 hours.
    assert client.post(reverse("login"), {"username": officer.username, "password": PASSWORD}).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_the_lifetime_is_a_setting(client, officer, settings, monkeypatch):
    settings.SESSION_ABSOLUTE_SECONDS = 90 * 60
    start = time.time()
    at(monkeypatch, start)
    client.force_login(officer)
    at(monkeypatch, start + 80 * 60)
    assert client.get(reverse("home")).status_code == 200
    at(monkeypatch, start + 90 * 60 + 1)
    response = client.get(reverse("home"), follow=True)
    assert "you signed in more than 90 minutes ago" in response.content.decode()


@pytest.mark.parametrize(
    "referer, back_to",
    [("http://testserver/strategies/?page=2", "/strategies/?page=2"), ("https://elsewhere.example/", "/"), (None, "/")],
)
def test_a_form_sent_after_the_lifetime_leads_back_to_its_page_not_to_the_post_only_address(
    client, officer, settings, monkeypatch, referer, back_to
):
    """ "Sign out" pressed after 12 hours: signing in again used to lead to a GET of /sign-out/ (405)."""
    start = time.time()
    at(monkeypatch, start)
    client.force_login(officer)
    at(monkeypatch, start + 12 * 60 * 60 + 1)
    headers = {"HTTP_REFERER": referer} if referer else {}
    response = client.post(reverse("logout"), **headers)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={back_to.replace('?', '%3F').replace('=', '%3D')}"
