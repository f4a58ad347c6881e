"""Peak memory of ingesting one very large message, beside a bare run that only stores it.

    python bench/mail_memory.py [--mb 70] [--tiny]

Writes a message of about --mb MB (a short body and one base64 attachment), then, each in a
fresh process, measures the peak RSS of: bare (read the file, store the raw bytes), the
standard parser's tree as ingest used it for every message (`email` + walk + decode), and
ingest as it was (every message through that tree), and `foi ingest` now (the raw kept, read
part by part, the attachment stored). Ratios are against bare.
"""

from __future__ import annotations

import argparse
import base64
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import parse_args  # noqa: E402


def peak_rss_mb() -> int:
    """This process's peak RSS (VmHWM: unlike ru_maxrss it does not inherit the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


MODES = ("bare", "stdlib-tree", "ingest-before", "foi-ingest")


def write_message(path: Path, megabytes: int) -> None:
    """A reply with one attachment, about `megabytes` MB on the wire."""
    data = os.urandom(int(megabytes * (1 << 20) * 3 / 4))
    with path.open("wb") as f:
        f.write(b"From: FOI <foi@00c.ccg.example>\r\nTo: desk@newsroom.example\r\n"
                b"Subject: FOI QOF16-00C response\r\nMIME-Version: 1.0\r\n"
                b"Content-Type: multipart/mixed; boundary=BIG\r\n\r\n--BIG\r\n"
                b"Content-Type: text/plain\r\n\r\nOur response is attached.\r\n--BIG\r\n"
                b"Content-Type: application/pdf\r\nContent-Disposition: attachment; "
                b"filename=reply.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n")
        f.write(base64.encodebytes(data).replace(b"\n", b"\r\n"))
        f.write(b"--BIG--\r\n")


def run(mode: str, path: Path) -> None:
    """One measurement, in this (fresh) process: every mode loads the same modules and opens
    the warehouse, so only the work on the message differs."""
    from email import message_from_bytes, policy

    from flows.steps.ingest import ingest_files
    from foi.mail import incoming
    from foi.store import put
    from foi.workspace import init_workspace
    from warehouse.db import connect

    ws = init_workspace(Path(tempfile.mkdtemp(prefix="foitrack-mailmem-")) / "ws")
    con = connect(ws.database)
    base = peak_rss_mb()
    if mode in ("bare", "stdlib-tree"):
        raw = path.read_bytes()
        put(ws.store, "messages", raw, ".eml")
        if mode == "stdlib-tree":
            for part in message_from_bytes(raw, policy=policy.compat32).walk():
                if not part.is_multipart():
                    put(ws.store, "documents", part.get_payload(decode=True))
    else:
        if mode == "ingest-before":  # every message through the standard parser's tree
            incoming.WHOLE_PARSE_BYTES = 1 << 40
        report = ingest_files(con, ws, [path])
        assert len(report.holding_pen) == 1, report
    con.close()
    print(base, peak_rss_mb())


def main() -> None:
    """Measure each mode in its own process and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=70)
    parser.add_argument("--mode", choices=MODES)
    parser.add_argument("--path", type=Path)
    args = parse_args(parser, mb=1)
    if args.mode:
        run(args.mode, args.path)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "large.eml"
        write_message(path, args.mb)
        size = path.stat().st_size / (1 << 20)
        out = {mode: [int(v) for v in subprocess.run(
            [sys.executable, __file__, "--mode", mode, "--path", str(path)], check=True,
            capture_output=True, text=True).stdout.split()[-2:]] for mode in MODES}
    print(f"one message of {size:.0f} MB (one base64 attachment): peak RSS per process, and "
          "above the process before the message (modules loaded, warehouse open)")
    bare = out["bare"][1] - out["bare"][0]
    for mode, (base, peak) in out.items():
        # a tiny message may not move the bare process's peak by a whole MB
        ratio = f"{(peak - base) / bare:.1f}x bare" if bare > 0 else "(bare: under 1 MB)"
        print(f"  {mode:<14} {peak:>5} MB  +{peak - base:>4} MB  {ratio}")


if __name__ == "__main__":
    main()
