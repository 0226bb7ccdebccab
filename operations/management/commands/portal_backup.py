import io
import json
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# Rate-limit counters are short-lived state, not portal data.
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes", "accounts.ratelimitcounter"]


class Command(BaseCommand):
    help = (
        "Write a backup (all portal data as JSON, plus every uploaded evidence file and report PDF) to a .tar.gz. "
        "On PostgreSQL in production also take pg_dump backups (README, Backup and restore)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .tar.gz file to write")

    def handle(self, *args, path, **options):
        data = io.StringIO()
        call_command("dumpdata", natural_foreign=True, natural_primary=True, exclude=EXCLUDE, stdout=data, indent=None)
        payload = data.getvalue().encode()
        json.loads(payload)  # refuse to write a backup that cannot be read back
        media = Path(settings.MEDIA_ROOT)
        count = 0
        with tarfile.open(path, "w:gz") as archive:
            info = tarfile.TarInfo("data.json")
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
            if media.exists():
                for file in sorted(p for p in media.rglob("*") if p.is_file() and not p.name.startswith(".tmp-")):
                    archive.add(file, arcname=f"media/{file.relative_to(media)}")
                    count += 1
        self.stdout.write(self.style.SUCCESS(f"Backed up the data and {count} file(s) to {path}."))
