import io
import json
import tarfile

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand

from core.file_storage import file_names

# Rate-limit counters are short-lived state, not portal data.
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes", "accounts.ratelimitcounter"]


class Command(BaseCommand):
    help = (
        "Write a backup (all portal data as JSON, plus every stored file: evidence, report PDFs and Word files, logos, "
        "kept uploads, from the file store in use, local folder or bucket) to a .tar.gz. "
        "On PostgreSQL in production also take pg_dump backups (README, Backup and restore)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .tar.gz file to write")

    def handle(self, *args, path, **options):
        data = io.StringIO()
        call_command("dumpdata", natural_foreign=True, natural_primary=True, exclude=EXCLUDE, stdout=data, indent=None)
        payload = data.getvalue().encode()
        json.loads(payload)  # refuse to write a backup that cannot be read back
        names = file_names(storage=default_storage)
        with tarfile.open(path, "w:gz") as archive:
            info = tarfile.TarInfo("data.json")
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
            for name in names:
                info = tarfile.TarInfo(f"media/{name}")
                info.mtime = int(default_storage.get_modified_time(name).timestamp())
                with default_storage.open(name, "rb") as handle:
                    info.size = handle.size
                    archive.addfile(info, handle)
        self.stdout.write(self.style.SUCCESS(f"Backed up the data and {len(names)} file(s) to {path}."))
