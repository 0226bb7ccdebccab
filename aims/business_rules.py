"""The business rules of a progress update, each written once: a class with a name, a message and a test.

Every rule is used from here, in one wording, by

* the progress form: ``if Rule.broken_by(cleaned_data): form.add_error(Rule.field, Rule.message)`` (the rules
  that hold only past draft, ``aims.services.SUBMISSION_RULES``, only on the way to submitting);
* the service: ``Rule.check(update)`` raises `BusinessRuleViolation`, a DomainError the page shows;
* the database: ``Rule.constraint()`` is the CheckConstraint in ``ProgressUpdate.Meta.constraints``, named
  ``Rule.name``, whose ``violation_error_message`` is ``Rule.message`` (what the admin's forms say).

``broken_by`` takes a form's cleaned data or an update: anything with the fields as keys or attributes.
tests/aims/test_business_rules.py has one test per rule, each through all three.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from aims import rag, update_states
from core.errors import DomainError


class BusinessRuleViolation(DomainError):
    """A write that breaks a business rule; the message says what to do."""

    def __init__(self, rule: type[BusinessRule]):
        self.rule = rule
        super().__init__(rule.message)


def _value(values: object, name: str) -> object:
    return values.get(name) if isinstance(values, Mapping) else getattr(values, name, None)


class BusinessRule:
    name: ClassVar[str]  # also the database constraint's name
    field: ClassVar[str]  # the answer the message belongs to
    message: ClassVar[str]
    condition: ClassVar[Q]  # what every stored update satisfies

    @classmethod
    def broken_by(cls, values: object) -> bool:
        raise NotImplementedError

    @classmethod
    def problems(cls, values: object) -> list[tuple[str, str]]:
        """(answer, message) for each answer the rule finds wanting, as the form shows them."""
        return [(cls.field, cls.message)] if cls.broken_by(values) else []

    @classmethod
    def check(cls, values: object) -> None:
        if cls.broken_by(values):
            raise BusinessRuleViolation(cls)

    @classmethod
    def constraint(cls) -> models.CheckConstraint:
        # Django fills in %(name)s in the message, so a literal % is written %%.
        message = cls.message.replace("%", "%%")
        return models.CheckConstraint(condition=cls.condition, name=cls.name, violation_error_message=message)


class RedNeedsCorrectiveAction(BusinessRule):
    """A red update cannot reach the board without a corrective action.

    The database holds it for every update past draft, and the service checks it on submission (and on every save
    of a returned update); the progress form asks on the way to submitting ("Continue") and for a returned update,
    so "Save as draft" saves a red draft whose corrective action is still to be written (the model's clean(),
    used by the admin, asks at every save).
    """

    name = "update_red_needs_corrective_action"
    field = "corrective_action"
    message = "Enter the corrective action: it is required when the status is Red"
    condition = ~(Q(rag_status=rag.RED) & Q(corrective_action="") & ~Q(state=update_states.DRAFT))

    @classmethod
    def broken_by(cls, values: object) -> bool:
        return _value(values, "rag_status") == rag.RED and not str(_value(values, "corrective_action") or "").strip()


class CompleteMeans100(BusinessRule):
    """A deliverable reported complete is 100% complete. The service sets it rather than refusing (`percent`)."""

    name = "update_complete_is_100_percent"
    field = "percent_complete"
    message = "A complete deliverable must be 100% complete"
    condition = ~Q(rag_status=rag.COMPLETE) | Q(percent_complete=100)

    @classmethod
    def broken_by(cls, values: object) -> bool:
        percent = _value(values, "percent_complete")
        # No percent at all is its own error (PercentInRange, or the field is required), not this one.
        return _value(values, "rag_status") == rag.COMPLETE and percent is not None and percent != 100

    @staticmethod
    def percent(rag_status: str | None, percent: int | None) -> int | None:
        """The percent complete that goes with a status: 100 for complete, else as given."""
        return 100 if rag_status == rag.COMPLETE else percent


class PercentInRange(BusinessRule):
    """Percent complete is a whole number from 0 to 100."""

    name = "update_percent_range"
    field = "percent_complete"
    minimum, maximum = 0, 100
    message = "Percent complete must be a whole number from 0 to 100"
    help_text = "A whole number from 0 to 100."
    too_low = "Percent complete must be 0 or more"
    too_high = "Percent complete must be 100 or less"
    condition = Q(percent_complete__gte=0) & Q(percent_complete__lte=100)

    @classmethod
    def broken_by(cls, values: object) -> bool:
        percent = _value(values, "percent_complete")
        return percent is not None and not cls.minimum <= percent <= cls.maximum

    @classmethod
    def validators(cls) -> list:
        """For the model field, so a model form (the admin) says it in the same words as the progress form."""
        return [
            MinValueValidator(cls.minimum, message=cls.too_low),
            MaxValueValidator(cls.maximum, message=cls.too_high),
        ]


class SubmittedHasStatusAndPercent(BusinessRule):
    """An update past draft has a RAG status and a percent complete; a draft may leave either blank.

    "Save as draft" saves whatever has been entered; the progress form asks for each missing answer, in its own
    words (`answer_messages`), on the way to submitting and for a returned update. The service refuses to submit
    without them, and the database holds it for every update past draft (`message`, also what the admin says).
    """

    name = "update_submitted_has_status_and_percent"
    field = "rag_status"
    message = "Select a RAG status and enter the percent complete: an update needs both before it is submitted"
    answer_messages: ClassVar[dict[str, str]] = {
        "rag_status": "Select a RAG status",
        "percent_complete": "Enter the percent complete",
    }
    condition = Q(state=update_states.DRAFT) | (~Q(rag_status="") & Q(percent_complete__isnull=False))

    @classmethod
    def missing(cls, values: object) -> list[str]:
        """The answers left blank, of the RAG status and the percent complete."""
        return [
            name
            for name in cls.answer_messages
            if _value(values, name) is None or (name == "rag_status" and not _value(values, name))
        ]

    @classmethod
    def broken_by(cls, values: object) -> bool:
        return bool(cls.missing(values))

    @classmethod
    def problems(cls, values: object) -> list[tuple[str, str]]:
        return [(name, cls.answer_messages[name]) for name in cls.missing(values)]


# Checked on every save by the form and the model's clean(); PercentInRange is the fields' own validation there.
UPDATE_ANSWER_RULES: tuple[type[BusinessRule], ...] = (RedNeedsCorrectiveAction, CompleteMeans100)
