"""Read untrusted documents in worker processes, one per core, each with a memory cap and a
per-document time limit.

The parent never looks inside a document: a job names a stored file (or carries bytes the
caller already holds) and a worker (`python -m extract.reading.worker`) sniffs, opens and reads it.
Whatever happens there (an exception, a hang, running out of memory, a crash) costs that
document only, and comes back as DocumentText(status='error', error=<why>).

    results = read_documents_isolated([ReadJob("k1", path=Path("reply.pdf"))], timeout_s=60)
"""

from __future__ import annotations

import base64
import json
import os
import select
import selectors
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from extract.reading.document_text import OUT_OF_MEMORY, DocumentText
from extract.reading.kinds import detect_kind
from extract.reading.page_image import PageImage

_STARTUP_TIMEOUT_S = 120.0
_LENGTH = struct.Struct(">Q")
_ROOT = Path(__file__).resolve().parents[1]
# OCR stops this share of the way to the time limit, to answer with the pages it has
_SOFT_SHARE = 0.8


@dataclass(frozen=True)
class ReadJob:
    """One document to read; key is the caller's id for it (e.g. its sha256).

    Give `path` to have the worker read the stored file itself (the parent then never holds
    the bytes), or `data` when the bytes are already in memory. `mode` "tables" reads the
    file's data tables instead of its text, for the questions of `tables`
    (extract.tables.tidy.reading_setup_to_json): the reading's one page is the TableReading
    as JSON (reading_from_json). `mode` "page" draws page `page` {"number", "passage"} of the
    PDF at `path` instead (draw_page_isolated).
    """

    key: str
    data: bytes = b""
    filename: str = ""
    media_type: str | None = None
    path: Path | None = None
    mode: str = "text"
    tables: dict | None = None
    page: dict | None = None


