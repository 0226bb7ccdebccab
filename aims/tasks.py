import logging

from celery import shared_task

from aims import services, spreadsheets
from aims.models import Strategy

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def reporting_periods_roll_over_all() -> list[int]:
    """Daily: close ended reporting periods and open current ones for every adopted strategy."""
    closed_ids: list[int] = []
    for strategy in Strategy.objects.filter(status=Strategy.Status.ADOPTED):
        closed = services.reporting_periods_roll_over(strategy=strategy)
        closed_ids.extend(period.pk for period in closed)
        for period in closed:
            logger.info("Closed reporting period %s of %s", period.label, strategy.title)
    return closed_ids


@shared_task(acks_late=True)
def staged_uploads_clean() -> int:
    """Remove kept files that can never be attached any more (aims.services.staged_uploads_clean)."""
    return services.staged_uploads_clean()


@shared_task(acks_late=True)
def spreadsheets_staged_clean() -> int:
    """Remove uploaded spreadsheets that were checked but never applied (aims.spreadsheets)."""
    return spreadsheets.spreadsheets_staged_clean()
