"""Which period may be recorded (aims.selectors.recordable_period) and the recording workflow (aims.recording)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aims import recording, selectors, services
from aims.business_rules import RedNeedsCorrectiveAction
from aims.evidence_files import check_evidence_file
from aims.models import RAG, Evidence, ProgressUpdate, StagedUpload
from aims.selectors import Recordable
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
ANSWERS = services.ProgressAnswers(rag_status=RAG.GREEN, percent_complete=40, achieved="Launched the form.")


def checked(name="plan.pdf"):
    """(upload, CheckedFile) for a file that passed its checks."""
    upload = SimpleUploadedFile(name, PDF, content_type="application/pdf")
    return upload, check_evidence_file(upload)


def kept(user, name, deliverable, period):
    upload, check = checked(name)
    return services.staged_upload_create(
        user=user, deliverable=deliverable, period=period, source=upload, checked=check
    )


@pytest.mark.parametrize(
    ("status", "state", "refusal"),
    [
        ("open", None, ""),
        ("open", "draft", ""),
        ("open", "returned", ""),
        ("open", "submitted", Recordable.FINISHED),
        ("open", "accepted", Recordable.FINISHED),
        ("closed", None, Recordable.CLOSED),
        ("closed", "draft", Recordable.CLOSED),
        ("closed", "returned", ""),  # a returned update may be corrected after its period closed
        ("closed", "submitted", Recordable.FINISHED),
        ("upcoming", None, Recordable.CLOSED),
    ],
)
def test_recordable_period(deliverable, strategy, status, state, refusal, django_assert_num_queries):
    period = factories.PeriodFactory(strategy=strategy, status=status)
    update = factories.ProgressUpdateFactory(deliverable=deliverable, period=period, state=state) if state else None
    recordable = selectors.recordable_period(deliverable=deliverable, period=period)
    assert (recordable.period, recordable.update, recordable.refusal) == (period, update, refusal)
    # The same answer from updates the caller has read already, without a query.
    read_already = [update] if update else []
    with django_assert_num_queries(0):
        assert selectors.recordable_period(deliverable=deliverable, period=period, updates=read_already) == recordable
    expected = {
        "": "",
        Recordable.FINISHED: f"The {period.label} update has been {state}.",
        Recordable.CLOSED: f"The reporting period {period.label} is not open for updates.",
    }[refusal]
    assert recordable.message == expected


def test_the_deliverable_page_offers_a_returned_update_before_the_open_period(deliverable, strategy, open_period):
    earlier = factories.PeriodFactory(
        strategy=strategy, label="Earlier", start_date="2026-04-01", end_date="2026-09-30", status="closed"
    )

    def offered():
        updates = list(deliverable.updates.order_by("-period__start_date"))
        return selectors.period_to_record(deliverable=deliverable, open_period=open_period, updates=updates)

    assert offered() == open_period
    returned = factories.ProgressUpdateFactory(deliverable=deliverable, period=earlier, state="returned")
    assert offered() == earlier
    returned.state = ProgressUpdate.State.ACCEPTED
    returned.save()
    factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period, state="submitted")
    assert offered() is None
    assert selectors.period_to_record(deliverable=deliverable, open_period=None, updates=[]) is None


def record(update, user, **overrides):
    arguments = {
        "update": update,
        "user": user,
        "answers": ANSWERS,
        "evidence": services.EvidenceInput(),
        "expected_version": update.version,
        "submit": False,
    }
    return recording.progress_update_record(**{**arguments, **overrides})


def test_saving_attaches_kept_files_and_deletes_the_removed_ones(deliverable, open_period, officer, strategy, theme):
    attach, removed = (
        kept(officer, "kept.pdf", deliverable, open_period),
        kept(officer, "gone.pdf", deliverable, open_period),
    )
    elsewhere = kept(officer, "other.pdf", factories.DeliverableFactory(strategy=strategy, theme=theme), open_period)
    removed_file = removed.file.name
    storage = removed.file.storage
    update = services.progress_update_start(deliverable=deliverable, period=open_period, user=officer)
    evidence = services.EvidenceInput(files=[(attach, None), checked("new.pdf")], links=[("Minutes", "https://x.uk/")])
    result = record(update, officer, evidence=evidence, staged_removed=[removed.pk, elsewhere.pk])
    assert result.saved and not result.error and result.conflict is None
    assert (result.update.state, result.update.version, result.update.percent_complete) == ("draft", 1, 40)
    names = sorted(result.update.evidence.filter(kind=Evidence.Kind.FILE).values_list("original_name", flat=True))
    assert names == ["kept.pdf", "new.pdf"]
    assert list(StagedUpload.objects.all()) == [elsewhere]  # another update's kept file is not this form's to remove
    assert not storage.exists(removed_file)  # the file itself is gone too


def test_kept_files_are_cleaned_up_only_once_they_can_never_be_attached(deliverable, strategy, officer, open_period):
    closed = factories.PeriodFactory(strategy=strategy, status="closed", start_date="2025-04-01", end_date="2025-09-30")
    returned = factories.PeriodFactory(
        strategy=strategy, status="closed", start_date="2025-10-01", end_date="2026-03-31"
    )
    factories.ProgressUpdateFactory(deliverable=deliverable, period=returned, state="returned")
    waiting = [kept(officer, "open.pdf", deliverable, open_period), kept(officer, "fix.pdf", deliverable, returned)]
    lost_cause = kept(officer, "closed.pdf", deliverable, closed)
    StagedUpload.objects.update(created_at=timezone.now() - dt.timedelta(days=30))
    assert services.staged_uploads_clean() == 1
    assert list(StagedUpload.objects.all()) == waiting and not lost_cause.file.storage.exists(lost_cause.file.name)


def test_a_concurrent_edit_saves_nothing_keeps_the_new_files_and_says_what_differs(
    deliverable, open_period, officer, other_officer
):
    deliverable.contributors.add(other_officer)
    update = factories.ProgressUpdateFactory(
        deliverable=deliverable, period=open_period, version=2, percent_complete=55
    )
    mine = services.ProgressAnswers(rag_status=RAG.AMBER, percent_complete=45, achieved=update.achieved)
    result = record(
        update, officer, answers=mine, expected_version=1, evidence=services.EvidenceInput(files=[checked()])
    )
    assert not result.saved and result.files_kept
    assert result.update == update and result.conflict.current == update
    assert "after you opened it" in result.conflict.message
    assert result.conflict.rows == [("Rag status", "Green", "Amber"), ("Percent complete", "55", "45")]
    update.refresh_from_db()
    assert (update.version, update.percent_complete) == (2, 55)
    assert not Evidence.objects.exists()
    assert StagedUpload.objects.get(user=officer).original_name == "plan.pdf"


def test_a_concurrent_edit_tells_0_percent_from_a_blank_one(deliverable, open_period, officer):
    """A draft may leave the percent blank; 0% is an answer, and the side-by-side table must not call it blank."""
    update = factories.ProgressUpdateFactory(
        deliverable=deliverable, period=open_period, version=2, rag_status="", percent_complete=None
    )
    mine = services.ProgressAnswers(rag_status="", percent_complete=0, achieved=update.achieved)
    result = record(update, officer, answers=mine, expected_version=1, evidence=services.EvidenceInput())
    assert result.conflict.rows == [("Percent complete", "", "0")]


@pytest.mark.parametrize(
    ("status", "state", "message"),
    [
        ("closed", "draft", "The reporting period October 2026 to March 2027 is not open for updates."),
        ("open", "submitted", "This update has been submitted, so it cannot be changed. A board member can return"),
    ],
)
def test_a_refused_save_keeps_the_new_files(deliverable, strategy, officer, status, state, message):
    period = factories.PeriodFactory(strategy=strategy, status=status)
    update = factories.ProgressUpdateFactory(deliverable=deliverable, period=period, state=state)
    result = record(update, officer, evidence=services.EvidenceInput(files=[checked()]))
    assert not result.saved and result.files_kept and result.error.startswith(message)
    assert StagedUpload.objects.filter(user=officer).count() == 1
    assert not Evidence.objects.exists()


def test_red_cannot_be_submitted_without_a_corrective_action(deliverable, open_period, officer):
    update = services.progress_update_start(deliverable=deliverable, period=open_period, user=officer)
    red = services.ProgressAnswers(rag_status=RAG.RED, percent_complete=20, achieved="Late")
    result = record(update, officer, answers=red, submit=True)
    assert not result.saved and not result.files_kept
    assert result.error == RedNeedsCorrectiveAction.message
    assert not ProgressUpdate.objects.exists()


def test_complete_means_100_percent(deliverable, open_period, officer):
    update = services.progress_update_start(deliverable=deliverable, period=open_period, user=officer)
    done = services.ProgressAnswers(rag_status=RAG.COMPLETE, percent_complete=90, achieved="Done")
    assert record(update, officer, answers=done, submit=True).update.percent_complete == 100
    assert ProgressUpdate.objects.get().state == ProgressUpdate.State.SUBMITTED


def test_an_update_someone_else_created_first_is_a_conflict(deliverable, open_period, officer, other_officer):
    deliverable.contributors.add(other_officer)
    mine = services.progress_update_start(deliverable=deliverable, period=open_period, user=officer)  # both open it
    theirs = factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period, author=other_officer)
    result = record(mine, officer, expected_version=0)
    assert not result.saved and result.update == theirs and result.conflict.current == theirs
    assert ProgressUpdate.objects.get().achieved == theirs.achieved
