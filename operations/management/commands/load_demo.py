import datetime as dt
import os

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from aims.demo import DEFAULT_PASSWORD, DEMO_LOGINS, EXTRA_OFFICERS, DemoRefused, load_demo, read_documents
from aims.models import Strategy
from indicators.demo import indicators_demo_load


class Command(BaseCommand):
    help = (
        "Load three demo councils' digital strategies with demo logins, several years of progress and evidence, "
        "and performance indicators with their figures. "
        "Safe to run again: a second run changes nothing. The password comes from DEMO_PASSWORD "
        f"(default {DEFAULT_PASSWORD})."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            help="pretend today is this date (YYYY-MM-DD) when deciding which periods are closed or open",
        )

    def handle(self, *args, today=None, **options):
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        try:
            counts = load_demo(password=password, today=today, stdout=self.stdout)
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        # Here, above both apps: the delivery tree's demo cannot import the indicators (a layer above it).
        slugs = [document["strategy"]["slug"] for document in read_documents()]
        counts["indicators"] = indicators_demo_load(
            strategies=list(Strategy.objects.filter(slug__in=slugs).order_by("slug")),
            board=User.objects.get(username="board"),
            today=today or timezone.localdate(),
        )

        self.stdout.write("")
        width = max(len(name) for name in counts)
        for name, count in counts.items():
            self.stdout.write(f"  {name.ljust(width)}  {count:>5}")

        rows = [("Username", "Password", "What they can do")]
        rows += [(person.username, password, person.can_do) for person in DEMO_LOGINS]
        extras = ", ".join(person.username for person in EXTRA_OFFICERS)
        rows.append(("(others)", password, f"More officers who own deliverables: {extras}"))
        widths = [max(len(row[i]) for row in rows[:-1]) for i in range(2)]
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo logins:"))
        for i, (username, secret, can_do) in enumerate(rows):
            self.stdout.write(f"  {username.ljust(widths[0])}  {secret.ljust(widths[1])}  {can_do}")
            if i == 0:
                self.stdout.write(f"  {'-' * widths[0]}  {'-' * widths[1]}  {'-' * len('What they can do')}")
