import logging
import os
import subprocess
import sys

import pytest
from django.db import OperationalError
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_lockout_after_repeated_failures_with_a_clear_message(client, officer, settings):
    settings.AXES_FAILURE_LIMIT = 3
    url = reverse("login")
    for _ in range(2):
        page = client.post(url, {"username": officer.username, "password": "wrong"}).content.decode()
        assert "Enter a correct username and password" in page
    response = client.post(url, {"username": officer.username, "password": "wrong"})
    assert response.status_code == 429
    assert "Sign-in locked for now" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post(url, {"username": officer.username, "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_sign_ins_failures_and_refusals_are_logged(client, officer, outsider, strategy, caplog):
    caplog.set_level(logging.INFO, logger="portal.security")
    client.post(reverse("login"), {"username": officer.username, "password": "wrong"})
    client.post(reverse("login"), {"username": officer.username, "password": factories.PASSWORD})
    client.force_login(outsider)
    client.get(reverse("aims:strategy_detail", args=[strategy.slug]))
    lines = [r.getMessage() for r in caplog.records if r.name == "portal.security"]
    assert any(line.startswith(f"failed-sign-in user={officer.username} from=127.0.0.1") for line in lines)
    assert any(line.startswith(f"sign-in user={officer.username} from=127.0.0.1") for line in lines)
    assert any(line.startswith("access-refused user=outsider path=/strategies/") for line in lines)


def test_health_endpoint(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_database_down_gives_the_service_unavailable_page(client, officer, monkeypatch):
    from aims import selectors

    def broken(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(selectors, "officer_deliverable_list", broken)
    client.force_login(officer)
    response = client.get(reverse("home"))
    assert response.status_code == 503
    page = response.content.decode()
    assert "Sorry, the service is unavailable" in page
    assert "connection refused" not in page and "Traceback" not in page
    monkeypatch.undo()
    assert client.get(reverse("home")).status_code == 200  # recovers by itself


def test_error_pages_reveal_nothing_internal(client, officer, settings):
    settings.DEBUG = False
    client.force_login(officer)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Traceback" not in response.content.decode() and "urlpatterns" not in response.content.decode()


def test_security_headers(client):
    response = client.get(reverse("login"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},  # set only for browser tests
        "DJANGO_PRODUCTION": "1",
        "DJANGO_SECRET_KEY": "x" * 20 + "A-long-random-secret-key-for-the-deploy-check-0123456789",
        "DJANGO_ALLOWED_HOSTS": "portal.example.gov.uk",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_session_expires_after_inactivity_and_activity_keeps_it_alive(client, officer, settings, monkeypatch):
    import time

    from django.contrib.sessions.models import Session

    assert settings.SESSION_COOKIE_AGE <= 3600
    client.force_login(officer)
    client.get(reverse("home"))
    session = Session.objects.get()
    first_expiry = session.expire_date
    client.get(reverse("home"))  # within a minute: no write
    assert Session.objects.get().expire_date == first_expiry
    later = time.time() + 120
    monkeypatch.setattr(time, "time", lambda: later)
    client.get(reverse("home"))  # two minutes later: the expiry moves on
    assert Session.objects.get().expire_date > first_expiry
