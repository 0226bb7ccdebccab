"""core.notifications.notify: who gets an email, its two versions, and that a mail outage is only logged.

Uses the review digest's templates (templates/emails/review_digest*); every email is checked word for word in
tests/reports/test_emails.py.
"""

import logging

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from core.notifications import absolute_url, notify

CONTEXT = {"strategy": {"title": "Digital & Data"}, "waiting": 2, "review_url": "https://portal.test/updates/"}


class DownBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the mail server is down")


def test_blank_and_repeated_addresses_are_dropped_and_with_none_nothing_is_sent():
    notify(template="review_digest", to=["", None], context=CONTEXT)
    assert mail.outbox == []
    notify(
        template="review_digest", to=["b@example.gov.uk", "", "a@example.gov.uk", "b@example.gov.uk"], context=CONTEXT
    )
    assert [m.to for m in mail.outbox] == [["a@example.gov.uk", "b@example.gov.uk"]]


def test_one_message_with_a_text_body_and_an_html_alternative(settings):
    settings.PORTAL_BASE_URL = "https://portal.test"
    notify(template="review_digest", to=["a@example.gov.uk"], context=CONTEXT)
    (email,) = mail.outbox
    assert email.subject == "2 updates waiting for review: Digital & Data"
    assert email.from_email == settings.DEFAULT_FROM_EMAIL
    assert email.body == "2 progress updates are waiting for the board's review:\nhttps://portal.test/updates/\n"
    ((html, mimetype),) = email.alternatives
    assert mimetype == "text/html"
    assert '<html lang="en-GB">' in html and "<title>2 updates waiting for review: Digital &amp; Data</title>" in html
    assert '<a href="https://portal.test"' in html  # the portal itself, from portal_url
    assert absolute_url("/updates/") == "https://portal.test/updates/"


def test_a_mail_outage_is_logged_and_never_raised(settings, caplog):
    settings.EMAIL_BACKEND = "tests.core.test_notifications.DownBackend"
    with caplog.at_level(logging.ERROR, logger="core.notifications"):
        notify(template="review_digest", to=["a@example.gov.uk"], context=CONTEXT)
    assert "Could not send the email '2 updates waiting for review: Digital & Data'" in caplog.text
    assert "the mail server is down" in caplog.text
