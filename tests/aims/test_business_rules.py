"""One test per business rule (aims/business_rules.py), each through the form, the service and the database, so
the three can never drift apart in what they allow or in how they say it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from aims import services
from aims.business_rules import (
    BusinessRuleViolation,
    CompleteMeans100,
    PercentInRange,
    RedNeedsCorrectiveAction,
    SubmittedHasStatusAndPercent,
)
from aims.forms import ProgressUpdateForm
from aims.models import RAG, ProgressUpdate
from core.errors import DomainError
from tests import factories

pytestmark = pytest.mark.django_db


def form_errors(submitting=False, past_draft=False, **answers) -> dict:
    data = {"version": "0", "rag_status": "green", "percent_complete": "40", "achieved": "Launched.", **answers}
    form = ProgressUpdateForm(data, submitting=submitting, past_draft=past_draft)
    form.is_valid()
    return form.errors


def constraint_messages(update) -> list[str]:
    try:
        update.validate_constraints()
    except ValidationError as exc:
        return exc.messages
    return []


def save(update, officer, *, submit, **values):
    answers = {f: getattr(update, f) for f in services.UPDATE_FIELDS} | values
    return services.progress_update_save(
        update=update,
        answers=services.ProgressAnswers(**answers),
        user=officer,
        expected_version=update.version,
        submit=submit,
    )


def test_every_rule_has_its_own_constraint_on_the_update(db):
    constraints = {c.name: c for c in ProgressUpdate._meta.constraints}
    for rule in (RedNeedsCorrectiveAction, CompleteMeans100, PercentInRange, SubmittedHasStatusAndPercent):
        assert constraints[rule.name].get_violation_error_message() == rule.message
        assert constraints[rule.name].condition == rule.condition


def test_red_needs_a_corrective_action(deliverable, open_period, officer):
    rule = RedNeedsCorrectiveAction
    assert rule.message == "Enter the corrective action: it is required when the status is Red"
    assert rule.broken_by({"rag_status": "red", "corrective_action": "  "})
    assert not rule.broken_by({"rag_status": "red", "corrective_action": "Agency staff"})
    assert not rule.broken_by({"rag_status": "amber", "corrective_action": ""})

    # The form asks on the way to submitting, and at every save of a returned update (past draft); a draft is
    # saved as it is.
    assert form_errors(rag_status="red", submitting=True)["corrective_action"] == [rule.message]
    assert form_errors(rag_status="red", past_draft=True)["corrective_action"] == [rule.message]
    assert "corrective_action" not in form_errors(rag_status="red", corrective_action="Agency staff", submitting=True)
    assert "corrective_action" not in form_errors(rag_status="red")

    # The service lets a red draft be saved, and refuses to submit it.
    update = services.progress_update_start(deliverable=deliverable, period=open_period, user=officer)
    update = save(update, officer, submit=False, rag_status=RAG.RED, percent_complete=30, achieved="Some.")
    assert update.state == "draft"
    with pytest.raises(BusinessRuleViolation) as refused:
        save(update, officer, submit=True)
    assert str(refused.value) == rule.message and isinstance(refused.value, DomainError)

    # The database holds it once the update is past draft, in the same words for a model form.
    update.refresh_from_db()
    update.clean_fields()
    assert constraint_messages(update) == []
    update.state = ProgressUpdate.State.SUBMITTED
    assert constraint_messages(update) == [rule.message]
    with pytest.raises(ValidationError) as cleaned:
        update.clean()
    assert cleaned.value.message_dict == {"corrective_action": [rule.message]}
    with pytest.raises(IntegrityError), transaction.atomic():
        update.save()
    update.corrective_action = "Agency staff from January."
    assert constraint_messages(update) == []
    update.save()


def test_complete_means_100_percent(deliverable, open_period, officer):
    rule = CompleteMeans100
    assert rule.message == "A complete deliverable must be 100% complete"
    assert form_errors(rag_status="complete", percent_complete="90")["percent_complete"] == [rule.message]
    assert "percent_complete" not in form_errors(rag_status="complete", percent_complete="100")
    # A percent that is already wrong is told once, by its own rule.
    assert form_errors(rag_status="complete", percent_complete="101")["percent_complete"] == [PercentInRange.too_high]

    # The service makes a complete update 100% rather than refusing it, and so does the next period's start.
    assert rule.percent("complete", 60) == 100 and rule.percent("green", 60) == 60
    update = services.progress_update_start(deliverable=deliverable, period=open_period, user=officer)
    update = save(update, officer, submit=False, rag_status=RAG.COMPLETE, percent_complete=90, achieved="Done.")
    assert update.percent_complete == 100

    update.percent_complete = 90
    assert constraint_messages(update) == [rule.message]
    with pytest.raises(ValidationError) as cleaned:
        update.clean()
    assert cleaned.value.message_dict == {"percent_complete": [rule.message]}
    with pytest.raises(IntegrityError), transaction.atomic():
        update.save()


def test_percent_complete_is_0_to_100(deliverable, open_period):
    rule = PercentInRange
    assert form_errors(percent_complete="-1")["percent_complete"] == ["Percent complete must be 0 or more"]
    assert form_errors(percent_complete="101")["percent_complete"] == ["Percent complete must be 100 or less"]
    assert "percent_complete" not in form_errors(percent_complete="0")
    assert "percent_complete" not in form_errors(percent_complete="100")
    assert ProgressUpdateForm().fields["percent_complete"].help_text == rule.help_text
    assert rule.broken_by({"percent_complete": 101}) and not rule.broken_by({"percent_complete": 100})

    update = factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period)
    update.percent_complete = 101
    with pytest.raises(ValidationError) as fields:
        update.clean_fields()
    assert fields.value.message_dict == {"percent_complete": [rule.too_high]}
    assert constraint_messages(update) == [rule.message]
    with pytest.raises(IntegrityError), transaction.atomic():
        update.save()


def test_an_update_past_draft_has_a_rag_status_and_a_percent_complete(deliverable, open_period, officer):
    rule = SubmittedHasStatusAndPercent
    assert rule.missing({"rag_status": "", "percent_complete": None}) == ["rag_status", "percent_complete"]
    assert rule.missing({"rag_status": "green", "percent_complete": 0}) == []  # 0% is an answer
    assert rule.problems({"rag_status": "amber"}) == [("percent_complete", "Enter the percent complete")]

    # The form saves a draft without them; on the way to submitting, and for a returned update, it asks for each.
    blank = {"rag_status": "", "percent_complete": ""}
    assert not {"rag_status", "percent_complete"} & set(form_errors(**blank))
    for asked in (form_errors(submitting=True, **blank), form_errors(past_draft=True, **blank)):
        assert asked["rag_status"] == ["Select a RAG status"]
        assert asked["percent_complete"] == ["Enter the percent complete"]

    # The service saves the draft with both blank, and refuses to submit it.
    update = services.progress_update_start(deliverable=deliverable, period=open_period, user=officer)
    update = save(update, officer, submit=False, rag_status="", percent_complete=None, achieved="Scoped.")
    update.refresh_from_db()
    assert (update.state, update.rag_status, update.percent_complete) == ("draft", "", None)
    with pytest.raises(BusinessRuleViolation) as refused:
        save(update, officer, submit=True)
    assert str(refused.value) == rule.message
    with pytest.raises(BusinessRuleViolation):
        services.progress_update_submit(update=update, user=officer, expected_version=update.version)

    # The database refuses any update past draft without both, in the same words for a model form.
    for state in ("submitted", "accepted", "returned"):
        for values in ({"rag_status": ""}, {"percent_complete": None}):
            update.refresh_from_db()
            update.state, update.rag_status, update.percent_complete = state, "green", 40
            for name, value in values.items():
                setattr(update, name, value)
            assert constraint_messages(update) == [rule.message]
            with pytest.raises(IntegrityError), transaction.atomic():
                update.save()
    update.refresh_from_db()
    update.state, update.rag_status, update.percent_complete = "submitted", "green", 0
    assert constraint_messages(update) == []
    update.save()
