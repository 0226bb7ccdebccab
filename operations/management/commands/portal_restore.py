import tarfile
import tempfile
from pathlib import Path

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from aims.models import Strategy
from core.file_storage import file_write_whole


class Command(BaseCommand):
    help = (
        "Restore a backup made by portal_backup into an empty, migrated database (all or nothing), and its files into "
        "the file store in use (local folder or bucket), whichever store the backup was taken from."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--force", action="store_true", help="restore even though the database has data")

    def handle(self, *args, path, force=False, **options):
        if Strategy.objects.exists() and not force:
            raise CommandError("The database already has strategies. Restore into an empty database, or --force.")
        with tarfile.open(path, "r:gz") as archive, tempfile.TemporaryDirectory() as tmp:
            members = archive.getmembers()
            for member in members:
                name = Path(member.name)
                if member.name != "data.json" and (
                    name.parts[0] != "media" or ".." in name.parts or name.is_absolute()
                ):
                    raise CommandError(f"The backup holds an unexpected file {member.name!r}; nothing was restored.")
            archive.extractall(tmp, filter="data")
            # Files first: if the file store fails part-way, the database is still empty and the restore can be run
            # again; the files are named by the data, so files without data harm nothing.
            restored = 0
            media = Path(tmp) / "media"
            for file in sorted(media.rglob("*")) if media.exists() else []:
                if file.is_file():
                    file_write_whole(file.relative_to(media).as_posix(), file.read_bytes(), storage=default_storage)
                    restored += 1
            # The backup already holds the change history: loading must not add history of its own.
            with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
                call_command("loaddata", str(Path(tmp) / "data.json"), verbosity=0)
        # Cached pages are keyed by data versions, which the restore took back to older numbers: a body cached
        # before the restore under one of those numbers would show data the database no longer holds.
        try:
            cache.clear()
        except Exception as exc:  # noqa: BLE001 - the cache server (CACHE_URL) is down
            self.stderr.write(
                f"Could not empty the page cache ({exc.__class__.__name__}): empty it (the Redis database in "
                "CACHE_URL) before people use the portal, or pages may show data from before the restore for an hour."
            )
        self.stdout.write(self.style.SUCCESS(f"Restored the data and {restored} file(s) from {path}."))
