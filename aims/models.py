"""The delivery tree (strategy, aims, themes, deliverables, milestones) and progress recorded against it."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from aims import exempt, rag, update_states
from aims.business_rules import (
    UPDATE_ANSWER_RULES,
    CompleteMeans100,
    PercentInRange,
    RedNeedsCorrectiveAction,
    SubmittedHasStatusAndPercent,
)


def keep_stored_version(instance: models.Model, update_fields) -> None:
    """Saving a row loaded earlier must not write back the data_version it was loaded with: the versions are
    raised in SQL only (aims/data_versions.py), so a stale instance can never move one back."""
    if not instance._state.adding and (update_fields is None or "data_version" in update_fields):
        instance.data_version = models.F("data_version")


class Organisation(models.Model):
    """The council. Its contact details appear on committee reports."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    address = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    telephone = models.CharField(max_length=50, blank=True)
    website = models.URLField(blank=True)
    logo = models.FileField(
        upload_to="logos/", blank=True, max_length=200, help_text="PNG or JPEG, checked by aims.logos when uploaded."
    )
    logo_alt_text = models.CharField("logo alternative text", max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(logo="") | ~Q(logo_alt_text=""),
                name="organisation_logo_has_alt_text",
                violation_error_message="Enter the logo's alternative text",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Cadence(models.TextChoices):
    QUARTERLY = "quarterly", "Quarterly"
    SIX_MONTHLY = "six_monthly", "Six-monthly"
    ANNUAL = "annual", "Annual"


CADENCE_MONTHS = {Cadence.QUARTERLY: 3, Cadence.SIX_MONTHLY: 6, Cadence.ANNUAL: 12}


class Strategy(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ADOPTED = "adopted", "Adopted"
        ARCHIVED = "archived", "Archived"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="strategies")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.TextField(blank=True)
    vision = models.TextField(blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    cadence = models.CharField("reporting cadence", max_length=20, choices=Cadence.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    adopted_on = models.DateField(null=True, blank=True)
    adopted_by = models.CharField("adopted by (committee)", max_length=200, blank=True)
    is_published = models.BooleanField("published to the public", default=False)
    public_shows_names = models.BooleanField(
        "show officers' names on the public pages",
        default=False,
        help_text="Off: residents see each deliverable's lead service, not the officer who owns it.",
    )
    aim_label = models.CharField("word for an aim", max_length=50, default="Aim")
    aim_label_plural = models.CharField("word for aims", max_length=50, default="Aims")
    theme_label = models.CharField("word for a theme", max_length=50, default="Theme")
    theme_label_plural = models.CharField("word for themes", max_length=50, default="Themes")
    responsible_officer = models.CharField(
        "responsible officer",
        max_length=200,
        blank=True,
        help_text="Who committee reports on this strategy are of, for example “Director of Digital”.",
    )
    data_version = models.PositiveBigIntegerField(
        default=0, editable=False, help_text="Raised whenever anything in the strategy changes; keys cached figures."
    )
    # Strategies of the same council adopted or run together (aims.links.strategy_links_set checks the council
    # and records each change in the history of both strategies, as a change reason).
    linked_strategies = models.ManyToManyField("self", symmetrical=True, blank=True, verbose_name="linked strategies")

    history = HistoricalRecords(excluded_fields=["data_version"])

    class Meta:
        ordering = ["organisation__name", "title"]
        verbose_name_plural = "strategies"
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="strategy_dates_order"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        keep_stored_version(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    @property
    def cadence_months(self) -> int:
        return CADENCE_MONTHS[Cadence(self.cadence)]


class Aim(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="aims")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["strategy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "number"], name="aim_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Theme(models.Model):
    """A workstream grouping deliverables; it contributes to one or more aims."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="themes")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    vision = models.TextField(blank=True)
    expected_outcomes = models.TextField(blank=True)
    aims = models.ManyToManyField(Aim, related_name="themes", blank=True)

    history = HistoricalRecords(m2m_fields=[aims])

    class Meta:
        ordering = ["strategy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "number"], name="theme_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Deliverable(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="deliverables")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="deliverables")
    reference = models.CharField("reference code", max_length=30)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    expected_outcome = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_deliverables")
    contributors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="contributed_deliverables", blank=True)
    lead_service = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    weight = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="How much this deliverable counts in the roll-up of percent complete.",
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Untick when a deliverable is withdrawn; its history is kept."
    )
    exempt_paragraph = models.PositiveSmallIntegerField(
        "exempt information",
        choices=exempt.Paragraph.choices,
        null=True,
        blank=True,
        help_text="The paragraph of Schedule 12A that makes the whole deliverable exempt; blank when it is public.",
    )
    data_version = models.PositiveBigIntegerField(
        default=0,
        editable=False,
        help_text="Raised whenever the deliverable, its progress or its strategy changes; keys its cached page.",
    )

    history = HistoricalRecords(m2m_fields=[contributors], excluded_fields=["data_version"])

    class Meta:
        ordering = ["strategy", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "reference"], name="deliverable_unique_reference"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="deliverable_weight_positive"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(due_date__isnull=True)
                | Q(due_date__gte=models.F("start_date")),
                name="deliverable_dates_order",
            ),
        ]
        indexes = [models.Index(fields=["owner", "strategy"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def save(self, *args, **kwargs) -> None:
        keep_stored_version(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.theme_id and self.strategy_id and self.theme.strategy_id != self.strategy_id:
            raise ValidationError({"theme": "Choose a theme from the same strategy."})
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValidationError({"due_date": "The due date must be on or after the start date."})


class Milestone(models.Model):
    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=300)
    due_date = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["deliverable", "due_date", "id"]

    def __str__(self) -> str:
        return self.title


class ReportingPeriod(models.Model):
    """A window for which progress is collected. Generated from the strategy's cadence."""

    class Status(models.TextChoices):
        UPCOMING = "upcoming", "Upcoming"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="periods")
    label = models.CharField(max_length=100, help_text='For example "April to September 2026".')
    start_date = models.DateField()
    end_date = models.DateField()
    deadline = models.DateField("update deadline")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPCOMING)

    history = HistoricalRecords()  # relabelled, a deadline moved, opened or closed: "Changes to this strategy"

    class Meta:
        ordering = ["strategy", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "start_date"], name="period_unique_start"),
            models.UniqueConstraint(
                fields=["strategy"], condition=Q(status="open"), name="period_one_open_per_strategy"
            ),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="period_dates_order"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


# The statuses an officer can report, with their labels, from the one RAG table (aims/rag.py).
RAG = models.TextChoices(
    "RAG", [(status.key.upper(), (status.key, status.label)) for status in rag.REPORTABLE], module=__name__
)


class ProgressUpdate(models.Model):
    """One deliverable's progress for one reporting period."""

    # Draft, submitted, accepted, returned, with their labels, from aims/update_states.py.
    State = models.TextChoices(
        "State",
        [(state.key.upper(), (state.key, state.label)) for state in update_states.STORED],
        module=__name__,
        qualname="ProgressUpdate.State",
    )

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="updates")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="updates")
    # Either may be left blank in a draft (SubmittedHasStatusAndPercent): "Save as draft" saves what was entered.
    rag_status = models.CharField("RAG status", max_length=20, choices=RAG.choices, blank=True)
    percent_complete = models.PositiveSmallIntegerField(null=True, blank=True, validators=PercentInRange.validators())
    achieved = models.TextField("what has been achieved", blank=True)
    next_steps = models.TextField("what happens next", blank=True)
    risks_issues = models.TextField("risks and issues", blank=True)
    corrective_action = models.TextField(blank=True)
    milestones_completed = models.ManyToManyField(Milestone, blank=True, related_name="completed_in_updates")
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_updates")
    # Set when a strategy lead (the programme office) typed this version in for the author, the deliverable's
    # owner, from the progress sheet (aims/progress_sheets.py); blank when the author saved it themselves.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="entered by",
        help_text="Who entered this version on the author's behalf, if someone else did.",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="reviewed_updates"
    )
    review_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Raised on every save; guards against lost edits.")
    exempt_paragraph = models.PositiveSmallIntegerField(
        "exempt information", choices=exempt.Paragraph.choices, null=True, blank=True
    )
    exempt_fields = models.JSONField(
        default=list, blank=True, help_text="The text fields holding exempt information (aims.exempt.UPDATE_FIELDS)."
    )

    history = HistoricalRecords(m2m_fields=[milestones_completed])

    class Meta:
        ordering = ["deliverable", "period__start_date"]
        constraints = [
            models.UniqueConstraint(fields=["deliverable", "period"], name="update_one_per_deliverable_period"),
            PercentInRange.constraint(),
            RedNeedsCorrectiveAction.constraint(),
            CompleteMeans100.constraint(),
            SubmittedHasStatusAndPercent.constraint(),
        ]
        indexes = [
            models.Index(fields=["period", "state"]),
            # "Updates to review": the few submitted updates, oldest first, without probing every deliverable.
            models.Index(fields=["submitted_at"], condition=Q(state="submitted"), name="update_awaiting_review"),
        ]

    def __str__(self) -> str:
        return f"{self.deliverable.reference} – {self.period}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        self._stored_state = self.state

    @property
    def exempt_description(self) -> str:
        """Which parts are exempt and why, in words: "" when nothing is."""
        labels = [label for name, label in exempt.UPDATE_FIELDS.items() if name in (self.exempt_fields or [])]
        if not (labels and self.exempt_paragraph):
            return ""
        return f"{', '.join(labels)}: exempt under paragraph {self.exempt_paragraph} of Part 1 of Schedule 12A"

    def clean(self) -> None:
        super().clean()
        errors = {rule.field: rule.message for rule in UPDATE_ANSWER_RULES if rule.broken_by(self)}
        if errors:
            raise ValidationError(errors)

    @property
    def is_editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_state = instance.__dict__.get("state")
        return instance

    @property
    def draft_saved_again(self) -> bool:
        """A stored draft (or returned update) saved again in the same state: its deliverable's page and its
        people's homes change, but nothing its strategy's figures, dashboard or chase list show."""
        stored = getattr(self, "_stored_state", None)
        return stored == self.state and stored in (self.State.DRAFT, self.State.RETURNED)


