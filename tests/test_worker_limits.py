"""Reader workers keep their own limits and die with their run; two `foi extract` runs at once
read each document once."""

from __future__ import annotations

import io
import json
import os
import signal
import struct
import subprocess
import sys
import time
import uuid
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from .conftest import ROOT


def long_pdf(pages: int = 400) -> bytes:
    """A letter of many pages of text: tens of seconds of reading."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for page in range(pages):
        for line in range(60):
            pdf.drawString(40, 800 - line * 12, f"Page {page} line {line}: the trust holds "
                                                f"{page * line} records of this kind.")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def scanned_pdf(pages: int = 12) -> bytes:
    """Pages that are only images of text: each must be read by OCR, seconds a page."""
    import pypdfium2

    document = pypdfium2.PdfDocument(long_pdf(pages))
    images = [document[n].render(scale=2).to_pil().convert("L") for n in range(pages)]
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=144)
    return out.getvalue()


def processes_marked(mark: str) -> list[int]:
    """Live processes whose environment carries `mark`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if mark.encode() in (entry / "environ").read_bytes():
                status = (entry / "status").read_text()
                if "\nState:\tZ" not in status:
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


RUN = """
import sys
from pathlib import Path
from extract.reading.isolation import ReadJob, read_documents_isolated
path = Path(sys.argv[1])
read_documents_isolated([ReadJob(f"k{i}", path=path, filename="long.pdf") for i in range(2)],
                        timeout_s=300, workers=2)
"""


def test_no_worker_outlives_a_killed_run_by_more_than_5_s(tmp_path: Path) -> None:
    document = tmp_path / "long.pdf"
    document.write_bytes(scanned_pdf())
    mark = f"FOI_TEST_RUN={uuid.uuid4().hex}"
    key, value = mark.split("=")
    run = subprocess.Popen([sys.executable, "-c", RUN, str(document)], cwd=ROOT,
                           env={**os.environ, key: value, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 60
    while len(processes_marked(mark)) < 5 and time.monotonic() < deadline:
        time.sleep(0.1)                            # the run, its two workers, their tesseracts
    time.sleep(1)
    assert len(processes_marked(mark)) >= 5
    run.send_signal(signal.SIGKILL)
    run.wait()
    killed = time.monotonic()
    while processes_marked(mark) and time.monotonic() - killed < 30:
        time.sleep(0.1)
    outlived = time.monotonic() - killed
    assert not processes_marked(mark) and outlived < 5, f"workers lived {outlived:.1f} s on"


def test_a_worker_stops_at_its_own_time_limit_with_no_parent_watching() -> None:
    worker = subprocess.Popen([sys.executable, "-m", "extract.reading.worker", "1024", "500",
                               str(os.getpid())], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    # A job whose bytes never come: the worker is stuck, and nobody times it out but itself.
    header = json.dumps({"size": 1000, "filename": "stuck.pdf", "soft_s": 1000,
                         "hard_s": 1, "mode": "text"}).encode()
    assert worker.stdin is not None
    worker.stdin.write(struct.pack(">Q", len(header)) + header)
    worker.stdin.flush()
    started = time.monotonic()
    code = worker.wait(60)
    assert time.monotonic() - started < 15         # 1 s, the grace of 5 s, and start-up
    assert code in (-signal.SIGALRM, -signal.SIGXCPU), code

