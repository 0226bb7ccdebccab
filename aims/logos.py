"""The council's logo for committee reports: checked by content with Pillow, never by its name or the browser's
type, and stored as a PNG encoded again from its pixels (so metadata and anything appended never reach storage)."""

from __future__ import annotations

import io
import struct

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 25_000_000  # refused from the header, before decoding
MAX_SIZE = (1200, 600)  # a logo is printed about 50 mm wide: larger images are scaled down to this
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


class LogoError(ValueError):
    """The upload is not a logo the portal can use; the message says why, for the form's error."""


def image_kind(content: bytes) -> str | None:
    """The content type of a PNG or JPEG from its first bytes, or None."""
    if content.startswith(PNG_MAGIC):
        return "image/png"
    if content.startswith(JPEG_MAGIC):
        return "image/jpeg"
    return None


def logo_check(upload) -> bytes:
    """The uploaded logo as PNG bytes, or LogoError. Only PNG and JPEG files are accepted."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if upload.size and upload.size > MAX_UPLOAD_BYTES:
        raise LogoError("The logo must be smaller than 2 MB")
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise LogoError("The logo must be smaller than 2 MB")
    kind = image_kind(data)
    if kind is None:
        raise LogoError("The logo must be a PNG or JPEG")
    formats = ["PNG"] if kind == "image/png" else ["JPEG"]
    output = io.BytesIO()
    try:
        with Image.open(io.BytesIO(data), formats=formats) as image:
            if image.width * image.height > MAX_PIXELS:
                raise LogoError("The logo is too large: save it at a smaller size and upload it again")
            image.verify()
        with Image.open(io.BytesIO(data), formats=formats) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB")
            image.thumbnail(MAX_SIZE)
            image.info = {}
            image.save(output, "PNG", optimize=True)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise LogoError("The logo is too large: save it at a smaller size and upload it again") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
        if isinstance(exc, LogoError):
            raise
        raise LogoError("The logo is damaged or is not a real PNG or JPEG") from exc
    return output.getvalue()
