"""Read untrusted documents in a worker process with a memory cap and a per-document timeout."""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess

from extract.documents import OUT_OF_MEMORY as _OOM
from extract.documents import DocumentText, detect_kind

_STARTUP_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class ReadJob:
    """One document to read; key is the caller's id for it (e.g. its sha256)."""

    key: str
    data: bytes
    filename: str
    media_type: str | None


def _preload() -> None:
    """Import the readers before the memory cap, so the cap only limits the document itself."""
    import bs4  # noqa: F401
    import docx  # noqa: F401
    import openpyxl  # noqa: F401
    import pdfplumber  # noqa: F401
    import xlrd  # noqa: F401


def _worker_main(conn: Connection, memory_mb: int, max_pages: int) -> None:
    """Worker loop: read jobs from the pipe until told to stop; exit after running out of memory."""
    import resource

    from extract.documents import read_document

    _preload()
    if memory_mb > 0:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = memory_mb * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        data, filename, media_type = job
        try:
            result = read_document(data, filename, media_type, max_pages=max_pages)
        except MemoryError:
            result = DocumentText("unknown", "error", (), _OOM)
        del data, job
        conn.send(result)
        if result.error == _OOM:
            return  # a process that hit its cap may be in a bad state; start afresh


class _Worker:
    """One reader process and its pipe."""

    def __init__(self, memory_mb: int, max_pages: int) -> None:
        ctx = multiprocessing.get_context("spawn")  # fork is unsafe with threads in the parent
        self.conn, child = ctx.Pipe()
        self.process: SpawnProcess = ctx.Process(
            target=_worker_main, args=(child, memory_mb, max_pages), daemon=True
        )
        self.process.start()
        child.close()
        try:
            ready = self.conn.poll(_STARTUP_TIMEOUT_S) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.stop()
            raise RuntimeError(
                "document reader worker did not start (a script calling this needs an "
                "`if __name__ == '__main__':` guard, as multiprocessing 'spawn' re-imports it)"
            )

    def stop(self) -> None:
        """Stop the process now (it may be stuck in a document)."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def close(self) -> None:
        """Ask the process to finish and wait for it."""
        try:
            self.conn.send(None)
            self.process.join(5)
        except (OSError, ValueError):
            pass
        self.stop()


def _crash_reason(exitcode: int | None, memory_mb: int) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name if -exitcode in signal.valid_signals() else "?"
        if -exitcode == signal.SIGKILL:
            return f"worker was killed ({name}), probably out of memory ({memory_mb} MB cap)"
        return f"worker crashed ({name})"
    return f"worker stopped unexpectedly (exit code {exitcode})"


def read_documents_isolated(
    jobs: Iterable[ReadJob],
    *,
    timeout_s: float = 60,
    memory_mb: int = 1024,
    max_pages: int = 500,
    on_done: Callable[[str, DocumentText], None] | None = None,
) -> dict[str, DocumentText]:
    """Read each job in a reused worker process; a timeout or crash costs only that document."""
    results: dict[str, DocumentText] = {}
    worker: _Worker | None = None
    try:
        for job in jobs:
            kind = detect_kind(job.filename, job.media_type, job.data[:65536])
            if worker is None:
                worker = _Worker(memory_mb, max_pages)
            result: DocumentText
            try:
                worker.conn.send((job.data, job.filename, job.media_type))
                if worker.conn.poll(timeout_s):
                    result = worker.conn.recv()
                else:
                    result = DocumentText(kind, "error", (), f"timed out after {timeout_s:g} s")
                    worker.stop()
                    worker = None
            except (EOFError, OSError):
                worker.process.join(5)
                reason = _crash_reason(worker.process.exitcode, memory_mb)
                result = DocumentText(kind, "error", (), reason)
                worker.stop()
                worker = None
            if result.error == _OOM:
                reason = f"worker ran out of memory ({memory_mb} MB cap)"
                result = DocumentText(result.kind, "error", (), reason)
                if worker is not None:
                    worker.stop()
                    worker = None
            results[job.key] = result
            if on_done is not None:
                on_done(job.key, result)
    finally:
        if worker is not None:
            worker.close()
    return results
