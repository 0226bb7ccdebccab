"""Recording progress, as the officer's form does it: save a draft or submit, keep the files that passed their
checks when something else stops the save, show a concurrent edit side by side, and clear away kept files that
are no longer wanted. The writes themselves are aims.services'; which period may be recorded is
aims.selectors.recordable_period."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from aims import services
from aims.models import Milestone, ProgressUpdate, StagedUpload
from core.errors import DomainError


@dataclass(frozen=True)
class Conflict:
    """Someone saved the update after this person opened it: what they saved, and where it differs."""

    message: str
    current: ProgressUpdate  # the update as the other person saved it
    rows: list[tuple[str, object, object]]  # (question, their answer, this person's answer), where they differ


@dataclass(frozen=True)
class Recorded:
    """What `progress_update_record` did. When it saved nothing (`saved` is false), `error` or `conflict` says why."""

    update: ProgressUpdate  # as saved; after a conflict, as the other person saved it
    saved: bool
    error: str = ""
    conflict: Conflict | None = None
    files_kept: bool = False  # files chosen on this form were kept, to be offered as "Files ready to attach"


def progress_update_record(
    *,
    update: ProgressUpdate,
    user,
    answers: services.ProgressAnswers,
    evidence: services.EvidenceInput,
    expected_version: int,
    submit: bool,
    milestones_completed: list[Milestone] | None = None,
) -> Recorded:
    """Save the update as a draft, or submit it for review, with its evidence and milestones.

    `update` is the deliverable's update for the period, or an unsaved one (services.progress_update_start);
    `expected_version` the version the person opened. `evidence.files` holds new uploads that passed their checks
    and the person's StagedUploads they left ticked. When the save is refused (a rule, or a concurrent edit) the
    new uploads are kept as StagedUploads so they need not be chosen again; once it succeeds, the kept files the
    person unticked are deleted.
    """
    try:
        saved = services.progress_update_save(
            update=update,
            answers=answers,
            user=user,
            expected_version=expected_version,
            submit=submit,
            evidence=evidence,
            milestones_completed=milestones_completed,
        )
    except services.ConcurrentEditError as exc:
        kept = files_keep(user=user, files=_new_files(evidence))
        conflict = Conflict(str(exc), exc.current, _differences(exc.current, answers))
        return Recorded(exc.current, saved=False, conflict=conflict, files_kept=kept)
    except DomainError as exc:
        kept = files_keep(user=user, files=_new_files(evidence))
        return Recorded(update, saved=False, error=str(exc), files_kept=kept)
    used = [source.pk for source, _ in evidence.files if isinstance(source, StagedUpload)]
    staged_uploads_discard(user=user, keep=used)
    return Recorded(saved, saved=True)


def files_keep(*, user, files: list) -> bool:
    """Keep files that passed their checks ((upload, CheckedFile) pairs) while another answer on the form needs
    correcting, so a problem elsewhere never loses them. True if there were any."""
    with transaction.atomic():
        for upload, checked in files:
            services.staged_upload_create(user=user, source=upload, checked=checked)
    return bool(files)


def staged_uploads_discard(*, user, keep: list[int]) -> None:
    """Delete the person's kept files other than `keep`: the ones they unticked on a form that was then saved."""
    for staged in StagedUpload.objects.filter(user=user).exclude(pk__in=keep):
        staged.file.delete(save=False)
        staged.delete()


def _new_files(evidence: services.EvidenceInput) -> list:
    return [(source, checked) for source, checked in evidence.files if not isinstance(source, StagedUpload)]


def _differences(current: ProgressUpdate, mine: services.ProgressAnswers) -> list[tuple[str, object, object]]:
    rows = []
    for name in services.UPDATE_FIELDS:
        model_field = ProgressUpdate._meta.get_field(name)
        theirs, yours = getattr(current, name), getattr(mine, name)
        if name == "rag_status":
            theirs, yours = current.get_rag_status_display(), dict(model_field.choices).get(yours, yours)
        if str(theirs or "") != str(yours or ""):
            rows.append((str(model_field.verbose_name).capitalize(), theirs, yours))
    return rows
