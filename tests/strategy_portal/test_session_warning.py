"""The sign-out warning (WCAG 2.2.1 Timing Adjustable): signed-in pages carry it with the session's real time left,
and "Stay signed in" starts the inactivity timeout again."""

import datetime as dt
import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def dialog_data(page: str) -> dict[str, str]:
    dialog = re.search(r'<dialog class="app-timeout-dialog" id="timeout-warning"([^>]*)>', page)
    assert dialog, "no sign-out warning on the page"
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', dialog.group(1)))


def test_signed_in_pages_warn_before_the_session_ends(client, officer, settings):
    settings.SESSION_COOKIE_AGE = 1800
    settings.SESSION_WARNING_SECONDS = 90
    client.force_login(officer)
    data = dialog_data(client.get(reverse("home")).content.decode())
    assert data["idle-seconds"] == "1800" and data["warning-seconds"] == "90"
    assert 0 < int(data["absolute-seconds-left"]) <= settings.SESSION_ABSOLUTE_SECONDS
    assert data["keep-alive-url"] == reverse("session_keep_alive")


def test_visitors_who_are_not_signed_in_get_no_warning(client):
    assert "timeout-warning" not in client.get(reverse("login")).content.decode()


def test_stay_signed_in_starts_the_inactivity_timeout_again(client, officer, settings):
    client.force_login(officer)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(seconds=30))
    response = client.post(reverse("session_keep_alive"))
    assert response.status_code == 200 and response.json() == {"idle_seconds": settings.SESSION_COOKIE_AGE}
    expires = Session.objects.get(session_key=key).expire_date
    assert expires > timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_stay_signed_in_needs_a_session(client, officer):
    for call in (client.post, client.get):
        response = call(reverse("session_keep_alive"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(officer)
    assert client.put(reverse("session_keep_alive")).status_code == 405


def test_asking_whether_the_session_is_there_does_not_say_stay(client, officer):
    client.force_login(officer)
    client.get(reverse("home"))  # seen now, so the next request within a minute refreshes nothing by itself
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(seconds=30))
    assert client.get(reverse("session_keep_alive")).status_code == 200
    assert Session.objects.get(session_key=key).expire_date < timezone.now() + dt.timedelta(seconds=60)
