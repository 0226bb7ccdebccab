"""Recompute every status row (aims.DeliverablePeriodStatus) from the progress updates and report differences.

    manage.py status_rows_check            # exit 1 and list the differences if any row is wrong or missing
    manage.py status_rows_check --fix      # then recompute the rows that differ, in one transaction
    manage.py status_rows_check --strategy bench-main-1

The recomputation is aims.status_rows.expected_rows, in Python and independent of the SQL that keeps the rows.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from aims import status_rows
from aims.models import Strategy

SHOWN = 20


class Command(BaseCommand):
    help = "Check every deliverable's status rows against its progress updates (and, with --fix, repair them)."

    def add_arguments(self, parser):
        parser.add_argument("--strategy", help="the slug of one strategy (default: every strategy)")
        parser.add_argument("--fix", action="store_true", help="recompute the rows that differ")

    def handle(self, *args, strategy=None, fix=False, **options):
        ids = None
        if strategy:
            ids = list(Strategy.objects.filter(slug=strategy).values_list("pk", flat=True))
            if not ids:
                raise CommandError(f"No strategy has the slug {strategy!r}.")
        differences = status_rows.check(strategy_ids=ids)
        if not differences:
            self.stdout.write("Every status row agrees with the progress updates.")
            return
        for difference in differences[:SHOWN]:
            self.stdout.write(str(difference))
        if len(differences) > SHOWN:
            self.stdout.write(f"… and {len(differences) - SHOWN:,} more.")
        if fix:
            with transaction.atomic():
                status_rows.prune(strategies=Strategy.objects.values_list("pk", flat=True))
                status_rows.refresh(deliverables={d.key[0] for d in differences})
            self.stdout.write(f"Recomputed the rows of {len({d.key[0] for d in differences}):,} deliverables.")
            return
        raise CommandError(f"{len(differences):,} differences between the status rows and the progress updates.")
