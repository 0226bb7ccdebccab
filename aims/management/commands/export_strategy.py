from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aims.models import Strategy
from aims.strategy_io import strategy_dumps


class Command(BaseCommand):
    help = "Export a strategy's structure (aims, principles, themes, deliverables, periods) as YAML or JSON."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the strategy's slug, e.g. cheshire-east-digital-strategy")
        parser.add_argument("--format", choices=["yaml", "json"], help="default: from the file name, else yaml")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, slug, format=None, output=None, **options):
        try:
            strategy = Strategy.objects.select_related("organisation").get(slug=slug)
        except Strategy.DoesNotExist as exc:
            raise CommandError(f"There is no strategy with the slug {slug!r}.") from exc
        fmt = format or ("json" if output and output.endswith(".json") else "yaml")
        text = strategy_dumps(strategy=strategy, fmt=fmt)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {strategy.title} to {output}.")
        else:
            self.stdout.write(text, ending="")
