"""Principles every piece of work must honour, and which deliverables uphold them."""

from django.db import models
from simple_history.models import HistoricalRecords


class Principle(models.Model):
    strategy = models.ForeignKey("aims.Strategy", on_delete=models.CASCADE, related_name="principles")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    deliverables = models.ManyToManyField(
        "aims.Deliverable", through="DeliverablePrinciple", related_name="principles", blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["strategy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "number"], name="principle_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class DeliverablePrinciple(models.Model):
    """A deliverable upholds a principle, with an optional note on how."""

    deliverable = models.ForeignKey("aims.Deliverable", on_delete=models.CASCADE, related_name="principle_links")
    principle = models.ForeignKey(Principle, on_delete=models.CASCADE, related_name="deliverable_links")
    note = models.CharField("how it upholds the principle", max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["principle__number"]
        constraints = [
            models.UniqueConstraint(fields=["deliverable", "principle"], name="deliverable_principle_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.deliverable.reference} upholds {self.principle.title}"
