"""Sign-in lockout, slow-down and password-reset limits (issue #12, findings 5 and 6), through the real views.

Behind the reverse proxy every request comes from the proxy's address (REMOTE_ADDR) and carries the client's
address in X-Forwarded-For, as the proxy appends it; TRUSTED_PROXY_COUNT tells the portal to read it from there.
Time passing is simulated by moving the stored attempt times back, as if the requests had been made earlier.
"""

import logging
import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client
from django.urls import reverse

from accounts.models import RateLimitCounter
from tests import factories

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
NEW_PASSWORD = "a-new-long-passphrase-2027"


def sign_in(client, username, password, address=None, forwarded=None):
    """Post the sign-in form as it arrives behind the proxy (address) or directly (no address)."""
    extra = {}
    if address or forwarded:
        extra = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded or address}
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def earlier(seconds):
    """As if every failed sign-in so far had happened `seconds` earlier."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=seconds))


def signed_in(response):
    return response.status_code == 302 and response.url == reverse("home")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Autouse, so it comes before the users are made. Each sign-in then takes milliseconds, not half a second,
    which keeps the waits asked (counted from the last failure) exact, and the many sign-ins quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


# Finding 5: the lockout must not lock out the real person, nor everyone behind the proxy.


def test_behind_the_proxy_each_person_is_known_by_their_own_address(behind_proxy, officer, caplog):
    caplog.set_level(logging.INFO, logger="portal.security")
    attacker = Client()
    for _ in range(4):
        page = sign_in(attacker, officer.username, "wrong", "203.0.113.9").content.decode()
        assert "Enter a correct username and password" in page
    assert sign_in(attacker, officer.username, "wrong", "203.0.113.9").status_code == 429
    # A forged X-Forwarded-For does not help: the proxy appends the address it saw, and that is the one read.
    assert sign_in(attacker, officer.username, "wrong", forwarded="198.51.100.7, 203.0.113.9").status_code == 429

    person = Client()
    assert signed_in(sign_in(person, officer.username, factories.PASSWORD, "198.51.100.7"))
    lines = [r.getMessage() for r in caplog.records if r.name == "portal.security"]
    assert f"failed-sign-in user={officer.username} from=203.0.113.9" in lines
    assert f"sign-in user={officer.username} from=198.51.100.7" in lines
    assert f"locked-out user={officer.username} from=203.0.113.9 lock=username-and-address" in lines
    assert not any(f"from={PROXY}" in line for line in lines)


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(officer):
    attacker = Client()
    for n in range(4):
        sign_in(attacker, officer.username, "wrong", f"203.0.113.{n}")  # REMOTE_ADDR is all that counts
    assert sign_in(attacker, officer.username, "wrong", "203.0.113.99").status_code == 429


def test_behind_two_proxies_the_client_is_the_second_entry_from_the_right(settings, officer, caplog):
    settings.TRUSTED_PROXY_COUNT = 2
    caplog.set_level(logging.INFO, logger="portal.security")
    # Forged by the client, then appended by the first proxy (the client), then by the second (the first proxy).
    response = sign_in(Client(), officer.username, factories.PASSWORD, forwarded="9.9.9.9, 198.51.100.7, 192.0.2.1")
    assert signed_in(response)
    assert f"sign-in user={officer.username} from=198.51.100.7" in [r.getMessage() for r in caplog.records]


def test_trying_again_while_locked_does_not_make_the_lock_last_longer(client, officer):
    for _ in range(5):
        sign_in(client, officer.username, "wrong")
    earlier(10 * 60)
    assert sign_in(client, officer.username, factories.PASSWORD).status_code == 429  # refused, not counted
    earlier(5 * 60 + 1)  # 15 minutes after the fifth failure, 5 after the refused try
    assert signed_in(sign_in(client, officer.username, factories.PASSWORD))


def waits_asked(response):
    found = re.search(r"Wait (\d+) seconds? and try again", response.content.decode())
    return int(found.group(1)) if found else None


def test_a_username_tried_from_many_addresses_is_slowed_down_never_locked(behind_proxy, officer):
    for n in range(10):
        page = sign_in(Client(), officer.username, "wrong", f"203.0.113.{n}").content.decode()
        assert "Enter a correct username and password" in page

    person = Client()
    response = sign_in(person, officer.username, factories.PASSWORD, "198.51.100.7")
    assert response.status_code == 200 and waits_asked(response) == 1
    assert "There is a problem" in response.content.decode()
    assert "_auth_user_id" not in person.session
    earlier(1)
    assert signed_in(sign_in(person, officer.username, factories.PASSWORD, "198.51.100.7"))


def test_the_wait_grows_with_each_failure_and_is_capped(behind_proxy, officer, settings):
    settings.SIGN_IN_USERNAME_SLOWDOWN_AFTER = 3
    settings.SIGN_IN_USERNAME_MAX_WAIT_SECONDS = 20
    waits = []
    for n in range(9):
        response = sign_in(Client(), officer.username, "wrong", f"203.0.113.{n}")
        wait = waits_asked(response)
        if wait is not None:  # wait as asked, then try again: a wait is not a failure and is never a lock
            waits.append(wait)
            earlier(wait)
            response = sign_in(Client(), officer.username, "wrong", f"203.0.113.{n}")
        assert "Enter a correct username and password" in response.content.decode()
    assert waits == [1, 2, 4, 8, 16, 20]


def test_an_address_the_person_signed_in_from_before_is_not_slowed_down(behind_proxy, officer):
    person = Client()
    assert signed_in(sign_in(person, officer.username, factories.PASSWORD, "198.51.100.7"))
    person.post(reverse("logout"))
    for n in range(12):
        sign_in(Client(), officer.username, "wrong", f"203.0.113.{n}")
    assert signed_in(sign_in(person, officer.username, factories.PASSWORD, "198.51.100.7"))


def test_the_locked_out_page_offers_a_password_reset_which_lifts_the_lock(client, officer, mailoutbox):
    for _ in range(5):
        response = sign_in(client, officer.username, "wrong")
    assert response.status_code == 429
    page = response.content.decode()
    assert "locked for 15 minutes" in page
    assert f'href="{reverse("password_reset")}"' in page and "Reset your password" in page

    client.post(reverse("password_reset"), {"email": officer.email})
    link = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", mailoutbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Set a new password" in form_page.content.decode()
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.url == reverse("password_reset_complete")
    assert signed_in(sign_in(client, officer.username, NEW_PASSWORD))


# Finding 6: password spraying from one address, and password-reset emails.


def test_password_spraying_from_one_address_is_locked_across_usernames(behind_proxy, officer):
    users = [factories.UserFactory(username=f"sprayed{n}") for n in range(12)]
    answers = []
    for _ in range(4):  # 48 attempts, never 5 on one username
        for user in users:
            answers.append(sign_in(Client(), user.username, "wrong", "203.0.113.9"))
    assert all("Enter a correct username and password" in a.content.decode() for a in answers[:29])
    assert [a.status_code for a in answers[29:]] == [429] * 19
    assert "from your network" in answers[29].content.decode()
    assert "Reset your password" not in answers[29].content.decode()  # resetting one password would not help

    # Locked for everyone from that address, even with the right password; other addresses are not affected.
    assert sign_in(Client(), officer.username, factories.PASSWORD, "203.0.113.9").status_code == 429
    assert signed_in(sign_in(Client(), officer.username, factories.PASSWORD, "198.51.100.7"))
    # Attempts while locked are not counted, so the lock ends 15 minutes after the 30th failure.
    earlier(15 * 60 + 1)
    assert signed_in(sign_in(Client(), officer.username, factories.PASSWORD, "203.0.113.9"))


TOO_MANY_RESETS = "You have asked for too many password reset emails. Wait an hour and try again."


def ask_for_reset(client, email, address="192.0.2.10"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def an_hour_passes():
    RateLimitCounter.objects.update(window_start=F("window_start") - timedelta(hours=1, seconds=1))


def test_password_reset_emails_are_limited_per_email_address(client, officer, mailoutbox):
    for n in range(3):
        assert ask_for_reset(client, officer.email, f"192.0.2.{n}").url == reverse("password_reset_done")
    assert len(mailoutbox) == 3
    response = ask_for_reset(client, officer.email.upper(), "192.0.2.50")
    assert response.status_code == 429
    page = response.content.decode()
    assert TOO_MANY_RESETS in page and "There is a problem" in page and "<title>Error: Reset your password" in page
    assert len(mailoutbox) == 3

    # The same answer for an address with no account, so it reveals nothing.
    for _ in range(3):
        assert ask_for_reset(client, "nobody@example.gov.uk").status_code == 302
    assert TOO_MANY_RESETS in ask_for_reset(client, "nobody@example.gov.uk").content.decode()

    an_hour_passes()
    assert ask_for_reset(client, officer.email).status_code == 302
    assert len(mailoutbox) == 4


def test_password_reset_requests_are_limited_per_client_address(behind_proxy, client, mailoutbox):
    users = [factories.UserFactory(username=f"resetter{n}") for n in range(11)]

    def ask(user, address):
        return client.post(
            reverse("password_reset"), {"email": user.email}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address
        )

    for user in users[:10]:
        assert ask(user, "203.0.113.9").status_code == 302
    response = ask(users[10], "203.0.113.9")
    assert response.status_code == 429 and TOO_MANY_RESETS in response.content.decode()
    assert len(mailoutbox) == 10
    assert ask(users[10], "198.51.100.7").status_code == 302  # another person behind the same proxy
    assert len(mailoutbox) == 11
