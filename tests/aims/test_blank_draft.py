"""A draft may leave the RAG status and the percent complete blank (issue #14: "Save as draft" saves whatever has
been entered); submitting asks for both, and every page that can show a draft copes with the blanks.

Found in review: "Save as draft" with only "What has been achieved" typed said "Select a RAG status" and "Enter the
percent complete" and saved nothing, since both columns were NOT NULL.
"""

import re

import pytest
from django.urls import reverse

from aims.models import ProgressUpdate
from tests import factories
from tests.aims.test_progress_views import ROWS

pytestmark = pytest.mark.django_db

ACHIEVED_ONLY = {"version": "0", "achieved": "Agreed the scope with Customer Services.", "action": "draft", **ROWS}


@pytest.fixture
def url(deliverable, open_period):
    return reverse("aims:progress_update", args=[deliverable.pk, open_period.pk])


@pytest.fixture
def check(deliverable, open_period):
    return reverse("aims:progress_update_check", args=[deliverable.pk, open_period.pk])


def blank_draft(deliverable, period):
    return factories.ProgressUpdateFactory(
        deliverable=deliverable, period=period, rag_status="", percent_complete=None, state="draft",
        achieved="Agreed the scope.",
    )  # fmt: skip


def error_summary(page: str) -> list[tuple[str, str]]:
    summary = page[page.index("govuk-error-summary__list") :]
    summary = summary[: summary.index("</ul>")]
    return re.findall(r'<a href="([^"]*)">([^<]*)</a>', summary)


def test_save_as_draft_with_only_what_was_achieved_saves_a_draft_with_blanks(client, url, officer):
    client.force_login(officer)
    response = client.post(url, ACHIEVED_ONLY, follow=True)
    update = ProgressUpdate.objects.get()
    assert (update.state, update.rag_status, update.percent_complete) == ("draft", "", None)
    assert update.achieved == "Agreed the scope with Customer Services."
    page = response.content.decode()
    assert "update was saved as a draft" in page
    assert "There is a problem" not in page
    # Opened again, nothing is chosen and the percent box is empty.
    assert 'checked="checked"' not in page[page.index('name="rag_status"') - 300 : page.index("percent_complete")]
    assert re.search(r'name="percent_complete"[^>]*>', page).group(0).count('value="') == 0


def test_continue_with_them_blank_asks_for_both_linked_to_their_answers(client, url, officer):
    client.force_login(officer)
    response = client.post(url, {**ACHIEVED_ONLY, "action": "continue"})
    assert response.status_code == 200
    page = response.content.decode()
    links = error_summary(page)
    assert ("#id_rag_status_1", "Select a RAG status") in links
    assert ("#id_percent_complete", "Enter the percent complete") in links
    assert 'id="id_rag_status_1"' in page and 'id="id_percent_complete"' in page  # the links go somewhere
    assert not ProgressUpdate.objects.exists()  # a Continue that needs correcting saves nothing


def test_a_wrong_percent_is_not_also_called_missing(client, url, officer):
    client.force_login(officer)
    page = client.post(url, {**ACHIEVED_ONLY, "action": "continue", "percent_complete": "lots"}).content.decode()
    messages = [message for _, message in error_summary(page)]
    assert "Percent complete must be a whole number, like 40" in messages
    assert "Enter the percent complete" not in messages


def test_check_answers_shows_not_answered_with_change_links_and_refuses_to_submit(
    client, url, check, officer, deliverable, open_period
):
    blank_draft(deliverable, open_period)
    client.force_login(officer)
    page = client.get(check).content.decode()
    for label, anchor in (("RAG status", "rag_status_1"), ("Percent complete", "percent_complete")):
        row = re.search(rf"<dt[^>]*>{label}</dt>(.*?)</div>", page, re.DOTALL).group(1)
        assert "Not answered" in row and f'href="{url}#id_{anchor}"' in row and "Change" in row
    assert "No update" not in page and "None%" not in page
    assert (f"{url}#id_rag_status_1", "Select a RAG status") in error_summary(page)
    assert (f"{url}#id_percent_complete", "Enter the percent complete") in error_summary(page)
    response = client.post(check, {"version": "1"})
    assert response.status_code == 200 and "Select a RAG status" in response.content.decode()
    assert ProgressUpdate.objects.get().state == "draft"


def test_the_deliverable_page_shows_a_blank_draft_as_not_given(client, officer, deliverable, open_period):
    blank_draft(deliverable, open_period)
    client.force_login(officer)
    response = client.get(reverse("aims:deliverable_detail", args=[deliverable.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for label in ("RAG status", "Percent complete"):
        row = re.search(rf"<dt[^>]*>{label}</dt>(.*?)</div>", page, re.DOTALL).group(1)
        assert "Not given" in row
    assert "None%" not in page and "No update" not in page


def test_the_home_page_shows_a_blank_draft(client, officer, deliverable, open_period):
    blank_draft(deliverable, open_period)
    client.force_login(officer)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert deliverable.reference in page and "Draft" in page and "None%" not in page


def test_a_blank_earlier_draft_prefills_nothing_and_the_review_page_says_not_given(
    client, deliverable, strategy, open_period, officer, board_member
):
    earlier = factories.PeriodFactory(
        strategy=strategy, label="April to September 2026", start_date="2026-04-01", end_date="2026-09-30",
        deadline="2026-09-30", status="closed",
    )  # fmt: skip
    blank_draft(deliverable, earlier)  # never finished, and its period closed
    submitted = factories.ProgressUpdateFactory(
        deliverable=deliverable, period=open_period, state="submitted", percent_complete=40
    )
    client.force_login(board_member)
    page = client.get(reverse("aims:update_review", args=[submitted.pk])).content.decode()
    assert "None%" not in page and "percent complete not given" in page
    client.force_login(officer)
    submitted.delete()
    page = client.get(reverse("aims:progress_update", args=[deliverable.pk, open_period.pk])).content.decode()
    assert re.search(r'name="percent_complete"[^>]*>', page).group(0).count('value="') == 0
