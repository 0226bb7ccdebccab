from django.contrib.auth.models import AbstractUser
from django.db import models


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

    class Meta:
        ordering = ["strategy", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "strategy", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.strategy}"


class RateLimitCounter(models.Model):
    """Requests counted against one limit (accounts/signin_limits.py) in a window that starts with the first.

    In the database, not the cache: the default cache is per web process, and each would allow the limit again.
    """

    key = models.CharField(max_length=100, unique=True)
    window_start = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.count} since {self.window_start:%Y-%m-%d %H:%M}"
