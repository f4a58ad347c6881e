"""The document reader process: `python -m extract.reading.worker MEMORY_MB MAX_PAGES`.

It reads one document at a time, as extract/reading/isolation.py asks over its stdin, and answers on
its stdout. Started as a module of its own, not by multiprocessing's 'spawn', so it imports
only the readers, never the parent's main module (the CLI and Prefect: 100 MB and more).

Frames both ways are an 8-byte big-endian length and that many bytes. The parent sends a JSON
header {"path" | "size", "filename", "media_type", "soft_s", "hard_s", "mode"} and, with "size", the
document's bytes in the next frame. The worker answers {"kind"} as soon as it knows it, then the
reading {"kind", "status", "pages", "error", "ocr"}. It sends {"ready": true} once, at start.
With "mode": "tables" and "tables" (extract.tables.tidy.reading_setup_to_json) the reading is
the file's data tables read for those questions: one page, the TableReading as JSON.
With "mode": "page" and "page" {"number", "passage"} the worker draws that page of the PDF at
"path" (extract.reading.page_image): one page, the JPEG in base64, or status "error" and why not.

The worker keeps its own limits, whatever becomes of its parent: it dies with the process
that started it (Linux's parent-death signal, even when that one is killed outright), and
each document has a wall-clock alarm and a CPU limit a few seconds past the parent's
time limit ("hard_s"), so a worker stuck in a bomb never outlives the run that asked.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import signal
import struct
import sys
import time
from pathlib import Path
from typing import Any, BinaryIO

_LENGTH = struct.Struct(">Q")


def write_frame(out: BinaryIO, payload: bytes) -> None:
    """Send one frame."""
    out.write(_LENGTH.pack(len(payload)) + payload)
    out.flush()


def read_frame(source: BinaryIO) -> bytes | None:
    """Receive one frame, or None at the end of the stream."""
    head = source.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    payload = source.read(size)
    return payload if len(payload) == size else None


def _cap_memory(memory_mb: int) -> None:
    if memory_mb <= 0:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


_GRACE_S = 5
def _limit_job(hard_s: float | None) -> None:
    """Arm a wall-clock alarm and a CPU limit for one job (a default SIGALRM or SIGXCPU ends
    the process, even inside C code); None disarms them."""
    _, hard_cpu = resource.getrlimit(resource.RLIMIT_CPU)
    if hard_s is None:
        signal.alarm(0)
        resource.setrlimit(resource.RLIMIT_CPU, (hard_cpu, hard_cpu))
        return
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = int(used.ru_utime + used.ru_stime + hard_s) + _GRACE_S
    if hard_cpu != resource.RLIM_INFINITY:
        cpu = min(cpu, hard_cpu)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard_cpu))
    signal.alarm(int(hard_s) + _GRACE_S)


def _read_job(header: dict[str, Any], source: BinaryIO, out: BinaryIO,
              max_pages: int) -> dict[str, Any]:
    from extract.reading.document_text import OUT_OF_MEMORY
    from extract.reading.documents import read_document
    from extract.reading.kinds import detect_kind

    started = time.monotonic()
    filename, media_type = header.get("filename") or "", header.get("media_type")
    kind = detect_kind(filename, media_type, b"")
    try:
        if header.get("mode") == "page":
            write_frame(out, b'{"kind": "pdf"}')
            return _draw_page(Path(header["path"]), header["page"])
        inline = "size" in header
        data = (read_frame(source) or b"") if inline else Path(header["path"]).read_bytes()
        kind = detect_kind(filename, media_type, data)
        write_frame(out, json.dumps({"kind": kind}).encode())
        if header.get("mode") == "tables":
            return _read_tables(data, filename, kind, header["tables"],
                                started + float(header.get("soft_s") or 1e9))
        text = read_document(data, filename, media_type, max_pages=max_pages,
                             deadline=started + float(header.get("soft_s") or 1e9))
    except MemoryError:
        return {"kind": kind, "status": "error", "pages": [], "error": OUT_OF_MEMORY}
    except OSError as exc:
        return {"kind": kind, "status": "error", "pages": [],
                "error": f"the stored file could not be opened ({exc.strerror or exc})"}
    return {"kind": text.kind, "status": text.status, "pages": list(text.pages),
            "error": text.error, "ocr": list(text.ocr)}


def _read_tables(data: bytes, filename: str, kind: str, setup: dict[str, Any],
                 deadline: float) -> dict[str, Any]:
    from extract.tables.tidy import read_file_tables, reading_setup_from_json, reading_to_json

    questions, codes, told = reading_setup_from_json(setup)
    reading = read_file_tables(filename, data, questions, codes, sheet_questions=told,
                               deadline=deadline)
    return {"kind": kind, "status": "ok", "pages": [reading_to_json(reading)], "error": None}


def _draw_page(path: Path, page: dict[str, Any]) -> dict[str, Any]:
    import base64

    from extract.reading.page_image import PageRefused, draw_page

    # a person waits on the process that asked (the review desk), not on this one: on a small
    # machine a page bomb must not take the desk's core while it is being refused
    os.nice(max(0, 10 - os.nice(0)))
    try:
        jpeg = draw_page(path, int(page["number"]), str(page.get("passage") or ""))
    except PageRefused as exc:
        return {"kind": "pdf", "status": "error", "pages": [], "error": str(exc)}
    except MemoryError:
        raise
    except Exception as exc:  # PDFium or Pillow on a broken page: this page only
        return {"kind": "pdf", "status": "error", "pages": [],
                "error": f"the page could not be drawn ({type(exc).__name__}: {exc})"}
    return {"kind": "pdf", "status": "ok", "pages": [base64.b64encode(jpeg).decode()],
            "error": None}


def main() -> None:
    """Read documents until the parent closes stdin."""
    memory_mb, max_pages = int(sys.argv[1]), int(sys.argv[2])
    if len(sys.argv) > 3:
        from extract.reading.lifetime import die_with

        die_with(int(sys.argv[3]))
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a library's stray print must not break the frames
    logging.disable(logging.WARNING)  # pdfminer and extract-msg warn on every odd file
    source = sys.stdin.buffer
    # PDFium before the cap (its library is mapped once); the rest is imported when a
    # document needs it: a worker that never meets a ruled table never loads pdfplumber.
    import pypdfium2  # noqa: F401

    from extract.reading.document_text import OUT_OF_MEMORY

    _cap_memory(memory_mb)
    write_frame(out, b'{"ready": true}')
    while (frame := read_frame(source)) is not None:
        header = json.loads(frame)
        _limit_job(float(header["hard_s"]) if header.get("hard_s") else None)
        try:
            result = _read_job(header, source, out, max_pages)
        except MemoryError:
            result = {"kind": "unknown", "status": "error", "pages": [], "error": OUT_OF_MEMORY}
        finally:
            _limit_job(None)
        out_of_memory = result["error"] == OUT_OF_MEMORY
        try:
            payload = json.dumps(result, ensure_ascii=False).encode()
        except MemoryError:
            out_of_memory = True
            payload = json.dumps({"kind": result["kind"], "status": "error", "pages": [],
                                  "error": OUT_OF_MEMORY}).encode()
        del result
        write_frame(out, payload)
        if out_of_memory:
            return  # a process that hit its cap may be in a bad state: start afresh


if __name__ == "__main__":
    main()
