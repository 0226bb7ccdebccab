"""Content checks of uploaded evidence files (aims/evidence_files.py), from the security review in issue #12."""

import hashlib
import io
import struct
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from aims.evidence_files import EvidenceFileError, check_evidence_file
from aims.models import Evidence, StagedUpload
from tests.aims.test_progress_views import ROWS

MiB = 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def odt_bytes(*, mimetype_zeros: int = 0, extra_entries: int = 0) -> bytes:
    """A small .odt; with mimetype_zeros, its mimetype member is that many zero bytes, written a MiB at a time."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype_zeros:
            with archive.open("mimetype", "w") as member:
                chunk = bytes(MiB)
                for _ in range(mimetype_zeros // MiB):
                    member.write(chunk)
        else:
            archive.writestr("mimetype", ODT_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
        for i in range(extra_entries):
            archive.writestr(f"Pictures/{i}.xml", "")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def declare_size(data: bytes, member: str, size: int) -> bytes:
    """The same zip, with the uncompressed size its central directory declares for `member` changed."""
    patched = bytearray(data)
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        name_length = struct.unpack_from("<H", data, entry + 28)[0]
        if data[entry + 46 : entry + 46 + name_length] == member.encode():
            struct.pack_into("<I", patched, entry + 24, size)
            return bytes(patched)
        entry = data.find(b"PK\x01\x02", entry + 46)
    raise AssertionError(f"no {member} in the zip")


def check(name: str, data: bytes):
    return check_evidence_file(SimpleUploadedFile(name, data))


# Finding 4: zip bombs must not inflate in memory.


def test_real_office_and_opendocument_files_are_accepted():
    assert check("plan.odt", odt_bytes()).content_type == "application/vnd.oasis.opendocument.text"
    assert check("plan.docx", docx_bytes()).content_type.endswith("wordprocessingml.document")


def test_an_odt_zip_bomb_is_refused_without_inflating_it():
    bomb = odt_bytes(mimetype_zeros=64 * MiB)  # 64 MiB of zeros as the mimetype: about 64 KiB on disk
    assert len(bomb) < 200 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(EvidenceFileError) as refused:
            check("plan.odt", bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MiB, f"checking the file took {peak / MiB:.1f} MiB"
    assert str(refused.value) == "plan.odt: the document is too large when unpacked, so it cannot be accepted."


def test_a_mimetype_that_declares_a_small_size_but_inflates_to_more_is_read_only_a_little():
    # The sizes a zip declares can lie: the reading itself is bounded, whatever the directory says.
    lying = declare_size(odt_bytes(mimetype_zeros=16 * MiB), "mimetype", len(ODT_MIMETYPE))
    tracemalloc.start()
    try:
        with pytest.raises(EvidenceFileError, match=r"^plan\.odt: "):
            check("plan.odt", lying)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MiB, f"checking the file took {peak / MiB:.1f} MiB"


def test_a_document_declaring_more_than_the_unpacked_limit_is_refused():
    huge = declare_size(docx_bytes(), "word/document.xml", 3 * 1024 * MiB)  # declares 3 GiB
    with pytest.raises(EvidenceFileError) as refused:
        check("plan.docx", huge)
    assert str(refused.value) == "plan.docx: the document is too large when unpacked, so it cannot be accepted."


def test_a_document_with_too_many_parts_is_refused():
    with pytest.raises(EvidenceFileError) as refused:
        check("plan.odt", odt_bytes(extra_entries=10_001))
    assert str(refused.value) == "plan.odt: the document has too many parts, so it cannot be accepted."


# Finding 9: a long file name is shortened without losing its extension.

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_a_long_file_name_keeps_its_extension():
    name = "Quarterly digital inclusion evidence " + "x" * (250 - 37 - 4) + ".pdf"
    assert len(name) == 250
    checked = check(name, PDF)
    assert checked.content_type == "application/pdf"
    assert checked.original_name.endswith("x.pdf") and len(checked.original_name) == 200
    assert checked.original_name.startswith("Quarterly digital inclusion evidence x")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a" * 195 + " ... " + "b" * 50 + ".docx", "a" * 195 + ".docx"),  # no trailing dots or spaces before it
        ("a" * 250, "a" * 200),
        ("a" * 190 + "." + "b" * 40, ("a" * 190 + "." + "b" * 40)[:200]),  # not an extension: just cut
        ("../../" + "c" * 10 + ".png", "c" * 10 + ".png"),
    ],
)
def test_safe_original_name_shortens_the_stem(name, expected):
    from aims.evidence_files import safe_original_name

    assert safe_original_name(name) == expected


# Finding 8: markup inside images and CSV files. CSV files with any HTML tag are refused; PNG and JPEG images are
# re-encoded from their pixels, so text chunks, EXIF, XMP and comments never reach the stored file.

MARKUP = "<img src=x onerror=alert(1)>"


def test_a_csv_file_with_an_html_tag_is_refused():
    for cell in [MARKUP, '<a href="https://example.com">minutes</a>', "<img\nsrc=x\nonerror=alert(1)>", "<B>bold</B>"]:
        data = f'service,notes\nParking,"{cell}"\n'.encode()
        with pytest.raises(EvidenceFileError) as refused:
            check("report.csv", data)
        assert str(refused.value) == (
            "report.csv cannot be uploaded: it has web page code (HTML or script) inside. Remove it and upload again."
        ), cell


@pytest.mark.parametrize(
    "text",
    [
        "measure,value\nwait < 5 days,12\nscore > target,3\n",
        "rule,ok\na < b and c > d,yes\n",
        "x<5,y>3\n",
        "cost,notes\n£1200,for < £2k > £1k\n",
    ],
)
def test_a_csv_file_with_ordinary_less_than_signs_is_accepted(text):
    checked = check("figures.csv", text.encode("cp1252"))
    assert checked.content_type == "text/csv" and checked.content is None  # stored as uploaded


def png_chunk_types(data: bytes) -> list[bytes]:
    types, at = [], 8
    while at < len(data):
        (length,) = struct.unpack_from(">I", data, at)
        types.append(data[at + 4 : at + 8])
        at += 12 + length
    return types


def jpeg_markers(data: bytes) -> list[int]:
    """The marker of every segment before the image data starts."""
    markers, at = [], 2
    while data[at + 1] != 0xDA:  # start of scan
        markers.append(data[at + 1])
        at += 2 + struct.unpack_from(">H", data, at + 2)[0]
    return markers


def png_with_text(image: Image.Image) -> bytes:
    info = PngInfo()
    info.add_text("Comment", MARKUP)
    info.add_text("Description", MARKUP, zip=True)
    info.add_itxt("Title", MARKUP, lang="en")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=info, exif=Image.Exif(), icc_profile=b"not a profile " + MARKUP.encode())
    return buffer.getvalue()


def assert_checked_content(checked, kind: str) -> Image.Image:
    assert checked.content is not None
    assert checked.size_bytes == len(checked.content)
    assert checked.sha256 == hashlib.sha256(checked.content).hexdigest()
    assert b"onerror" not in checked.content
    stored = Image.open(io.BytesIO(checked.content))
    assert stored.format == kind
    stored.load()
    return stored


def test_a_png_with_markup_in_its_text_chunks_is_stored_without_them():
    image = Image.new("RGB", (30, 20), "green")
    image.putpixel((3, 4), (250, 10, 20))
    data = png_with_text(image)
    assert MARKUP.encode() in data
    checked = check("chart.png", data)
    assert checked.content_type == "image/png"
    stored = assert_checked_content(checked, "PNG")
    assert png_chunk_types(checked.content) == [b"IHDR", b"IDAT", b"IEND"]
    assert stored.mode == "RGB" and stored.tobytes() == image.tobytes()  # the same pixels


@pytest.mark.parametrize("mode", ["1", "L", "LA", "I;16", "P", "RGBA"])
def test_real_pngs_are_accepted_and_keep_their_pixels(mode):
    image = Image.new("RGBA", (16, 8), (0, 80, 160, 255))
    image.paste((255, 255, 0, 0), (0, 0, 8, 8))
    image = image.convert(mode) if mode != "P" else image.convert("RGB").quantize(4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **({"transparency": 0} if mode == "P" else {}))
    stored = assert_checked_content(check("chart.png", buffer.getvalue()), "PNG")
    assert stored.mode == image.mode and stored.size == image.size
    assert stored.tobytes() == image.tobytes()
    if mode == "P":
        assert stored.info["transparency"] == 0 and stored.getpalette() == image.getpalette()


def test_a_jpeg_is_turned_upright_and_stored_without_exif_xmp_or_comments():
    image = Image.new("RGB", (40, 20), (220, 0, 0))
    image.paste((0, 0, 220), (20, 0, 40, 20))
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to show": the red left half ends up on top
    exif[0x010E] = MARKUP  # ImageDescription
    buffer = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + MARKUP.encode() + b"</x:xmpmeta>"
    image.save(buffer, "JPEG", quality=95, exif=exif, comment=MARKUP.encode(), xmp=xmp)
    checked = check("photo.jpg", buffer.getvalue())
    assert checked.content_type == "image/jpeg"
    stored = assert_checked_content(checked, "JPEG")
    assert set(jpeg_markers(checked.content)) <= {0xE0, 0xDB, 0xC0, 0xC4}  # JFIF, tables, frame: no APP1, no COM
    assert stored.size == (20, 40) and not stored.getexif()
    red, blue = stored.getpixel((10, 5)), stored.getpixel((10, 35))
    assert red[0] > 200 > red[2] and blue[2] > 200 > blue[0]


def test_an_image_that_is_also_a_web_page_is_still_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, "PNG")
    with pytest.raises(EvidenceFileError) as refused:
        check("image.png", buffer.getvalue() + b"<script>alert(1)</script>")
    assert "web page code (HTML or script) hidden inside" in str(refused.value)


def png_header(width: int, height: int) -> bytes:
    """A PNG that says it is width by height pixels, with almost no data: what a decompression bomb looks like."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit grey
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(64))) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(("width", "height"), [(20_000, 20_000), (8_000, 8_000)])
def test_an_image_with_too_many_pixels_is_refused_before_decoding(width, height):
    tracemalloc.start()
    try:
        with pytest.raises(EvidenceFileError) as refused:
            check("plan.png", png_header(width, height))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(refused.value) == (
        "plan.png: the image is too large (more than 50 megapixels), so it cannot be accepted. "
        "Save it at a smaller size and upload again."
    )
    assert peak < 4 * MiB


