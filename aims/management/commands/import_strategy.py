from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aims.strategy_io import StrategyImportError, strategy_loads


class Command(BaseCommand):
    help = (
        "Create or update a strategy from a YAML or JSON file (see aims/strategy_io.py for the format). "
        "All or nothing: a file with any problem changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .yaml, .yml or .json file")

    def handle(self, *args, path, **options):
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        fmt = "json" if file.suffix.lower() == ".json" else "yaml"
        try:
            strategy = strategy_loads(text=text, fmt=fmt)
        except StrategyImportError as exc:
            lines = "\n".join(f"  {place}: {problem}" for place, problem in exc.problems)
            raise CommandError(f"{path} was not imported; nothing was changed. Problems:\n{lines}") from exc
        self.stdout.write(self.style.SUCCESS(f"Imported {strategy.title} ({strategy.slug})."))
