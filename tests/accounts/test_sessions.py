"""Sessions in the shared cache (accounts/sessions.py, used when CACHE_URL is set): the database stays the record,
signing out counts at once, and a cache that fails is skipped, never an error."""

import logging
from unittest import mock

import pytest
import redis
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse

from accounts import sessions
from tests.factories import PASSWORD


@pytest.fixture
def cached_sessions(settings):
    settings.SESSION_ENGINE = "accounts.sessions"


def sign_in(client, user):
    page = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert page.status_code == 302, page.content.decode()[:500]
    return client.cookies["sessionid"].value


def signed_in_page(client):
    return client.get(reverse("accessibility")).content.decode()


@pytest.mark.django_db
def test_sessions_are_written_through_to_the_database_and_read_from_the_cache(client, cached_sessions, officer):
    key = sign_in(client, officer)
    assert Session.objects.filter(session_key=key).exists()
    assert cache.get(sessions.SessionStore.cache_key_prefix + key) is not None
    with mock.patch.object(Session.objects, "get", side_effect=AssertionError("read the database")):
        assert "Signed in as" in signed_in_page(client)  # from the cache
    cache.clear()  # as after a Redis restart: read again from the database
    assert "Signed in as" in signed_in_page(client)


@pytest.mark.django_db
def test_signing_out_ends_the_session_in_the_database_and_the_cache(client, cached_sessions, officer):
    key = sign_in(client, officer)
    stolen = client.cookies["sessionid"].value
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert cache.get(sessions.SessionStore.cache_key_prefix + key) is None
    client.cookies["sessionid"] = stolen  # the old cookie, replayed
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_a_session_stays_in_the_cache_minutes_not_the_whole_idle_timeout(client, cached_sessions, officer, settings):
    settings.SESSION_COOKIE_AGE = 60 * 60
    timeouts = []
    real_set = cache.set

    def spy(key, value, timeout=None, *args, **kwargs):
        if key.startswith(sessions.SessionStore.cache_key_prefix):
            timeouts.append(timeout)
        return real_set(key, value, timeout, *args, **kwargs)

    with mock.patch.object(cache, "set", side_effect=spy):
        sign_in(client, officer)
        cache.delete(sessions.SessionStore.cache_key_prefix + client.cookies["sessionid"].value)
        signed_in_page(client)  # read from the database and put back in the cache
    assert timeouts and all(0 < t <= sessions.CACHE_SECONDS for t in timeouts)


@pytest.mark.django_db
def test_with_the_cache_down_people_sign_in_use_pages_and_sign_out(client, cached_sessions, officer, caplog):
    down = redis.exceptions.ConnectionError("Connection refused")
    with (
        mock.patch.object(cache, "get", side_effect=down),
        mock.patch.object(cache, "set", side_effect=down),
        mock.patch.object(cache, "delete", side_effect=down),
        caplog.at_level(logging.WARNING, logger="accounts.sessions"),
    ):
        key = sign_in(client, officer)
        assert "Signed in as" in signed_in_page(client)
        client.post(reverse("logout"))
        assert not Session.objects.filter(session_key=key).exists()
        assert client.get(reverse("home")).status_code == 302
    assert "session cache unavailable (ConnectionError)" in caplog.text
