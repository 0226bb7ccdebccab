import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from aims.models import RAG, Evidence, ProgressUpdate, StagedUpload
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
# The management forms of the links and figures formsets, as the page sends them (two blank rows of each).
ROWS = {"links-TOTAL_FORMS": "2", "links-INITIAL_FORMS": "0", "figures-TOTAL_FORMS": "2", "figures-INITIAL_FORMS": "0"}


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, "PNG")
    return buffer.getvalue()


def form_data(**overrides):
    data = {
        "version": "0",
        "rag_status": "green",
        "percent_complete": "40",
        "achieved": "Launched the new contact form.",
        "next_steps": "Move parking permits online.",
        "risks_issues": "",
        "corrective_action": "",
        "action": "draft",
        **ROWS,
    }
    data.update(overrides)
    return data


@pytest.fixture
def url(deliverable, open_period):
    return reverse("aims:progress_update", args=[deliverable.pk, open_period.pk])


def test_progress_form_anonymous_wrong_owner_right_owner(client, url, other_officer, outsider, officer, board_member):
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    for person in (other_officer, outsider, board_member):
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert client.post(url, form_data()).status_code == 403
    assert not ProgressUpdate.objects.exists()
    client.force_login(officer)
    page = client.get(url).content.decode()
    assert "Record progress for October 2026 to March 2027" in page
    for label in ["Red", "Amber", "Green", "Complete", "Not started", "Percent complete", "Upload evidence"]:
        assert label in page


def test_contributor_may_record_progress(client, url, deliverable, other_officer):
    deliverable.contributors.add(other_officer)
    client.force_login(other_officer)
    assert client.get(url).status_code == 200


def check_url(deliverable, period):
    return reverse("aims:progress_update_check", args=[deliverable.pk, period.pk])


