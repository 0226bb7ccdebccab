"""Content checks of uploaded evidence files (aims/evidence_files.py), from the security review in issue #12."""

import io
import struct
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aims.evidence_files import EvidenceFileError, check_evidence_file

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
