"""Committee progress reports. Each "Generate PDF" makes a new version holding a frozen snapshot and its PDF."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from aims import exempt


class ProgressReport(models.Model):
    """What the clerk writes around the figures: the header block and the committee report's sections."""

    class Scope(models.TextChoices):
        EXCEPTIONS = "exceptions", "Exceptions only (red and amber) in the appendix"
        FULL = "full", "Every deliverable in the appendix"

    strategy = models.ForeignKey("aims.Strategy", on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey("aims.ReportingPeriod", on_delete=models.PROTECT, related_name="reports")
    committee = models.CharField(max_length=200)
    meeting_date = models.DateField("date of meeting")
    title = models.CharField("report title", max_length=300)
    report_of = models.CharField("report of", max_length=300, help_text="Officer's name and job title.")
    reference_number = models.CharField("report reference number", max_length=100, blank=True)
    agenda_item = models.CharField("agenda item number", max_length=20, blank=True)
    key_decision = models.BooleanField("key decision", default=False)
    wards_affected = models.CharField("wards affected", max_length=300, default="All")
    purpose = models.TextField("purpose of report", blank=True)
    executive_summary = models.TextField()
    recommendations = models.TextField()
    reasons = models.TextField("reasons for recommendations")
    other_options = models.TextField("other options considered", blank=True)
    consultation = models.TextField("consultation and engagement", blank=True)
    implications_legal = models.TextField("legal", blank=True)
    implications_finance = models.TextField("finance", blank=True)
    implications_policy = models.TextField("policy", blank=True)
    implications_equality = models.TextField("equality", blank=True)
    implications_hr = models.TextField("human resources", blank=True)
    implications_risk = models.TextField("risk management", blank=True)
    implications_rural = models.TextField("rural communities", blank=True)
    implications_children = models.TextField("children and young people", blank=True)
    implications_public_health = models.TextField("public health", blank=True)
    implications_climate = models.TextField("climate change", blank=True)
    contact_name = models.CharField("contact officer name", max_length=200)
    contact_email = models.EmailField("contact officer email")
    contact_telephone = models.CharField("contact officer telephone", max_length=50, blank=True)
    marking = models.CharField("protective marking", max_length=50, default="OFFICIAL")
    exempt_paragraph = models.PositiveSmallIntegerField(
        "exempt information", choices=exempt.Paragraph.choices, null=True, blank=True
    )
    exempt_sections = models.JSONField(
        default=list, blank=True, help_text="The sections holding exempt information (EXEMPTABLE_SECTIONS)."
    )
    scope = models.CharField("appendix", max_length=20, choices=Scope.choices, default=Scope.FULL)
    include_submitted = models.BooleanField(
        "include updates not yet reviewed",
        default=False,
        help_text="Submitted updates the board has not accepted yet are included, marked as not yet reviewed.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_automatically = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    IMPLICATIONS = [
        ("implications_legal", "Legal"),
        ("implications_finance", "Finance"),
        ("implications_policy", "Policy"),
        ("implications_equality", "Equality"),
        ("implications_hr", "Human Resources"),
        ("implications_risk", "Risk Management"),
        ("implications_rural", "Rural Communities"),
        ("implications_children", "Children and Young People"),
        ("implications_public_health", "Public Health"),
        ("implications_climate", "Climate Change"),
    ]
    # The sections a clerk can mark as holding exempt information (aims.exempt), with the words the form uses.
    EXEMPTABLE_SECTIONS = [
        ("purpose", "Purpose of report"),
        ("executive_summary", "Executive summary"),
        ("recommendations", "Recommendations"),
        ("reasons", "Reasons for recommendations"),
        ("other_options", "Other options considered"),
        ("consultation", "Consultation and engagement"),
        *[(name, f"Implications: {label}") for name, label in IMPLICATIONS],
    ]

    class Meta:
        ordering = ["-meeting_date", "-created_at"]
        constraints = [
            # The scheduled job drafts at most one report per period; clerks may add more by hand.
            models.UniqueConstraint(
                fields=["period"], condition=Q(created_automatically=True), name="report_one_automatic_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.committee}, {self.meeting_date:%-d %B %Y})"


class ReportVersion(models.Model):
    """One generation of a report: the data snapshot taken then, and the PDF and Word files rendered from it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        GENERATING = "generating", "Generating"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    failure_reason = models.TextField(blank=True)
    snapshot = models.JSONField(null=True, blank=True)
    pdf = models.FileField(upload_to="reports/", blank=True, max_length=300)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    # The Word version, built by the same task from the same snapshot (reports/docx.py).
    docx = models.FileField(upload_to="reports/", blank=True, max_length=300)
    docx_sha256 = models.CharField(max_length=64, blank=True)
    docx_size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    # Where anything in the snapshot is exempt (reports.exempt), `pdf` and `docx` are the public version and these
    # the exempt one, for people with a role in the strategy only.
    exempt_paragraphs = models.JSONField(default=list, blank=True)
    exempt_pdf = models.FileField(upload_to="reports/", blank=True, max_length=300)
    exempt_pdf_sha256 = models.CharField(max_length=64, blank=True)
    exempt_docx = models.FileField(upload_to="reports/", blank=True, max_length=300)
    exempt_docx_sha256 = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_unique_number"),
            models.CheckConstraint(condition=Q(issued_at__isnull=True) | Q(status="ready"), name="issued_is_ready"),
        ]
        indexes = [models.Index(fields=["status", "started_at"])]

    def __str__(self) -> str:
        return f"{self.report.title} – version {self.number}"

    @property
    def exempt_phrase(self) -> str:
        """ "paragraph 3" or "paragraphs 1 and 3": why the exempt version exists; "" when there is none."""
        return exempt.paragraphs_phrase(self.exempt_paragraphs or [])

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.GENERATING)


class ReminderLog(models.Model):
    """Which reminder emails went out, so a retried or repeated job never sends the same one twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey("aims.ReportingPeriod", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "period", "kind", "sent_on"], name="reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.user} on {self.sent_on}"
