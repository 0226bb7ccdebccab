"""Performance indicators: what is measured, its own measurement periods, a target per period and the actuals the
owner records (draft → submitted → accepted or returned, like progress updates).

Status is never stored: indicators/status.py works it out from the actual, the target, the tolerance and the
polarity. A revision of an accepted actual is a new row (`revision` + 1): the accepted figure stays, and stays
the one reported, until the revision is accepted; simple-history keeps who changed what on every row.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from aims.exempt import Paragraph
from aims.models import Aim, Deliverable, Strategy, Theme
from indicators.units import format_number, format_value


class Unit(models.TextChoices):
    NUMBER = "number", "Number"
    PERCENT = "percent", "Percentage (%)"
    POUNDS = "pounds", "Pounds (£)"
    DAYS = "days", "Days"
    RATE_PER_1000 = "rate_per_1000", "Rate per 1,000"


class Polarity(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
    RANGE = "range", "Within a range"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    SIX_MONTHLY = "six_monthly", "Six-monthly"
    ANNUAL = "annual", "Annual"


FREQUENCY_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.SIX_MONTHLY: 6, Frequency.ANNUAL: 12}


class ToleranceKind(models.TextChoices):
    ABSOLUTE = "absolute", "An amount in the indicator's unit"
    PERCENT = "percent", "A percentage of the target"


VALUE = {"max_digits": 18, "decimal_places": 4}


class Indicator(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="indicators")
    reference = models.CharField("reference", max_length=30)
    title = models.CharField(max_length=300)
    definition = models.TextField(blank=True)
    calculation = models.TextField("how it is calculated", blank=True)
    unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.NUMBER)
    decimal_places = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(4)])
    polarity = models.CharField(max_length=10, choices=Polarity.choices, default=Polarity.HIGHER)
    frequency = models.CharField("how often it is measured", max_length=20, choices=Frequency.choices)
    baseline_value = models.DecimalField(null=True, blank=True, **VALUE)
    baseline_date = models.DateField(null=True, blank=True)
    tolerance_kind = models.CharField(max_length=10, choices=ToleranceKind.choices, default=ToleranceKind.PERCENT)
    tolerance = models.DecimalField(
        default=Decimal("0"),
        help_text="How far worse than the target still counts as Amber (inclusive). 0: anything worse is Red.",
        **VALUE,
    )
    data_source = models.CharField(max_length=300, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_indicators")
    is_published = models.BooleanField("published to the public", default=False)
    # Schedule 12A paragraph (aims.exempt.Paragraph) if the indicator is exempt information; None: public. The
    # public version of a report shows the notice in place of its title, figures and commentary.
    exempt_paragraph = models.PositiveSmallIntegerField(
        "exempt information", null=True, blank=True, choices=Paragraph.choices
    )
    aims = models.ManyToManyField(Aim, related_name="indicators", blank=True)
    themes = models.ManyToManyField(Theme, related_name="indicators", blank=True)
    deliverables = models.ManyToManyField(Deliverable, related_name="indicators", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[aims, themes, deliverables])

    class Meta:
        ordering = ["strategy", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "reference"], name="indicator_unique_reference"),
            models.CheckConstraint(
                condition=Q(decimal_places__lte=4),
                name="indicator_decimal_places_at_most_4",
                violation_error_message="Enter a number of decimal places from 0 to 4",
            ),
            models.CheckConstraint(
                condition=Q(tolerance__gte=0),
                name="indicator_tolerance_not_negative",
                violation_error_message="Enter a tolerance of 0 or more",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def tolerance_text(self) -> str:
        """ "5% of the target", "2 days"; "None: anything worse than target is Red" for 0."""
        if not self.tolerance:
            return "None: anything worse than the target is Red"
        if self.tolerance_kind == ToleranceKind.PERCENT:
            return f"{format_number(self.tolerance, 2).rstrip('0').rstrip('.')}% of the target"
        return format_value(self.tolerance, self.unit, self.decimal_places)

    @property
    def frequency_months(self) -> int:
        return FREQUENCY_MONTHS[Frequency(self.frequency)]


class MeasurementPeriod(models.Model):
    """One of the indicator's own periods, generated from its frequency (not the strategy's reporting cadence)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="periods")
    label = models.CharField(max_length=100)
    start_date = models.DateField()
    end_date = models.DateField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "start_date"], name="measurement_period_unique_start"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="measurement_period_dates_order"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class IndicatorTarget(models.Model):
    """The target for one measurement period: a value, or for "within a range" a lower and an upper bound."""

    period = models.OneToOneField(MeasurementPeriod, on_delete=models.CASCADE, related_name="target")
    value = models.DecimalField(null=True, blank=True, **VALUE)
    lower = models.DecimalField("lower bound", null=True, blank=True, **VALUE)
    upper = models.DecimalField("upper bound", null=True, blank=True, **VALUE)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(value__isnull=False) & Q(lower__isnull=True) & Q(upper__isnull=True))
                | (
                    Q(value__isnull=True)
                    & Q(lower__isnull=False)
                    & Q(upper__isnull=False)
                    & Q(upper__gte=models.F("lower"))
                ),
                name="indicator_target_value_or_range",
                violation_error_message="Enter a target, or a lower bound no higher than the upper bound",
            ),
        ]

    def __str__(self) -> str:
        if self.value is None:
            return f"{self.lower} to {self.upper}"
        return str(self.value)