@pytest.fixture
def url(deliverable, open_period):
    return reverse("aims:progress_update", args=[deliverable.pk, open_period.pk])


def progress_form(**overrides):
    data = {"version": "0", "rag_status": "green", "percent_complete": "40", "achieved": "Launched the form."}
    return {**data, "action": "draft", **ROWS, **overrides}


def stored_bytes(item) -> bytes:
    with item.file.open("rb") as file:
        return file.read()


@pytest.mark.django_db
def test_the_stored_evidence_file_is_the_re_encoded_image(client, url, officer):
    data = png_with_text(Image.new("RGB", (8, 8), "green"))
    client.force_login(officer)
    # A wrong answer elsewhere keeps the checked file as a staged upload; then it is attached.
    page = client.post(url, progress_form(percent_complete="150", evidence_files=[SimpleUploadedFile("a.png", data)]))
    staged = StagedUpload.objects.get()
    assert page.status_code == 200 and b"onerror" not in stored_bytes(staged)
    assert client.post(url, progress_form(staged_uploads=[str(staged.pk)])).status_code == 302
    response = client.post(url, progress_form(version="1", evidence_files=[SimpleUploadedFile("b.png", data)]))
    assert response.status_code == 302
    for evidence in Evidence.objects.filter(kind=Evidence.Kind.FILE):
        content = stored_bytes(evidence)
        assert b"onerror" not in content and png_chunk_types(content) == [b"IHDR", b"IDAT", b"IEND"]
        assert evidence.size_bytes == len(content) and evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert sorted(Evidence.objects.values_list("original_name", flat=True)) == ["a.png", "b.png"]
