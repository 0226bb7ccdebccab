"""Every email the portal sends, word for word: subject, recipients and plain-text body, and its HTML version.

The text is what people have been receiving since before the emails moved into templates (core.notifications,
templates/emails/). Titles carry characters HTML would escape (&, <, quotes): the plain text shows them as typed,
the HTML escaped.
"""

import datetime as dt
import re
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Role
from aims.models import RAG, ProgressUpdate, ReportingPeriod
from aims.services import notify_update_returned, notify_update_submitted
from reports.scheduled import draft_report_for, reminders_send
from tests import factories
from tests.aims.test_progress_views import ROWS

pytestmark = pytest.mark.django_db
BASE = "https://portal.example.gov.uk"
TITLE = 'Parking & permits <online> "now" it\'s'


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.PORTAL_BASE_URL = BASE


@pytest.fixture
def people(strategy):
    def person(username, first, last, role):
        user = factories.UserFactory(username=username, first_name=first, last_name=last)
        factories.MembershipFactory(user=user, strategy=strategy, role=role)
        return user

    return {
        "officer": person("officer1", "Olu", "Adeyemi", Role.OFFICER),
        "board": person("board1", "Bea", "Morgan", Role.BOARD),
        "board2": person("board2", "Ben", "Shah", Role.BOARD),
        "clerk": person("clerk1", "Cat", "O'Neill", Role.CLERK),
    }


@pytest.fixture
def work(strategy, theme, open_period, people):
    deliverable = factories.DeliverableFactory(
        strategy=strategy, theme=theme, owner=people["officer"], reference="CE-01", title=TITLE
    )
    update = factories.ProgressUpdateFactory(
        deliverable=deliverable, period=open_period, rag_status=RAG.AMBER, percent_complete=45,
        state=ProgressUpdate.State.SUBMITTED, author=people["officer"],
    )  # fmt: skip
    return deliverable, update


def html_of(email) -> str:
    """The HTML alternative, checked: a page in English titled with the subject, every link absolute."""
    ((html, mimetype),) = email.alternatives
    assert mimetype == "text/html"
    assert html.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    assert f"<title>{escape(email.subject)}</title>" in html
    links = re.findall(r'href="([^"]*)"', html)
    assert links and all(unescape(link).startswith(BASE + "/") or unescape(link) == BASE for link in links)
    assert "<script" not in html and "<online>" not in html
    return html


def test_update_submitted_tells_the_board(work, people, open_period):
    deliverable, update = work
    notify_update_submitted(update_id=update.pk, previous_state=ProgressUpdate.State.DRAFT)
    (email,) = mail.outbox
    assert email.subject == f"Update to review: CE-01 {TITLE}"
    assert email.to == sorted([people["board"].email, people["board2"].email])
    assert email.body == (
        f"Olu Adeyemi submitted the October 2026 to March 2027 update for CE-01 {TITLE} (Amber, 45% complete).\n"
        f"\nReview it: {BASE}{reverse('aims:update_review', args=[update.pk])}\n"
    )
    html = html_of(email)
    assert f'<a href="{BASE}{reverse("aims:update_review", args=[update.pk])}"' in html
    assert f"Review the update for CE-01 {escape(TITLE)}</a>" in html


def test_update_submitted_again_after_it_was_returned(work, people):
    _deliverable, update = work
    notify_update_submitted(update_id=update.pk, previous_state=ProgressUpdate.State.RETURNED)
    assert mail.outbox[0].body.startswith("Olu Adeyemi submitted again the October 2026 to March 2027 update")


def test_update_returned_tells_the_owner_and_author(work, people, open_period):
    deliverable, update = work
    author = factories.UserFactory(username="officer2", first_name="Ade", last_name="Bello")
    ProgressUpdate.objects.filter(pk=update.pk).update(
        state=ProgressUpdate.State.RETURNED, reviewer=people["board"], author=author,
        review_comment="Add the survey figures.\nAnd the <costs> & dates.",
    )  # fmt: skip
    notify_update_returned(update_id=update.pk)
    (email,) = mail.outbox
    assert email.subject == f"Update returned: CE-01 {TITLE}"
    assert email.to == sorted([people["officer"].email, author.email])
    link = reverse("aims:progress_update", args=[deliverable.pk, open_period.pk])
    assert email.body == (
        f"Bea Morgan returned the October 2026 to March 2027 update for CE-01 {TITLE}.\n\nTheir comment:\n"
        f"Add the survey figures.\nAnd the <costs> & dates.\n\nCorrect it: {BASE}{link}\n"
    )
    html = html_of(email)
    assert "Add the survey figures.<br>And the &lt;costs&gt; &amp; dates." in html
    assert f'<a href="{BASE}{link}"' in html