class Evidence(models.Model):
    """What backs a progress claim: a file, a link, a figure or a note, kept with its update."""

    class Kind(models.TextChoices):
        FILE = "file", "File"
        LINK = "link", "Link"
        FIGURE = "figure", "Figure"
        NOTE = "note", "Note"

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=300, blank=True)
    file = models.FileField(upload_to="evidence/%Y/%m/", blank=True, max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=150, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    figure_value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    figure_unit = models.CharField(max_length=50, blank=True)
    note = models.TextField(blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["update", "created_at", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=(
                    (Q(kind="file") & ~Q(file="") & ~Q(sha256=""))
                    | (Q(kind="link") & ~Q(url="") & (Q(url__startswith="http://") | Q(url__startswith="https://")))
                    | (Q(kind="figure") & Q(figure_value__isnull=False))
                    | (Q(kind="note") & ~Q(note=""))
                ),
                name="evidence_kind_has_content",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.original_name or self.url or self.get_kind_display()

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        if self.kind == self.Kind.FILE:
            return self.original_name
        if self.kind == self.Kind.LINK:
            return self.url
        if self.kind == self.Kind.FIGURE:
            return "Figure"
        return "Note"


class StagedUpload(models.Model):
    """A checked file kept while the rest of the progress form is corrected, so no chosen file is lost.

    It belongs to the update it was chosen for (the deliverable and reporting period) and to the person who chose
    it, is offered only there, and becomes Evidence when that form is next saved, unless they remove it. The
    periodic clean-up removes it only once nothing can be recorded for that period any more.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="staged_uploads")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="staged_uploads")
    file = models.FileField(upload_to="staged/%Y/%m/", max_length=300)
    original_name = models.CharField(max_length=255)
    size_bytes = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=150)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["deliverable", "period", "user"])]

    def __str__(self) -> str:
        return self.original_name


class DeliverablePeriodStatus(models.Model):
    """One deliverable's figures for one reporting period, under one way of counting updates: kept so that the
    dashboard reads them in a few indexed queries instead of computing them from every update on each read.

    Derived data only, never edited: aims/status_rows.py recomputes a deliverable's rows in the transaction of any
    write that changes its updates (and a strategy's rows when its periods change), from the freshness marks the
    write makes; `manage.py status_rows_check` recomputes every row and reports any difference. What each column
    means is reports/selectors.py's docstring, for the period alone: which deliverables are in scope (active,
    started) and whether one is overdue are read with the deliverable, so withdrawing one or changing its weight,
    theme or dates changes no row.
    """

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="period_statuses")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="deliverable_statuses")
    # Indexed first in period_status_figures (below), which serves this key's lookups too.
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="+", db_index=False)
    include_submitted = models.BooleanField(help_text="Counting submitted updates too, not only accepted ones.")
    status = models.CharField(max_length=20)  # a RAG key, awaiting_review or no_update
    rag = models.CharField(max_length=20, blank=True)  # this period's counted update's RAG status
    reported_percent = models.PositiveSmallIntegerField(null=True)  # this period's counted update's percent
    percent = models.PositiveSmallIntegerField()  # for the roll-up: reported, carried forward, or 0; complete 100
    carried_from = models.CharField(max_length=100, blank=True)  # the period label the percent comes from
    update_state = models.CharField(max_length=20, blank=True)  # this period's update, counted or not
    previous_rag = models.CharField(max_length=20, blank=True)  # the previous period's counted RAG status
    direction = models.CharField(max_length=10, blank=True)  # better, same, worse or ""
    last_update_at = models.DateTimeField(null=True)  # when the latest counted update so far was submitted

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "period", "include_submitted"], name="period_status_one_per_mode"
            ),
        ]
        indexes = [models.Index(fields=["strategy", "include_submitted", "period"], name="period_status_figures")]

    def __str__(self) -> str:
        return f"{self.deliverable_id} / {self.period_id}: {self.status}"
