"""Report files written so that a reader never sees half of one."""

import os
import tempfile
from pathlib import Path

from django.core.files.storage import default_storage


def write_atomically(name: str, data: bytes) -> str:
    """Write to a temporary file beside the target, then rename over it: never a half-written PDF or Word file."""
    path = Path(default_storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return name