class ActualState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ACCEPTED = "accepted", "Accepted"
    RETURNED = "returned", "Returned"


# Past draft, an actual has a value or says when the data is expected: one rule, in the form, service and database.
HAS_ANSWER = Q(value__isnull=False) | (Q(not_available=True) & Q(expected_on__isnull=False))
HAS_ANSWER_MESSAGE = "Enter the value, or say the data is not yet available and when it is expected"


class IndicatorActual(models.Model):
    """The owner's figure for one measurement period, reviewed by the board like a progress update.

    One row per revision: revision 1 is the first figure; correcting an accepted figure (late data, a revised
    return) starts revision 2, and the accepted revision 1 stays the reported figure until revision 2 is accepted.
    At most one revision of a period is open (draft, submitted or returned) at a time.
    """

    State = ActualState

    period = models.ForeignKey(MeasurementPeriod, on_delete=models.CASCADE, related_name="actuals")
    revision = models.PositiveSmallIntegerField(default=1)
    value = models.DecimalField(null=True, blank=True, **VALUE)
    not_available = models.BooleanField("data not yet available", default=False)
    expected_on = models.DateField("date the data is expected", null=True, blank=True)
    note = models.TextField(blank=True)
    corrective_action = models.TextField(
        blank=True, help_text="What is being done to bring a Red figure back within tolerance (the committee reads it)."
    )
    evidence_url = models.URLField("evidence link", max_length=2000, blank=True)
    state = models.CharField(max_length=20, choices=ActualState.choices, default=ActualState.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_actuals")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="reviewed_actuals"
    )
    review_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Raised on every save; guards against lost edits.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["period__start_date", "revision"]
        constraints = [
            models.UniqueConstraint(fields=["period", "revision"], name="indicator_actual_unique_revision"),
            models.UniqueConstraint(
                fields=["period"], condition=~Q(state="accepted"), name="indicator_actual_one_open_revision"
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | HAS_ANSWER,
                name="indicator_actual_submitted_has_answer",
                violation_error_message=HAS_ANSWER_MESSAGE,
            ),
            models.CheckConstraint(
                condition=~(Q(value__isnull=False) & Q(not_available=True)),
                name="indicator_actual_value_or_not_available",
                violation_error_message="Enter the value or say the data is not yet available, not both",
            ),
            models.CheckConstraint(
                condition=Q(evidence_url="")
                | Q(evidence_url__startswith="http://")
                | Q(evidence_url__startswith="https://"),
                name="indicator_actual_evidence_is_web_link",
                violation_error_message="Enter an evidence link starting with http:// or https://",
            ),
        ]
        indexes = [
            models.Index(fields=["submitted_at"], condition=Q(state="submitted"), name="actual_awaiting_review"),
        ]

    def __str__(self) -> str:
        return f"{self.period.indicator.reference} – {self.period}"

    def clean(self) -> None:
        super().clean()
        if self.state != ActualState.DRAFT and not (
            self.value is not None or (self.not_available and self.expected_on)
        ):
            raise ValidationError(HAS_ANSWER_MESSAGE)

    @property
    def is_editable(self) -> bool:
        return self.state in (ActualState.DRAFT, ActualState.RETURNED)
