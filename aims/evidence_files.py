"""Checking uploaded evidence files by their content, not their name.

Allowed: PDF, Word, Excel, PowerPoint (Office Open XML and the older binary formats), OpenDocument, CSV, PNG
and JPEG. Refused: anything else, and in particular HTML, SVG, scripts, executables, allowed types with markup
smuggled inside (a PNG that is also an HTML page, a CSV with an HTML tag), zip bombs and image bombs. PNG and
JPEG images are re-encoded from their pixels and those bytes are stored, so no metadata survives. Each refusal
gives a reason a person understands.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

MAX_NAME_CHARS = 200  # the name kept for display (the model allows 255)
MAX_SUFFIX_CHARS = 10  # the longest allowed extension is 5 (".docx"); anything much longer is not one
ALLOWED_DESCRIPTION = "PDF, Word, Excel, PowerPoint, OpenDocument, CSV, PNG or JPEG"

# extension -> (kind, content type)
TYPES = {
    ".pdf": ("pdf", "application/pdf"),
    ".docx": ("ooxml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".xlsx": ("ooxml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".pptx": ("ooxml", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ".doc": ("ole", "application/msword"),
    ".xls": ("ole", "application/vnd.ms-excel"),
    ".ppt": ("ole", "application/vnd.ms-powerpoint"),
    ".odt": ("odf", "application/vnd.oasis.opendocument.text"),
    ".ods": ("odf", "application/vnd.oasis.opendocument.spreadsheet"),
    ".odp": ("odf", "application/vnd.oasis.opendocument.presentation"),
    ".csv": ("csv", "text/csv"),
    ".png": ("png", "image/png"),
    ".jpg": ("jpeg", "image/jpeg"),
    ".jpeg": ("jpeg", "image/jpeg"),
}
OOXML_PARTS = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
ODF_MIMETYPES = {
    ".odt": b"application/vnd.oasis.opendocument.text",
    ".ods": b"application/vnd.oasis.opendocument.spreadsheet",
    ".odp": b"application/vnd.oasis.opendocument.presentation",
}
# Office and OpenDocument files are zip archives, and a zip can declare gigabytes that inflate from a few kilobytes
# (a "zip bomb"). Nothing here inflates a member without a bound, and documents that would unpack to more than
# these limits are refused, so that nobody who later opens them (a reviewer's laptop, a scanner) gets the bomb:
MAX_ZIP_ENTRIES = 10_000  # a large real workbook or slide deck has a few hundred parts
MAX_ZIP_UNPACKED_BYTES = 512 * 1024 * 1024  # declared total; document XML packs about 10 to 20 times, a 20 MB file fits
MAX_MIMETYPE_BYTES = 100  # the OpenDocument mimetype member is one short line (at most 47 characters)
ZIP_DIRECTORY_ENTRY = b"PK\x01\x02"  # the signature each entry in a zip's central directory starts with
# Images are decoded to re-encode them. This many pixels is more than a 48-megapixel phone photo, and bounds what
# decoding takes (up to 4 bytes a pixel, 200 MB) whatever a small file claims; Pillow's own bomb limit is higher.
MAX_IMAGE_PIXELS = 50_000_000
JPEG_QUALITY = 90  # when the original's own quality cannot be kept; the loss at 90 cannot be seen
MARKUP = re.compile(rb"<\s*(?:!doctype\s+html|html|script|svg|iframe|object|embed|body)\b|javascript:", re.I)
# In HTML a tag starts with "<" and a letter (or "</" and a letter) and ends at the next ">": "a < b" is not one.
HTML_TAG_START = re.compile(rb"</?[a-zA-Z]")
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")


class EvidenceFileError(Exception):
    """The file cannot be accepted; the message names the file and says why."""


@dataclass(frozen=True)
class CheckedFile:
    original_name: str
    content_type: str
    size_bytes: int  # of the bytes to store
    sha256: str  # of the bytes to store
    # The bytes to store instead of the upload when checking made cleaner ones (images are re-encoded); None means
    # the upload itself is stored.
    content: bytes | None = field(default=None, repr=False)


def safe_original_name(name: str) -> str:
    """The file's own name without any folder part or control characters, for display only."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"/\\|?*')
    base = base.strip(" .")
    if len(base) > MAX_NAME_CHARS:
        # Shorten the part before the extension: the type is checked against the extension, so cutting the
        # end off would refuse a valid file for the wrong reason. A "suffix" longer than any real one is just cut.
        suffix = PurePath(base).suffix
        if len(suffix) > MAX_SUFFIX_CHARS:
            suffix = ""
        base = base[: MAX_NAME_CHARS - len(suffix)].rstrip(" .") + suffix
    return base or "file"


