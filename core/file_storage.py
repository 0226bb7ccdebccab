"""The file store (STORAGES["default"]: files under MEDIA_ROOT, or S3-compatible object storage) as the portal uses
it: recognising an outage of the store, and writing a file so that nobody ever reads half of it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage


def is_storage_outage(exc: BaseException) -> bool:
    """True when `exc` says the object store cannot be reached or is failing (connection refused, timeouts, a 5xx
    answer), rather than that a file is missing or the portal asked for something wrong. The web answers these with
    the "service unavailable" page (strategy_portal.middleware), the report worker retries them."""
    if isinstance(exc, BotoCoreError):  # no answer: connection refused or reset, timeouts, a broken response
        return True
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        return status >= 500 or exc.response.get("Error", {}).get("Code") == "SlowDown"
    return False


def file_write_whole(name: str, data: bytes, *, storage: Storage | None = None) -> str:
    """Store `data` under exactly `name`, replacing any file there, so that a reader sees the old file or the whole
    new one, never part of it. On a local disk: a temporary file beside it, synced and renamed over it. On object
    storage one PUT of the whole body (an object appears only once its upload is complete; there is no rename)."""
    storage = storage or default_storage
    try:
        target = Path(storage.path(name))
    except NotImplementedError:  # object storage has no local path
        return _object_write_whole(storage, name, data)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return name


def _object_write_whole(storage: Storage, name: str, data: bytes) -> str:
    saved = storage.save(name, ContentFile(data))
    if saved != name:
        raise RuntimeError(f"The file store saved {name!r} as {saved!r}: it must overwrite (file_overwrite)")
    return name


def file_names(*, storage: Storage | None = None, folder: str = "") -> list[str]:
    """Every file name in the store under `folder`, sorted, leaving out temporary files of unfinished writes."""
    storage = storage or default_storage
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    prefix = f"{folder.rstrip('/')}/" if folder else ""
    names = [f"{prefix}{name}" for name in files if not name.startswith(".tmp-")]
    for sub in folders:
        names += file_names(storage=storage, folder=f"{prefix}{sub}")
    return sorted(names)
