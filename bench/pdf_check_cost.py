"""What the PDF active-content check (tracker/uploads.py, SECURITY.md K7) costs on hostile shapes.

    PYTHONPATH=$PWD .venv/bin/python bench/pdf_check_cost.py

Prints seconds per check_upload and its answer for: a PDF written by pypdf, 20 MB of names with
no streams, a PDF near the object limit (classic cross-reference), and one near the object-stream
limit (cross-reference stream). Figures only, never a test.
"""

from __future__ import annotations

import io
import struct
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker import uploads  # noqa: E402

LIMIT = 21 * 1024 * 1024


def written_by_pypdf(pages: int = 2000) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def names_only(size: int = 20 * 1024 * 1024) -> bytes:
    names = b"".join(b"/n%d " % i for i in range(size // 6))[: size - 100]
    return b"%PDF-1.4\n1 0 obj<<" + names + b">>endobj\ntrailer<<>>\n%%EOF\n"


def classic(objects: int) -> bytes:
    body, offsets = bytearray(b"%PDF-1.7\n"), []
    for number in range(1, objects + 1):
        offsets.append(len(body))
        if number == 2:
            body += b"2 0 obj<</Length 2>>stream\nxx\nendstream endobj\n"
        else:
            body += b"%d 0 obj<</A [1 2 3]>>endobj\n" % number
    start = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (objects + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer<</Size %d /Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (objects + 1, start)
    return bytes(body)


def object_streams(streams: int, per_stream: int = 100) -> bytes:
    body, entries, number = bytearray(b"%PDF-1.7\n"), {}, 1
    for _ in range(streams):
        members = range(number + 1, number + 1 + per_stream)
        header = b" ".join(b"%d %d" % (member, i * 12) for i, member in enumerate(members)) + b" "
        packed = zlib.compress(header + b"<</A [1 2]>>".ljust(12) * per_stream)
        entries[number] = (1, len(body), 0)
        body += b"%d 0 obj<</Type/ObjStm/N %d/First %d/Filter/FlateDecode/Length %d>>stream\n" % (
            number,
            per_stream,
            len(header),
            len(packed),
        )
        body += packed + b"\nendstream endobj\n"
        entries.update({member: (2, number, i) for i, member in enumerate(members)})
        number += per_stream + 1
    entries[number] = (1, len(body), 0)
    rows = [(0, 0, 65535)] + [entries[n] for n in range(1, number + 1)]
    table = b"".join(struct.pack(">BIH", *row) for row in rows)
    body += b"%d 0 obj<</Type/XRef/Size %d/W [1 4 2]/Root 1 0 R/Length %d>>stream\n" % (
        number,
        number + 1,
        len(table),
    )
    body += table + b"\nendstream endobj\nstartxref\n%d\n%%%%EOF\n" % entries[number][1]
    return bytes(body)


def measure(label: str, content: bytes) -> None:
    start = time.perf_counter()
    try:
        answer = uploads.check_upload(content, {"pdf"}, limit_bytes=LIMIT).file_type
    except uploads.UploadRefused as refused:
        answer = f"refused: {refused}"
    elapsed = time.perf_counter() - start
    print(f"{label} ({len(content) / 2**20:.1f} MiB): {elapsed:.2f} s, {answer}")


def main() -> None:
    measure("2,000 pages written by pypdf", written_by_pypdf())
    measure("20 MB of names, no streams", names_only())
    near_limit = uploads.MAX_PDF_OBJECTS - 1
    measure(f"{near_limit:,} objects, classic cross-reference", classic(near_limit))
    measure("980 object streams of 100 objects", object_streams(980))
    measure("1,000 object streams of 100 objects (over the limit)", object_streams(1000))


if __name__ == "__main__":
    main()