def _read_all(upload: UploadedFile) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _describe(data: bytes) -> str:
    head = data[:512].lstrip().lower()
    if head.startswith(b"<svg") or b"<svg" in head:
        return "it is an SVG image, which can carry scripts"
    if head.startswith((b"<!doctype html", b"<html")) or b"<script" in head:
        return "it is a web page (HTML), which can carry scripts"
    if data.startswith(EXECUTABLE_MAGIC):
        return "it is a program or script"
    return f"it is not a {ALLOWED_DESCRIPTION} file"


def _check_zip(data: bytes, ext: str, name: str) -> None:
    not_real = EvidenceFileError(f"{name}: the file is not a real {ext} document.")
    too_large = EvidenceFileError(f"{name}: the document is too large when unpacked, so it cannot be accepted.")
    # Opening a zip builds an object per entry (about 500 bytes each, so hundreds of MB for the few hundred
    # thousand entries 20 MB can hold) before they could be counted; counting signatures first is cheap.
    if data.count(ZIP_DIRECTORY_ENTRY) > MAX_ZIP_ENTRIES:
        raise EvidenceFileError(f"{name}: the document has too many parts, so it cannot be accepted.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_ENTRIES:
                raise EvidenceFileError(f"{name}: the document has too many parts, so it cannot be accepted.")
            if sum(member.file_size for member in members) > MAX_ZIP_UNPACKED_BYTES:
                raise too_large
            names = {member.filename for member in members}
            if ext in OOXML_PARTS:
                if "[Content_Types].xml" not in names or not any(n.startswith(OOXML_PARTS[ext]) for n in names):
                    raise not_real
            else:
                if "mimetype" not in names:
                    raise not_real
                info = archive.getinfo("mimetype")
                if info.file_size > MAX_MIMETYPE_BYTES:
                    raise too_large
                # Declared sizes can lie: read at most one byte past the limit, which inflates no more than that.
                with archive.open(info) as member:
                    mimetype = member.read(MAX_MIMETYPE_BYTES + 1)
                if len(mimetype) > MAX_MIMETYPE_BYTES:
                    raise too_large
                if mimetype.strip() != ODF_MIMETYPES[ext]:
                    raise not_real
            if any(n.lower().endswith((".exe", ".dll", ".js", ".vbs", ".bat", ".cmd", ".ps1")) for n in names):
                raise EvidenceFileError(f"{name}: the document contains a program, so it cannot be accepted.")
    # Beyond a bad zip: corrupt deflate data, unsupported compression, encrypted members, a truncated archive.
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError, ValueError) as exc:
        raise EvidenceFileError(f"{name}: the file is damaged or is not a real {ext} document.") from exc


def _has_html_tag(data: bytes) -> bool:
    # The first tag start has the most text after it: if no ">" follows it, none follows a later one either. (One
    # regex for the whole tag would scan to the end of the file again from every "<" and a letter.)
    start = HTML_TAG_START.search(data)
    return start is not None and data.find(b">", start.end()) != -1


