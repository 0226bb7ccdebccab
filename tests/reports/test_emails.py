"""Every email the portal sends, word for word: subject, recipients and plain-text body.

The text is what people have been receiving; these tests hold it while the emails move into templates.
Titles carry characters HTML would escape (&, <, quotes): a plain-text email must show them as typed.
"""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from aims.models import RAG, ProgressUpdate, ReportingPeriod
from aims.services import notify_update_returned, notify_update_submitted
from reports.scheduled import draft_report_for, reminders_send
from tests import factories

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


def test_reminder_on_the_deadline(strategy, open_period, waiting, people):
    first, second = waiting
    assert reminders_send(today=open_period.deadline)["officer"] == 1
    (email,) = mail.outbox
    assert email.subject == f"Progress updates due today: {strategy.title}"
    assert email.body.startswith("Your progress updates for October 2026 to March 2027 are due today. These have")


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