@dataclass
class _Worker:
    """One reader process, its pipes and the job it is on."""

    process: subprocess.Popen[bytes]
    stderr: IO[bytes]
    buffer: bytearray = field(default_factory=bytearray)
    ready: bool = False
    spawned: float = field(default_factory=time.monotonic)
    job: ReadJob | None = None
    kind: str = "unknown"
    started: float | None = None  # when the job's clock started (the worker was ready)

    @classmethod
    def start(cls, memory_mb: int, max_pages: int) -> _Worker:
        env = {**os.environ, "OMP_THREAD_LIMIT": "1", "PYTHONPATH": os.pathsep.join(
            p for p in (str(_ROOT), os.environ.get("PYTHONPATH")) if p)}
        stderr = tempfile.TemporaryFile()  # noqa: SIM115  # closed in stop()
        process = subprocess.Popen(
            [sys.executable, "-m", "extract.reading.worker", str(memory_mb), str(max_pages),
             str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, env=env,
            cwd=_ROOT, start_new_session=True)
        return cls(process, stderr)

    def send(self, job: ReadJob, timeout_s: float) -> None:
        """Hand the worker a job (the clock starts when the worker is ready)."""
        self.job, self.kind = job, detect_kind(job.filename, job.media_type, b"")
        header: dict[str, object] = {"filename": job.filename, "media_type": job.media_type,
                                     "soft_s": timeout_s * _SOFT_SHARE, "hard_s": timeout_s,
                                     "mode": job.mode}
        if job.tables is not None:
            header["tables"] = job.tables
        if job.page is not None:
            header["page"] = job.page
        frames = []
        if job.path is not None:
            header["path"] = str(Path(job.path).resolve())  # the worker has a cwd of its own
        else:
            header["size"] = len(job.data)
        frames.append(json.dumps(header).encode())
        if job.path is None:
            frames.append(job.data)
        assert self.process.stdin is not None
        for frame in frames:
            self.process.stdin.write(_LENGTH.pack(len(frame)))
            self.process.stdin.write(frame)
        self.process.stdin.flush()
        if self.ready:
            self.started = time.monotonic()

    def frames(self) -> list[dict] | None:
        """The frames that have arrived in full; None when the worker has gone."""
        assert self.process.stdout is not None
        chunk = os.read(self.process.stdout.fileno(), 1 << 20)
        if not chunk:
            return None
        self.buffer += chunk
        found = []
        while len(self.buffer) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(self.buffer)
            if len(self.buffer) < _LENGTH.size + size:
                break
            found.append(json.loads(self.buffer[_LENGTH.size:_LENGTH.size + size]))
            del self.buffer[:_LENGTH.size + size]
        return found

    def last_words(self) -> str:
        """The last line the worker wrote on stderr, if any."""
        try:
            self.stderr.seek(max(0, self.stderr.seek(0, os.SEEK_END) - 2000))
            lines = self.stderr.read().decode("utf-8", "replace").strip().splitlines()
        except OSError:
            return ""
        return lines[-1] if lines else ""

    def stop(self) -> None:
        """Kill the process now (it may be stuck in a document)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.stderr):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass

    def close(self) -> None:
        """Ask the process to finish (end of stdin) and wait for it a little."""
        try:
            if self.process.stdin is not None:
                self.process.stdin.close()
            self.process.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.stop()


def _crash_reason(worker: _Worker, memory_mb: int) -> str:
    exitcode = worker.process.wait()
    if exitcode < 0:
        number = -exitcode
        name = signal.Signals(number).name if number in signal.valid_signals() else "?"
        if number == signal.SIGKILL:
            return f"worker was killed ({name}), probably out of memory ({memory_mb} MB cap)"
        if number == signal.SIGABRT and memory_mb > 0:  # PDFium aborts when malloc fails
            return f"worker ran out of memory ({memory_mb} MB cap; it stopped with {name})"
        return f"worker crashed ({name})"
    said = worker.last_words()
    if "MemoryError" in said:
        return f"worker ran out of memory ({memory_mb} MB cap)"
    return f"worker stopped unexpectedly (exit code {exitcode}{': ' + said if said else ''})"


def _reading(frame: dict, memory_mb: int) -> DocumentText:
    if frame.get("error") == OUT_OF_MEMORY:
        return DocumentText(frame["kind"], "error", (),
                            f"worker ran out of memory ({memory_mb} MB cap)")
    return DocumentText(frame["kind"], frame["status"], tuple(frame["pages"]), frame["error"],
                        tuple(frame.get("ocr") or ()))


def default_workers() -> int:
    """One reader per core ($FOI_READERS overrides)."""
    return max(1, int(os.environ.get("FOI_READERS") or os.cpu_count() or 1))


def read_documents_isolated(
    jobs: Iterable[ReadJob],
    *,
    timeout_s: float = 60,
    memory_mb: int = 1024,
    max_pages: int = 500,
    on_done: Callable[[str, DocumentText], None] | None = None,
    workers: int | None = None,
) -> dict[str, DocumentText]:
    """Read every job in worker processes (default one per core); on_done is called as each
    document is done, in the order they finish. A time-out or crash costs that document."""
    results: dict[str, DocumentText] = {}
    pending = iter(jobs)
    limit = workers or default_workers()
    idle: list[_Worker] = []
    busy: list[_Worker] = []
    selector = selectors.DefaultSelector()
    exhausted = False

    def finish(worker: _Worker, result: DocumentText, *, keep: bool) -> None:
        assert worker.job is not None
        key = worker.job.key
        busy.remove(worker)
        selector.unregister(worker.process.stdout)  # type: ignore[arg-type]
        worker.job, worker.started = None, None
        if keep and worker.process.poll() is None:
            idle.append(worker)
        else:
            worker.stop()
        results[key] = result
        if on_done is not None:
            on_done(key, result)

    try:
        while True:
            while not exhausted and len(busy) < limit:
                job = next(pending, None)
                if job is None:
                    exhausted = True
                    break
                worker = idle.pop() if idle else _Worker.start(memory_mb, max_pages)
                if worker.process.poll() is not None:  # died while idle: not this job's fault
                    worker.stop()
                    worker = _Worker.start(memory_mb, max_pages)
                busy.append(worker)
                selector.register(worker.process.stdout, selectors.EVENT_READ, worker)  # type: ignore[arg-type]
                try:
                    worker.send(job, timeout_s)
                except (BrokenPipeError, OSError):
                    finish(worker, DocumentText(worker.kind, "error", (),
                                                _crash_reason(worker, memory_mb)), keep=False)
            while exhausted and idle:  # no job left for it: its interpreter's memory goes now
                idle.pop().close()
            if not busy:
                break
            now = time.monotonic()
            waits = [(w.started + timeout_s if w.started is not None
                      else w.spawned + _STARTUP_TIMEOUT_S) - now for w in busy]
            for key, _ in selector.select(max(0.0, min(waits))):
                worker = key.data
                frames = worker.frames()
                if frames is None:
                    if not worker.ready:
                        raise RuntimeError("document reader worker did not start: "
                                           f"{worker.last_words() or 'no reason given'}")
                    finish(worker, DocumentText(worker.kind, "error", (),
                                                _crash_reason(worker, memory_mb)), keep=False)
                    continue
                for frame in frames:
                    if frame.get("ready"):
                        worker.ready, worker.started = True, time.monotonic()
                    elif "status" in frame:
                        result = _reading(frame, memory_mb)
                        finish(worker, result, keep=frame.get("error") != OUT_OF_MEMORY)
                        break
                    elif "kind" in frame:
                        worker.kind = frame["kind"]
            now = time.monotonic()
            for worker in list(busy):
                if worker.started is not None and now - worker.started > timeout_s:
                    finish(worker, DocumentText(worker.kind, "error", (),
                                                f"timed out after {timeout_s:g} s"), keep=False)
                elif worker.started is None and now - worker.spawned > _STARTUP_TIMEOUT_S:
                    raise RuntimeError("document reader worker did not start within "
                                       f"{_STARTUP_TIMEOUT_S:g} s")
    finally:
        for worker in busy:
            worker.stop()
        for worker in idle:
            worker.close()
        selector.close()
    return results


class WarmWorkers:
    """Worker processes kept between jobs, for a caller that asks for one thing at a time and
    soon again (the review desk's page images): the same process, caps and answers as
    read_documents_isolated, without starting Python for each job. Thread-safe; a worker that
    ran out of memory, timed out or crashed is never kept."""

    def __init__(self, *, timeout_s: float = 60, memory_mb: int = 1024, max_pages: int = 500,
                 keep: int = 2) -> None:
        self.timeout_s, self.memory_mb, self.max_pages, self.keep = (
            timeout_s, memory_mb, max_pages, keep)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        weakref.finalize(self, _stop_all, self._idle)   # at exit, or once nobody holds them

    def read(self, job: ReadJob) -> DocumentText:
        """One job's reading (a time-out or crash costs the job, and its worker)."""
        with self._lock:
            worker = self._idle.pop() if self._idle else None
        if worker is None or worker.process.poll() is not None:
            if worker is not None:
                worker.stop()
            worker = _Worker.start(self.memory_mb, self.max_pages)
        try:
            worker.send(job, self.timeout_s)
        except OSError:
            worker.stop()
            return DocumentText(worker.kind, "error", (), _crash_reason(worker, self.memory_mb))
        while True:
            limit = (worker.started + self.timeout_s if worker.started is not None
                     else worker.spawned + _STARTUP_TIMEOUT_S)
            readable, _, _ = select.select([worker.process.stdout], [], [],
                                           max(0.0, limit - time.monotonic()))
            frames = worker.frames() if readable else []
            if not readable or frames is None:
                started = worker.ready
                worker.stop()
                if not started:
                    raise RuntimeError("document reader worker did not start: "
                                       f"{worker.last_words() or 'no reason given'}")
                return DocumentText(worker.kind, "error", (), _crash_reason(
                    worker, self.memory_mb) if frames is None else
                    f"timed out after {self.timeout_s:g} s")
            for frame in frames:
                if frame.get("ready"):
                    worker.ready, worker.started = True, time.monotonic()
                elif "status" in frame:
                    self._done(worker, keep=frame.get("error") != OUT_OF_MEMORY)
                    return _reading(frame, self.memory_mb)
                elif "kind" in frame:
                    worker.kind = frame["kind"]

    def close(self) -> None:
        """End the idle workers."""
        with self._lock:
            idle = self._idle[:]
            self._idle.clear()
        _stop_all(idle)

    def _done(self, worker: _Worker, *, keep: bool) -> None:
        worker.job, worker.started = None, None
        with self._lock:
            kept = keep and worker.process.poll() is None and len(self._idle) < self.keep
            if kept:
                self._idle.append(worker)
        if not kept:
            worker.stop()


def _stop_all(workers: list[_Worker]) -> None:
    for worker in workers:
        worker.stop()


def draw_page_isolated(path: Path, number: int, passage: str = "", *, timeout_s: float = 60,
                       memory_mb: int = 1024, workers: WarmWorkers | None = None) -> PageImage:
    """Page `number` of a stored PDF as a JPEG, the passage outlined, drawn by a worker under a
    reading's caps (by one of `workers` when given); a page refused, a time-out or a crash is
    PageImage(None, why)."""
    job = ReadJob("page", path=path, filename=path.name, mode="page",
                  page={"number": number, "passage": passage})
    drawn = workers.read(job) if workers is not None else read_documents_isolated(
        [job], timeout_s=timeout_s, memory_mb=memory_mb, workers=1)["page"]
    if drawn.status != "ok" or not drawn.pages:
        return PageImage(None, drawn.error or "the page could not be drawn")
    return PageImage(base64.b64decode(drawn.pages[0]))