def _reencode_image(data: bytes, kind: str, name: str) -> bytes:
    """The image encoded again from its pixels alone, so text chunks, EXIF, XMP, comments and trailing data go."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    too_large = EvidenceFileError(
        f"{name}: the image is too large (more than {MAX_IMAGE_PIXELS // 1_000_000} megapixels), so it cannot be "
        "accepted. Save it at a smaller size and upload again."
    )
    formats = ["PNG"] if kind == "png" else ["JPEG"]
    output = io.BytesIO()
    try:
        with Image.open(io.BytesIO(data), formats=formats) as image:
            # The size comes from the header: refuse before decoding anything.
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise too_large
            image.verify()
        with Image.open(io.BytesIO(data), formats=formats) as image:
            image.load()
            if kind == "jpeg":
                # Turn it upright while the EXIF orientation is still there to say how; in place saves a copy.
                ImageOps.exif_transpose(image, in_place=True)
                if image.format == "JPEG" and image.mode in ("L", "RGB", "CMYK"):
                    # The original's quantisation tables and subsampling: the same quality, about the same size.
                    options = {"quality": "keep"}
                else:  # e.g. the first picture of a multi-picture (MPO) file from a camera
                    image = image if image.mode in ("L", "RGB", "CMYK") else image.convert("RGB")
                    options = {"quality": JPEG_QUALITY}
                image.info = {}  # Pillow would otherwise write the comment again
                image.save(output, "JPEG", **options)
            else:
                transparency = image.info.get("transparency")
                # Nor the ICC colour profile, which Pillow would copy: a blob that can hold free text.
                image.info = {} if transparency is None else {"transparency": transparency}
                image.save(output, "PNG")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_large from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
        raise EvidenceFileError(f"{name}: the image is damaged or is not a real PNG or JPEG.") from exc
    return output.getvalue()


def check_evidence_file(upload: UploadedFile) -> CheckedFile:
    """Accept the upload or raise EvidenceFileError with a message naming the file and the reason."""
    name = safe_original_name(upload.name or "file")
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise EvidenceFileError(
            f"{name} is {filesizeformat(upload.size)}: the largest file you can upload is {filesizeformat(limit)}."
        )
    if not upload.size:
        raise EvidenceFileError(f"{name} is empty.")
    ext = PurePath(name).suffix.lower()
    data = _read_all(upload)
    if ext not in TYPES:
        raise EvidenceFileError(f"{name} cannot be uploaded: {_describe(data)}. Upload a {ALLOWED_DESCRIPTION}.")
    kind, content_type = TYPES[ext]
    mismatch = f"{name} cannot be uploaded: its name says {ext} but {_describe(data)}."
    # Markup inside an allowed type (a polyglot) would turn into a web page if a browser ever sniffed it.
    hidden_markup = f"{name} cannot be uploaded: it has web page code (HTML or script) hidden inside."
    stored = data
    if kind == "pdf":
        if not data[:1024].lstrip().startswith(b"%PDF-"):
            raise EvidenceFileError(mismatch)
    elif kind in ("ooxml", "odf"):
        if not data.startswith(b"PK\x03\x04"):
            raise EvidenceFileError(mismatch)
        _check_zip(data, ext, name)
    elif kind == "ole":
        if not data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
            raise EvidenceFileError(mismatch)
    elif kind in ("png", "jpeg"):
        if not data.startswith(b"\x89PNG\r\n\x1a\n" if kind == "png" else b"\xff\xd8\xff"):
            raise EvidenceFileError(mismatch)
        if MARKUP.search(data):  # refuse an image that is also a web page outright, before decoding it
            raise EvidenceFileError(hidden_markup)
        stored = _reencode_image(data, kind, name)
    elif kind == "csv":
        if b"\x00" in data or data.startswith(EXECUTABLE_MAGIC):
            raise EvidenceFileError(mismatch)
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                data.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise EvidenceFileError(f"{name} cannot be uploaded: it is not a readable CSV text file.") from exc
        # A real council CSV has no tags, and a spreadsheet or browser might show one as a link or run it.
        if _has_html_tag(data):
            raise EvidenceFileError(
                f"{name} cannot be uploaded: it has web page code (HTML or script) inside. Remove it and upload again."
            )
        if MARKUP.search(data):  # javascript: addresses
            raise EvidenceFileError(hidden_markup)
    return CheckedFile(
        original_name=name,
        content_type=content_type,
        size_bytes=len(stored),
        sha256=hashlib.sha256(stored).hexdigest(),
        content=stored if stored is not data else None,
    )


def check_zip_document(data: bytes, *, ext: str, name: str) -> None:
    """Refuse an Office or OpenDocument zip that is not real or could be a zip bomb (EvidenceFileError); also
    used for spreadsheet uploads (aims/spreadsheets.py)."""
    _check_zip(data, ext, name)
