from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords

NAME_FIELDS = ("first_name", "last_name", "username")  # how a person is named on pages: a change is a rename


class User(AbstractUser):
    """A person who signs in: officer, board member, clerk, strategy lead or administrator."""

    job_title = models.CharField(max_length=200, blank=True)
    service = models.CharField("service or directorate", max_length=200, blank=True)
    telephone = models.CharField(max_length=50, blank=True)
    home_version = models.PositiveBigIntegerField(
        default=0,
        editable=False,
        help_text="Raised (aims/signals.py) by any change to what the person's home page shows; keys that page.",
    )

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs) -> None:
        """A stale instance never writes back the home version it was loaded with (it is raised in SQL only, by
        aims/data_versions.py); it is read again after the save, as request.user keys the home page."""
        update_fields = kwargs.get("update_fields")
        keep = not self._state.adding and (update_fields is None or "home_version" in update_fields)
        if keep:
            self.home_version = models.F("home_version")
        super().save(*args, **kwargs)
        if keep:
            self.refresh_from_db(fields=["home_version"])

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    LEAD = "lead", "Strategy lead"
    BOARD = "board", "Board member"
    OFFICER = "officer", "Officer"
    CLERK = "clerk", "Committee clerk"


class Membership(models.Model):
    """A person's role in one strategy. A person may hold several roles in several strategies."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    strategy = models.ForeignKey("aims.Strategy", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    history = HistoricalRecords()  # who gave or took away which role, and when ("Recent changes to people and roles")

    class Meta:
        ordering = ["strategy", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "strategy", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.strategy}"


class CouncilLead(models.Model):
    """A strategy lead of a whole council rather than of one strategy: the first lead a superuser invites for a new
    council, before it has any strategy. They may set up the council's strategies (aims.rules.is_council_lead)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="council_leads")
    organisation = models.ForeignKey("aims.Organisation", on_delete=models.CASCADE, related_name="council_leads")
    history = HistoricalRecords()  # who made whom a council's lead, and when

    class Meta:
        ordering = ["organisation", "user"]
        verbose_name = "council strategy lead"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="council_lead_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – Strategy lead – {self.organisation}"


class RateLimitCounter(models.Model):
    """Requests counted against one limit (accounts/signin_limits.py) in a window that starts with the first.

    In the database, not the cache: the default cache is per web process, and each would allow the limit again.
    """

    key = models.CharField(max_length=100, unique=True)
    window_start = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.count} since {self.window_start:%Y-%m-%d %H:%M}"