def test_save_as_draft_then_check_answers_then_submit_for_review_emails_the_board(
    client, url, officer, board_member, deliverable, open_period, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    response = client.post(url, form_data())
    assert response.status_code == 302 and response["Location"] == url
    update = ProgressUpdate.objects.get()
    assert (update.state, update.percent_complete, update.version) == ("draft", 40, 1)
    assert mail.outbox == []

    # "Continue" saves the answers and shows them to check; nothing is submitted yet.
    response = client.post(url, form_data(version="1", action="continue", percent_complete="45"))
    assert response.status_code == 302 and response["Location"] == check_url(deliverable, open_period)
    update.refresh_from_db()
    assert (update.state, update.percent_complete, update.version) == ("draft", 45, 2)
    page = client.get(response["Location"]).content.decode()
    assert '<h1 class="govuk-heading-l">Check your answers before submitting</h1>' in page
    assert "govuk-summary-list" in page and "45%" in page and "Launched the new contact form." in page
    for anchor, hidden in [
        ("rag_status_1", "rag status"),
        ("percent_complete", "percent complete"),
        ("achieved", "what has been achieved"),
        ("corrective_action", "corrective action"),
    ]:
        assert f'href="{url}#id_{anchor}">Change<span class="govuk-visually-hidden"> {hidden}</span>' in page
    assert 'name="version" value="2"' in page and "Submit for review" in page
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(check_url(deliverable, open_period), {"version": "2"})
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.state == "submitted" and update.version == 3
    assert [m.to for m in mail.outbox] == [[board_member.email]]
    assert "Update to review" in mail.outbox[0].subject

    # A submitted update cannot be changed, on the form or by submitting again.
    response = client.post(url, form_data(version="3", percent_complete="90"))
    assert response.status_code == 302
    assert client.post(check_url(deliverable, open_period), {"version": "3"}).status_code == 302
    update.refresh_from_db()
    assert (update.percent_complete, update.version) == (45, 3)


def test_save_as_draft_is_the_first_button_so_enter_never_submits(client, url, officer):
    """Pressing Enter in a field sends the form with its first submit button: that must save a draft."""
    client.force_login(officer)
    page = client.get(url).content.decode()
    form = page[page.index('<form method="post" enctype') :]
    first_button = re.search(r"<button[^>]*type=\"submit\"[^>]*>([^<]*)</button>", form)
    assert first_button.group(1) == "Save as draft" and 'value="draft"' in first_button.group(0)
    assert "Submit for review" not in page  # submitting is on "Check your answers" only
    # Enter sends the default button's action; a post without one saves a draft too.
    for data in (form_data(action="draft"), {k: v for k, v in form_data().items() if k != "action"}):
        assert client.post(url, {**data, "version": str(ProgressUpdate.objects.count())}).status_code == 302
        assert ProgressUpdate.objects.get().state == "draft"
    # The old "submit" action no longer submits from the form either.
    assert client.post(url, form_data(version="2", action="submit")).status_code == 302
    assert ProgressUpdate.objects.get().state == "draft"


def test_a_draft_may_be_saved_half_done_but_continue_asks_for_what_submission_needs(client, url, officer):
    client.force_login(officer)
    assert client.post(url, form_data(achieved="", next_steps="")).status_code == 302
    assert ProgressUpdate.objects.get().achieved == ""
    page = client.post(url, form_data(version="1", achieved="", action="continue")).content.decode()
    assert "Enter what has been achieved before you submit the update for review" in page
    assert ProgressUpdate.objects.get().version == 1  # nothing saved by a Continue that needs correcting


def test_check_answers_refuses_an_update_not_ready_and_links_to_the_answer(client, url, officer, deliverable,
                                                                           open_period):  # fmt: skip
    client.force_login(officer)
    client.post(url, form_data(achieved=""))  # a half-done draft, then the check page opened directly
    page = client.get(check_url(deliverable, open_period)).content.decode()
    assert "There is a problem" in page
    assert f'<a href="{url}#id_achieved">Enter what has been achieved before you submit' in page
    response = client.post(check_url(deliverable, open_period), {"version": "1"})
    assert response.status_code == 200 and "Enter what has been achieved" in response.content.decode()
    assert ProgressUpdate.objects.get().state == "draft"


def test_check_answers_keeps_the_version_checked(client, url, officer, other_officer, deliverable, open_period):
    deliverable.contributors.add(other_officer)
    client.force_login(officer)
    client.post(url, form_data(action="continue"))  # version 1, shown to check
    assert 'name="version" value="1"' in client.get(check_url(deliverable, open_period)).content.decode()
    client.force_login(other_officer)
    client.post(url, form_data(version="1", achieved="Theirs, newer"))  # version 2
    client.force_login(officer)
    response = client.post(check_url(deliverable, open_period), {"version": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and "Someone else saved this update after you checked it" in page
    assert "Theirs, newer" in page and 'name="version" value="2"' in page
    assert ProgressUpdate.objects.get().state == "draft"  # what they did not check was not submitted
    assert client.post(check_url(deliverable, open_period), {"version": "2"}).status_code == 302
    assert ProgressUpdate.objects.get().state == "submitted"


def test_check_answers_permissions(client, url, officer, other_officer, board_member, deliverable, open_period):
    check = check_url(deliverable, open_period)
    response = client.get(check)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(officer)
    assert client.get(check)["Location"] == url  # nothing saved yet: the form first
    client.post(url, form_data())
    for person in (other_officer, board_member):
        client.force_login(person)
        assert client.get(check).status_code == 403
        assert client.post(check, {"version": "1"}).status_code == 403
    assert ProgressUpdate.objects.get().state == "draft"
    client.force_login(officer)
    assert client.get(check).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rag_status": "", "action": "continue"}, "Select a RAG status"),
        ({"percent_complete": "", "action": "continue"}, "Enter the percent complete"),
        ({"percent_complete": "101"}, "Percent complete must be 100 or less"),
        ({"percent_complete": "-1"}, "Percent complete must be 0 or more"),
        (
            {"rag_status": "red", "action": "continue"},
            "Enter the corrective action: it is required when the status is Red",
        ),
        ({"achieved": "", "action": "continue"}, "Enter what has been achieved before you submit"),
        ({"links-0-url": "javascript:alert(1)"}, "Link 1 must be a web address starting with http:// or https://"),
        ({"links-1-title": "Minutes"}, "Enter the address for link 2"),
        ({"figures-0-name": "Residents helped", "figures-0-value": "lots"}, "Figure 1 value must be a number"),
        ({"figures-1-unit": "residents"}, "Enter the value of figure 2"),
        ({"figures-1-value": "12"}, "Enter what figure 2 measures"),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_the_other_answers(client, url, officer, overrides, message):
    client.force_login(officer)
    response = client.post(url, form_data(**overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "govuk-error-summary" in page
    assert message in page
    assert "Move parking permits online." in page  # the officer's other answers are kept
    assert not ProgressUpdate.objects.exists()


def test_previous_period_prefills_the_form(client, deliverable, officer, strategy, open_period):
    past = factories.PeriodFactory(
        strategy=strategy, label="April to September 2026", start_date="2026-04-01", end_date="2026-09-30",
        deadline="2026-09-30", status="closed",
    )  # fmt: skip
    factories.ProgressUpdateFactory(
        deliverable=deliverable, period=past, rag_status=RAG.AMBER, percent_complete=35, next_steps="Pilot in Crewe"
    )
    client.force_login(officer)
    page = client.get(reverse("aims:progress_update", args=[deliverable.pk, open_period.pk])).content.decode()
    assert 'value="35"' in page
    assert "Pilot in Crewe" in page
    assert re.search(r'value="amber"\s+checked', page)


def test_evidence_files_links_figures_and_notes_are_saved(client, url, officer, settings):
    client.force_login(officer)
    files = [
        SimpleUploadedFile("../../etc/passwd report.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png"),
    ]
    data = form_data(
        evidence_files=files,
        **{
            "links-0-title": "Committee minutes",
            "links-0-url": "https://example.gov.uk/minutes",
            "figures-1-name": "Residents helped",
            "figures-1-value": "1250",
            "figures-1-unit": "residents",
        },
        note="Survey results are on the shared drive.",
    )
    assert client.post(url, data).status_code == 302
    update = ProgressUpdate.objects.get()
    kinds = sorted(e.kind for e in update.evidence.all())
    assert kinds == ["figure", "file", "file", "link", "note"]
    pdf = update.evidence.get(content_type="application/pdf")
    assert pdf.original_name == "passwd report.pdf"  # no folder part survives
    assert ".." not in pdf.file.name and pdf.file.name.startswith("evidence/") and pdf.file.name.endswith(".pdf")
    assert len(pdf.sha256) == 64 and pdf.size_bytes == len(PDF)
    link, figure = update.evidence.get(kind="link"), update.evidence.get(kind="figure")
    assert (link.title, link.url) == ("Committee minutes", "https://example.gov.uk/minutes")
    assert (figure.title, figure.figure_value, figure.figure_unit) == ("Residents helped", 1250, "residents")


def test_the_form_offers_two_rows_of_links_and_figures(client, url, officer):
    client.force_login(officer)
    page = client.get(url).content.decode()
    for label in ["Link 1 title", "Link 1 address", "Link 2 title", "Link 2 address"]:
        assert f">\n          {label}\n        </label>" in page
    for n in (1, 2):
        for part in ("name", "value", "unit"):
            assert f">\n          Figure {n} {part}\n        </label>" in page
    assert "Link 3" not in page and "Figure 3" not in page
    assert 'name="links-TOTAL_FORMS" value="2"' in page and 'name="figures-TOTAL_FORMS" value="2"' in page


def test_more_rows_than_offered_are_refused(client, url, officer):
    client.force_login(officer)
    data = form_data(**{"links-TOTAL_FORMS": "3", "links-2-title": "Extra", "links-2-url": "https://example.gov.uk/"})
    page = client.post(url, data).content.decode()
    assert "There is a problem" in page and "Please submit at most 2 forms." in page
    assert not ProgressUpdate.objects.exists()


def test_a_post_without_the_rows_management_forms_is_refused_not_saved(client, url, officer):
    client.force_login(officer)
    data = {k: v for k, v in form_data().items() if k not in ROWS}
    page = client.post(url, data).content.decode()
    assert "There is a problem" in page and "ManagementForm data is missing" in page
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("report.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "web page (HTML)"),
        ("chart.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
        ("page.html", b"<html><body>hi</body></html>", "web page (HTML)"),
        ("tool.exe", b"MZ\x90\x00\x03", "program or script"),
        ("image.png", png_bytes() + b"<script>alert(1)</script>", "web page code (HTML or script) hidden inside"),
        ("fake.docx", b"PK\x03\x04not really a zip", "damaged or is not a real .docx"),
    ],
)
def test_dangerous_or_disguised_files_are_refused_and_valid_ones_kept(client, url, officer, name, content, reason):
    client.force_login(officer)
    data = form_data(evidence_files=[SimpleUploadedFile(name, content), SimpleUploadedFile("good.pdf", PDF)])
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert name in page and reason in page
    assert not Evidence.objects.exists()
    # The valid file is kept for this update, so the officer does not have to choose it again.
    staged = StagedUpload.objects.get()
    assert staged.original_name == "good.pdf"
    assert "Files you have added" in page and "Remove good.pdf" in page
    response = client.post(url, form_data())
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == "good.pdf" and evidence.kind == "file"
    assert not StagedUpload.objects.exists()


def test_files_are_kept_when_another_answer_is_wrong(client, url, officer):
    client.force_login(officer)
    data = form_data(percent_complete="150", evidence_files=[SimpleUploadedFile("plan.pdf", PDF)])
    page = client.post(url, data).content.decode()
    assert "Percent complete must be 100 or less" in page
    assert "plan.pdf" in page and "Files you have added" in page
    assert StagedUpload.objects.get().original_name == "plan.pdf"
    assert client.post(url, form_data()).status_code == 302  # saved with nothing ticked: the file is attached
    assert Evidence.objects.get().original_name == "plan.pdf"
    assert not StagedUpload.objects.exists()


def test_oversized_files_are_refused_with_the_limit(client, url, officer, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    client.force_login(officer)
    page = client.post(url, form_data(evidence_files=[SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)])).content
    assert "big.pdf is 2.1\xa0KB: the largest file you can upload is 1.0\xa0KB." in page.decode()
    assert not Evidence.objects.exists()


def test_concurrent_edit_shows_what_changed_and_overwrites_nothing(client, url, officer, other_officer, deliverable):
    deliverable.contributors.add(other_officer)
    client.force_login(officer)
    client.post(url, form_data())  # version 1
    # Both open version 1; the contributor saves first.
    client.force_login(other_officer)
    assert client.post(url, form_data(version="1", percent_complete="55", achieved="Theirs")).status_code == 302
    client.force_login(officer)
    response = client.post(url, form_data(version="1", percent_complete="45", achieved="Mine"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this update first" in page
    assert "after you opened it" in page
    update = ProgressUpdate.objects.get()
    assert (update.percent_complete, update.achieved, update.version) == (55, "Theirs", 2)
    # The form now carries the current version: saving again is a deliberate choice, and it works.
    assert 'name="version" value="2"' in page
    assert client.post(url, form_data(version="2", percent_complete="45", achieved="Mine")).status_code == 302
    update.refresh_from_db()
    assert (update.percent_complete, update.achieved) == (45, "Mine")


def test_closed_period_cannot_take_new_updates(client, deliverable, officer, strategy):
    closed = factories.PeriodFactory(
        strategy=strategy, label="Old", start_date="2025-04-01", end_date="2025-09-30", deadline="2025-09-30",
        status="closed",
    )  # fmt: skip
    client.force_login(officer)
    url = reverse("aims:progress_update", args=[deliverable.pk, closed.pk])
    assert client.post(url, form_data()).status_code == 302
    assert not ProgressUpdate.objects.exists()


def test_period_of_another_strategy_is_not_found(client, deliverable, officer, other_strategy):
    period = factories.PeriodFactory(strategy=other_strategy)
    client.force_login(officer)
    assert client.get(reverse("aims:progress_update", args=[deliverable.pk, period.pk])).status_code == 404


@pytest.fixture
def submitted(deliverable, open_period):
    return factories.ProgressUpdateFactory(
        deliverable=deliverable, period=open_period, state=ProgressUpdate.State.SUBMITTED, version=3
    )


def test_review_list_and_page_permissions(client, submitted, officer, outsider, board_member):
    list_url = reverse("aims:review_list")
    review_url = reverse("aims:update_review", args=[submitted.pk])
    assert client.get(list_url).status_code == 302
    assert client.get(review_url).status_code == 302
    client.force_login(officer)
    assert client.get(list_url).status_code == 403
    assert client.post(review_url, {"action": "accept"}).status_code == 403
    client.force_login(outsider)  # a board member, but of another strategy
    assert submitted.deliverable.title not in client.get(list_url).content.decode()
    assert client.get(review_url).status_code == 403
    assert client.post(review_url, {"action": "accept"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.state == "submitted"
    client.force_login(board_member)
    assert submitted.deliverable.title in client.get(list_url).content.decode()
    page = client.get(review_url).content.decode()
    assert "Accept" in page and "Return to officer" in page


def test_review_list_is_paginated_oldest_first_with_a_count(
    client, strategy, theme, open_period, board_member, django_assert_max_num_queries
):
    from aims.views import REVIEW_PAGE_SIZE

    total = REVIEW_PAGE_SIZE + 1
    for n in range(total):
        deliverable = factories.DeliverableFactory(strategy=strategy, theme=theme, reference=f"R-{n:03d}")
        factories.ProgressUpdateFactory(
            deliverable=deliverable,
            period=open_period,
            state=ProgressUpdate.State.SUBMITTED,
            submitted_at=timezone.now() - dt.timedelta(minutes=total - n),
        )
    client.force_login(board_member)
    list_url = reverse("aims:review_list")
    with django_assert_max_num_queries(10):
        first = client.get(list_url).content.decode()
    assert f"{total} updates are waiting for review, oldest first: showing 1 to {REVIEW_PAGE_SIZE}." in first
    assert first.count('href="/updates/') == REVIEW_PAGE_SIZE
    assert "R-000 " in first and f"R-{total - 1:03d} " not in first
    assert 'aria-label="Page 2"' in first
    second = client.get(list_url, {"page": 2}).content.decode()
    assert second.count('href="/updates/') == 1 and f"R-{total - 1:03d} " in second


def test_return_needs_a_comment_then_officer_sees_it_and_is_emailed(
    client, submitted, board_member, officer, django_capture_on_commit_callbacks
):
    client.force_login(board_member)
    review_url = reverse("aims:update_review", args=[submitted.pk])
    page = client.post(review_url, {"action": "return", "comment": ""}).content.decode()
    assert "Enter a comment saying what the officer needs to change" in page
    submitted.refresh_from_db()
    assert submitted.state == "submitted"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(review_url, {"action": "return", "comment": "Add the survey figures."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "returned" and submitted.reviewer == board_member
    assert mail.outbox[-1].to == [officer.email] and "Add the survey figures." in mail.outbox[-1].body

    client.force_login(officer)
    home = client.get(reverse("home")).content.decode()
    assert "Returned" in home and "Add the survey figures." in home
    detail = client.get(reverse("aims:deliverable_detail", args=[submitted.deliverable.pk])).content.decode()
    assert "Add the survey figures." in detail and "Record progress" in detail


def test_accept(client, submitted, board_member):
    client.force_login(board_member)
    assert client.post(reverse("aims:update_review", args=[submitted.pk]), {"action": "accept"}).status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "accepted" and submitted.reviewed_at is not None


def test_evidence_download_permissions_and_headers(client, url, officer, outsider, board_member):
    client.force_login(officer)
    client.post(url, form_data(evidence_files=[SimpleUploadedFile("plan.pdf", PDF)]))
    evidence = Evidence.objects.get()
    download = reverse("aims:evidence_download", args=[evidence.pk])
    client.logout()
    assert client.get(download).status_code == 302
    client.force_login(outsider)
    assert client.get(download).status_code == 403
    client.force_login(board_member)
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;") and "plan.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_home_lists_returned_first_with_bounded_queries(client, officer, strategy, open_period, theme,
                                                        django_assert_max_num_queries):  # fmt: skip
    deliverables = factories.DeliverableFactory.create_batch(30, strategy=strategy, theme=theme, owner=officer)
    factories.ProgressUpdateFactory(deliverable=deliverables[0], period=open_period, state="accepted")
    factories.ProgressUpdateFactory(
        deliverable=deliverables[-1], period=open_period, state="returned", review_comment="More detail"
    )
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("home")).content.decode()
    assert "Your deliverables" in page
    assert page.index(deliverables[-1].title) < page.index(deliverables[1].title) < page.index(deliverables[0].title)


def test_deliverable_page_shows_history_with_bounded_queries(client, url, officer, deliverable,
                                                             django_assert_max_num_queries):  # fmt: skip
    client.force_login(officer)
    client.post(url, form_data())
    client.post(url, form_data(version="1", percent_complete="60"))
    with django_assert_max_num_queries(25):
        page = client.get(reverse("aims:deliverable_detail", args=[deliverable.pk])).content.decode()
    assert "Change history" in page
    assert "Percent complete" in page and "40" in page and "60" in page
    assert officer.get_full_name() in page


def test_home_leaves_out_finished_and_future_deliverables(client, officer, strategy, open_period, theme):
    import datetime as dt

    done = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, title="Finished work")
    earlier = factories.PeriodFactory(
        strategy=strategy, label="Earlier", start_date=dt.date(2026, 4, 1), end_date=dt.date(2026, 9, 30),
        deadline=dt.date(2026, 9, 30), status="closed",
    )  # fmt: skip
    factories.ProgressUpdateFactory(deliverable=done, period=earlier, rag_status="complete", percent_complete=100,
                                    state="accepted")  # fmt: skip
    factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, title="Future work",
                                 start_date=dt.date(2027, 6, 1), due_date=dt.date(2028, 1, 1))  # fmt: skip
    current = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer, title="Current work")
    client.force_login(officer)
    page = client.get(reverse("home")).content.decode()
    assert current.title in page
    assert "Finished work" not in page and "Future work" not in page


def test_cached_pages_follow_every_change(client, url, officer, deliverable, board_member, open_period):
    client.force_login(officer)
    detail = reverse("aims:deliverable_detail", args=[deliverable.pk])
    assert "No progress has been recorded yet." in client.get(detail).content.decode()
    assert "Not started" in client.get(reverse("home")).content.decode()
    client.post(url, form_data())
    assert "Launched the new contact form." in client.get(detail).content.decode()
    assert "Draft" in client.get(reverse("home")).content.decode()
    milestone = factories.MilestoneFactory(deliverable=deliverable, title="Go live in Crewe")
    assert "Go live in Crewe" in client.get(detail).content.decode()
    milestone.delete()
    assert "Go live in Crewe" not in client.get(detail).content.decode()
    # The same body is never shown to someone who may not record progress.
    client.force_login(board_member)
    assert "Record progress" not in client.get(detail).content.decode()


# Files kept after a form error belong to the update they were chosen for.


def keep_a_file(client, url, name="plan.pdf"):
    """Choose a file on a form that then needs correcting: the file is kept."""
    page = client.post(url, form_data(percent_complete="150", evidence_files=[SimpleUploadedFile(name, PDF)]))
    assert "Percent complete must be 100 or less" in page.content.decode()
    return StagedUpload.objects.get(original_name=name)


def test_a_kept_file_is_offered_only_on_the_update_it_was_chosen_for(
    client, url, officer, strategy, theme, open_period, outsider, other_strategy
):
    client.force_login(officer)
    kept = keep_a_file(client, url)
    assert (kept.deliverable_id, kept.period_id, kept.user_id) == (int(url.split("/")[2]), open_period.pk, officer.pk)
    mine_too = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer)
    other_url = reverse("aims:progress_update", args=[mine_too.pk, open_period.pk])
    assert "plan.pdf" not in client.get(other_url).content.decode()
    # Saving another deliverable neither takes the file nor deletes it.
    assert client.post(other_url, form_data(remove_staged=[str(kept.pk)])).status_code == 302
    assert not Evidence.objects.exists() and StagedUpload.objects.filter(pk=kept.pk).exists()
    # Nor does another council's deliverable, recorded by the same person.
    theirs = factories.DeliverableFactory(strategy=other_strategy, owner=outsider)
    theirs.contributors.add(officer)
    factories.MembershipFactory(user=officer, strategy=other_strategy, role="officer")
    their_period = factories.PeriodFactory(strategy=other_strategy)
    their_url = reverse("aims:progress_update", args=[theirs.pk, their_period.pk])
    assert client.get(their_url).status_code == 200 and "plan.pdf" not in client.get(their_url).content.decode()
    assert client.post(their_url, form_data()).status_code == 302
    assert not Evidence.objects.filter(update__deliverable=theirs).exists()
    # Back on the deliverable it was chosen for, it is still there, and attached on saving.
    assert "Remove plan.pdf" in client.get(url).content.decode()
    assert client.post(url, form_data()).status_code == 302
    assert Evidence.objects.get().update.deliverable_id == kept.deliverable_id


def test_a_kept_file_survives_a_second_form_error_and_is_saved_with_the_next_save(client, url, officer):
    client.force_login(officer)
    kept = keep_a_file(client, url)
    page = client.post(url, form_data(rag_status="", action="continue")).content.decode()  # another mistake
    assert "Select a RAG status" in page
    assert "Files you have added" in page and "Remove plan.pdf" in page
    assert StagedUpload.objects.filter(pk=kept.pk).exists() and kept.file.storage.exists(kept.file.name)
    assert client.post(url, form_data()).status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.original_name, evidence.file.name) == ("plan.pdf", kept.file.name)
    assert not StagedUpload.objects.exists()
    assert "Files you have added" not in client.get(url).content.decode()


def test_a_kept_file_can_be_removed(client, url, officer):
    client.force_login(officer)
    first, second = keep_a_file(client, url, "first.pdf"), None
    second = keep_a_file(client, url, "second.pdf")
    storage, first_name = first.file.storage, first.file.name
    # Removed while correcting another answer: gone at once, the other kept.
    page = client.post(url, form_data(rag_status="", action="continue", remove_staged=[str(first.pk)])).content.decode()
    assert "Remove first.pdf" not in page and "Remove second.pdf" in page
    assert not storage.exists(first_name) and list(StagedUpload.objects.all()) == [second]
    # Removed on a save: not attached.
    assert client.post(url, form_data(remove_staged=[str(second.pk)])).status_code == 302
    assert not Evidence.objects.exists() and not StagedUpload.objects.exists()


# Milestones


@pytest.fixture
def milestones(deliverable, strategy, officer):
    earlier_period = factories.PeriodFactory(
        strategy=strategy, label="April to September 2026", start_date="2026-04-01", end_date="2026-09-30",
        deadline="2026-09-30", status="closed",
    )  # fmt: skip
    earlier = factories.ProgressUpdateFactory(deliverable=deliverable, period=earlier_period, state="accepted")
    done = factories.MilestoneFactory(deliverable=deliverable, title="Beta live", completed_on=dt.date(2025, 11, 20))
    earlier.milestones_completed.add(done)
    return done, factories.MilestoneFactory(deliverable=deliverable, title="Go live")


def milestone_date(milestone, day: dt.date) -> dict:
    name = f"milestone_{milestone.pk}_achieved_on"
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def test_a_milestone_completed_earlier_is_shown_with_its_date_not_offered(client, url, officer, milestones):
    done, to_do = milestones
    client.force_login(officer)
    page = client.get(url).content.decode()
    assert "Completed in earlier periods" in page and "Beta live: achieved 20 November 2025" in page
    offered = 'name="milestones_completed" type="checkbox" value="{}"'
    assert offered.format(done.pk) not in page and offered.format(to_do.pk) in page
    # Sent anyway, it is refused and its date stays.
    assert "Select a valid choice" in client.post(url, form_data(milestones_completed=[str(done.pk)])).content.decode()
    done.refresh_from_db()
    assert done.completed_on == dt.date(2025, 11, 20) and list(done.completed_in_updates.all()) != []
    assert not ProgressUpdate.objects.filter(period__status="open").exists()


def test_ticking_a_milestone_asks_when_it_was_achieved_defaulting_to_today(client, url, officer, milestones):
    _, to_do = milestones
    today = timezone.localdate()
    client.force_login(officer)
    page = client.get(url).content.decode()
    name = f"milestone_{to_do.pk}_achieved_on"
    assert "When was it achieved?" in page and "govuk-date-input" in page
    assert f'name="{name}_0" value="{today.day}"' in page and f'name="{name}_2" value="{today.year}"' in page
    achieved = today - dt.timedelta(days=3)
    data = form_data(milestones_completed=[str(to_do.pk)], **milestone_date(to_do, achieved))
    assert client.post(url, data).status_code == 302
    to_do.refresh_from_db()
    assert to_do.completed_on == achieved
    # Offered again on the same update, ticked with its date; unticking it makes it not completed again.
    page = client.get(url).content.decode()
    assert f'value="{to_do.pk}" checked' in page and f'name="{name}_0" value="{achieved.day}"' in page
    assert client.post(url, form_data(version="1")).status_code == 302
    to_do.refresh_from_db()
    assert to_do.completed_on is None


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (dt.timedelta(days=1), "The date Go live was achieved must be today or in the past"),
        (dt.date(2025, 3, 31), "The date Go live was achieved must be on or after the strategy started, 1 April 2025"),
        (None, "Enter the date Go live was achieved"),
    ],
)
def test_a_milestone_date_in_the_future_before_the_strategy_or_missing_is_refused(client, url, officer, milestones,
                                                                                  day, message):  # fmt: skip
    _, to_do = milestones
    client.force_login(officer)
    data = form_data(milestones_completed=[str(to_do.pk)])
    if isinstance(day, dt.timedelta):
        data.update(milestone_date(to_do, timezone.localdate() + day))
    elif day:
        data.update(milestone_date(to_do, day))
    page = client.post(url, data).content.decode()
    assert "There is a problem" in page and message in page
    assert f'<a href="#id_milestone_{to_do.pk}_achieved_on_0">{message}' in page  # the summary links to the day
    to_do.refresh_from_db()
    assert to_do.completed_on is None and not ProgressUpdate.objects.filter(period__status="open").exists()


def test_the_upload_hint_gives_the_limit_the_error_gives(client, url, officer, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
    client.force_login(officer)
    page = client.get(url).content.decode()
    assert "up to 5.0\xa0MB each." in page and "20 MB" not in page
    page = client.post(url, form_data(evidence_files=[SimpleUploadedFile("big.pdf", PDF + b"0" * 6 * 1024 * 1024)]))
    assert "the largest file you can upload is 5.0\xa0MB." in page.content.decode()


def test_save_as_draft_saves_a_red_update_before_its_corrective_action_is_written(client, url, officer, deliverable,
                                                                                  open_period):  # fmt: skip
    client.force_login(officer)
    assert client.post(url, form_data(rag_status="red", achieved="")).status_code == 302
    assert (ProgressUpdate.objects.get().state, ProgressUpdate.objects.get().rag_status) == ("draft", "red")
    # Submitting still needs it: on "Continue", and on the check page.
    page = client.post(url, form_data(version="1", rag_status="red", action="continue")).content.decode()
    assert "Enter the corrective action: it is required when the status is Red" in page
    page = client.get(check_url(deliverable, open_period)).content.decode()
    assert f'<a href="{url}#id_corrective_action">Enter the corrective action' in page
    # A returned update is past draft: the database holds it to the rule, so the form asks at every save.
    ProgressUpdate.objects.update(state="returned", corrective_action="Agency staff", review_comment="Say when.")
    assert "Say when." in client.get(check_url(deliverable, open_period)).content.decode()  # the comment to answer
    page = client.post(url, form_data(version="1", rag_status="red")).content.decode()
    assert "Enter the corrective action: it is required when the status is Red" in page
    assert ProgressUpdate.objects.get().corrective_action == "Agency staff"


def test_the_form_and_check_page_read_milestones_and_kept_files_in_bounded_queries(
    client, url, officer, deliverable, open_period, django_assert_max_num_queries
):
    client.force_login(officer)
    client.post(url, form_data())
    for n in range(30):
        factories.MilestoneFactory(deliverable=deliverable, completed_on=dt.date(2025, 6, 1) if n % 2 else None)
    for n in range(5):
        keep_a_file(client, url, f"file{n}.pdf")
    with django_assert_max_num_queries(13):  # 12 today, however many milestones and files
        page = client.get(url).content.decode()
    assert page.count("achieved 1 June 2025") == 15 and page.count("Remove file") == 5
    with django_assert_max_num_queries(11):  # 10 today
        assert client.get(check_url(deliverable, open_period)).status_code == 200