def test_draft_report_tells_the_clerks(strategy, people):
    strategy.title = "Digital & Data Strategy"
    strategy.save()
    period = factories.PeriodFactory(
        strategy=strategy, label="April to September 2026", start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2026, 9, 30), deadline=dt.date(2026, 9, 30), status=ReportingPeriod.Status.CLOSED,
    )  # fmt: skip
    report = draft_report_for(strategy=strategy, period=period)
    (email,) = mail.outbox
    assert email.subject == "Draft progress report ready to check: Digital & Data Strategy, April to September 2026"
    assert email.to == [people["clerk"].email]
    assert email.body == (
        "The reporting period April to September 2026 has closed, and a draft progress report was created from the "
        "accepted updates. Check its text (meeting date, report of, recommendations) and generate it again before "
        f"you issue it:\n{BASE}{reverse('reports:report_detail', args=[report.pk])}\n"
    )
    assert "Digital &amp; Data Strategy, April to September 2026</a>" in html_of(email)


@pytest.fixture
def waiting(strategy, theme, open_period, people):
    """Two deliverables of the officer's with nothing submitted: one untouched, one a draft."""
    first = factories.DeliverableFactory(
        strategy=strategy, theme=theme, owner=people["officer"], reference="CE-01", title=TITLE
    )
    second = factories.DeliverableFactory(
        strategy=strategy, theme=theme, owner=people["officer"], reference="CE-02", title="New website"
    )
    factories.ProgressUpdateFactory(deliverable=second, period=open_period, state=ProgressUpdate.State.DRAFT)
    return first, second


def _detail(deliverable) -> str:
    return BASE + reverse("aims:deliverable_detail", args=[deliverable.pk])


def test_reminder_before_the_deadline(strategy, open_period, waiting, people, settings):
    settings.REMINDER_DAYS_BEFORE_DEADLINE = 7
    first, second = waiting
    assert reminders_send(today=open_period.deadline - dt.timedelta(days=7))["officer"] == 1
    (email,) = mail.outbox
    assert email.subject == f"Progress updates due on 31 March 2027: {strategy.title}"
    assert email.to == [people["officer"].email]
    assert email.body == (
        "Your progress updates for October 2026 to March 2027 are due on 31 March 2027. These have not been "
        f"submitted:\n- CE-01 {TITLE} (No update): {_detail(first)}\n"
        f"- CE-02 New website (Draft not submitted): {_detail(second)}\n"
    )
    html = html_of(email)
    assert f'<li><a href="{_detail(first)}" style="color: #1d70b8;">CE-01 {escape(TITLE)}</a> (No update)</li>' in html


def test_reminder_on_the_deadline(strategy, open_period, waiting, people):
    first, second = waiting
    assert reminders_send(today=open_period.deadline)["officer"] == 1
    (email,) = mail.outbox
    assert email.subject == f"Progress updates due today: {strategy.title}"
    assert email.body.startswith("Your progress updates for October 2026 to March 2027 are due today. These have")
    assert "are due today. These have not been submitted:</p>" in html_of(email)


@pytest.mark.parametrize(
    ("count", "subject", "first_line"),
    [
        (1, "1 update waiting for review", "1 progress update is waiting for the board's review:"),
        (2, "2 updates waiting for review", "2 progress updates are waiting for the board's review:"),
    ],
)
def test_board_digest_on_mondays(strategy, theme, open_period, people, count, subject, first_line):
    for _ in range(count):
        deliverable = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=people["officer"])
        factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period, state="submitted")
    monday = dt.date(2026, 11, 23)
    assert reminders_send(today=monday)["board"] == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people["board"].email, people["board2"].email])
    email = mail.outbox[0]
    assert email.subject == f"{subject}: {strategy.title}"
    assert email.body == f"{first_line}\n{BASE}{reverse('aims:review_list')}\n"
    assert f'<a href="{BASE}{reverse("aims:review_list")}"' in html_of(email)


def test_a_mail_outage_never_undoes_a_submitted_update(client, work, people, open_period, settings,
                                                        django_capture_on_commit_callbacks, caplog):  # fmt: skip
    deliverable, update = work
    ProgressUpdate.objects.filter(pk=update.pk).update(state=ProgressUpdate.State.DRAFT)
    settings.EMAIL_BACKEND = "tests.core.test_notifications.DownBackend"
    client.force_login(people["officer"])
    answers = {"version": "1", "rag_status": "green", "percent_complete": "60", "achieved": "Pilot live.",
               "action": "continue", **ROWS}  # fmt: skip
    args = [deliverable.pk, open_period.pk]
    assert client.post(reverse("aims:progress_update", args=args), answers).status_code == 302  # to check answers
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("aims:progress_update_check", args=args), {"version": "2"})
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.state == ProgressUpdate.State.SUBMITTED
    assert mail.outbox == [] and "Could not send the email 'Update to review: CE-01 Parking" in caplog.text
