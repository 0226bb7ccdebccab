"""Recording progress, as the officer's form does it: save a draft or submit, keep the files that passed their
checks when something else stops the save (for that update only), show a concurrent edit side by side, and
delete the kept files the person removes. The writes themselves are aims.services'; which period may be recorded is
aims.selectors.recordable_period."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from aims import services
from aims.models import ProgressUpdate, StagedUpload
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
    files_kept: bool = False  # files chosen on this form were kept, to be listed as "Files you have added"


def progress_update_record(
    *,
    update: ProgressUpdate,
    user,
    answers: services.ProgressAnswers,
    evidence: services.EvidenceInput,
    expected_version: int,
    submit: bool = False,
    milestones_completed=None,
    staged_removed: list[int] = (),
) -> Recorded:
    """Save the update as a draft (or, with `submit`, submit it for review), with its evidence and milestones.

    `update` is the deliverable's update for the period, or an unsaved one (services.progress_update_start);
    `expected_version` the version the person opened. `evidence.files` holds new uploads that passed their checks
    and the files kept for this update (StagedUploads) the person did not remove; `staged_removed` the kept files
    they ticked to remove, deleted whatever happens. When the save is refused (a rule, or a concurrent edit) the
    new uploads are kept for this update, so they need not be chosen again.
    """
    staged_uploads_remove(user=user, update=update, ids=staged_removed)
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
        kept = files_keep(user=user, update=update, files=_new_files(evidence))
        conflict = Conflict(str(exc), exc.current, _differences(exc.current, answers))
        return Recorded(exc.current, saved=False, conflict=conflict, files_kept=kept)
    except DomainError as exc:
        kept = files_keep(user=user, update=update, files=_new_files(evidence))
        return Recorded(update, saved=False, error=str(exc), files_kept=kept)
    return Recorded(saved, saved=True)


def files_keep(*, user, update: ProgressUpdate, files: list) -> bool:
    """Keep files that passed their checks ((upload, CheckedFile) pairs) for `update` (its deliverable and period,
    saved or not) while another answer on the form needs correcting, so a problem elsewhere never loses them.
    True if there were any."""
    with transaction.atomic():
        for upload, checked in files:
            services.staged_upload_create(
                user=user, deliverable=update.deliverable, period=update.period, source=upload, checked=checked
            )
    return bool(files)


def staged_uploads_remove(*, user, update: ProgressUpdate, ids) -> None:
    """Delete the kept files `ids` the person removed, among their own kept for this update only."""
    if not ids:
        return
    for staged in StagedUpload.objects.filter(
        pk__in=list(ids), user=user, deliverable_id=update.deliverable_id, period_id=update.period_id
    ):
        services.staged_upload_remove(staged=staged)


def _new_files(evidence: services.EvidenceInput) -> list:
    return [(source, checked) for source, checked in evidence.files if not isinstance(source, StagedUpload)]


def _shown(value) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)  # 0% is not blank


def _differences(current: ProgressUpdate, mine: services.ProgressAnswers) -> list[tuple[str, object, object]]:
    rows = []
    for name in services.UPDATE_FIELDS:
        model_field = ProgressUpdate._meta.get_field(name)
        theirs, yours = getattr(current, name), getattr(mine, name)
        if name == "rag_status":
            theirs, yours = current.get_rag_status_display(), dict(model_field.choices).get(yours, yours)
        theirs, yours = (_shown(value) for value in (theirs, yours))
        if theirs != yours:
            rows.append((str(model_field.verbose_name).capitalize(), theirs, yours))
    return rows
