"""Taking mail in from IMAP: messages per second through foitrack beside fetching the same
messages bare with imaplib, from a private Dovecot on loopback (Debian dovecot-imapd).

    python bench/imap.py [--letters 209] [--repeat 3] [--crash] [--tiny]

The mailbox holds the simulated replies to `--letters` letters (PDF and Word attachments,
acknowledgements). Three runs over it, each from an unflagged mailbox, timed side by side:
bare imaplib (one SEARCH, UID FETCH BODY.PEEK[] in batches of 100), foitrack's IMAP source
alone (the same fetches plus sizes and the flags after each batch, nothing stored), and
`foi ingest --imap`'s work in process (fetch, store, match, flag), beside `foi ingest --eml`'s
(the ingest core alone, on the same messages as files). `--crash` then runs the
crash-injection test on that bigger mailbox (tests/test_ingest_imap_crash.py with
FOI_IMAP_CRASH_LETTERS). Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import imaplib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import parse_args  # noqa: E402
from flows.steps.ingest import eml_files, ingest_files  # noqa: E402
from flows.steps.mailbox import ingest_mailbox  # noqa: E402
from foi.authorities import demo_ccgs  # noqa: E402
from foi.campaigns import read_campaign  # noqa: E402
from foi.mail.imap import KEYWORD, ImapMailbox, imap_settings  # noqa: E402
from foi.mail.mailbox import identity  # noqa: E402
from foi.workspace import init_workspace  # noqa: E402
from tests.conftest import EXAMPLE, late_letters_with_replies  # noqa: E402
from tests.dovecot import PASSWORD, USER, Dovecot, start_dovecot  # noqa: E402
from warehouse.authorities import import_authorities  # noqa: E402
from warehouse.campaigns import save_campaign  # noqa: E402
from warehouse.db import connect  # noqa: E402


def bare_fetch(server: Dovecot) -> int:
    """Every message of INBOX fetched with plain imaplib, 100 at a time; bytes fetched."""
    conn = imaplib.IMAP4("127.0.0.1", server.port)
    conn.login(USER, PASSWORD)
    conn.select("INBOX")
    _, data = conn.uid("SEARCH", "ALL")
    uids = data[0].split()
    fetched = 0
    for i in range(0, len(uids), 100):
        _, got = conn.uid("FETCH", b",".join(uids[i:i + 100]).decode(), "(BODY.PEEK[])")
        fetched += sum(len(item[1]) for item in got if isinstance(item, tuple))
    conn.logout()
    return fetched


def source_only(server: Dovecot) -> int:
    """foitrack's IMAP source with nothing stored: fetch and flag every batch."""
    n = 0
    with ImapMailbox(_settings(server)) as source:
        for batch in source.batches():
            n += len(batch)
            source.taken_in(batch)
    return n


def _settings(server: Dovecot):  # type: ignore[no-untyped-def]
    return imap_settings({}, host="127.0.0.1", port=server.port, security="none",
                         username=USER, password=PASSWORD)


def _unflag(server: Dovecot) -> None:
    conn = server.client()
    conn.select("INBOX")
    conn.uid("STORE", "1:*", "-FLAGS.SILENT", f"(\\Seen {KEYWORD})")
    conn.logout()


def _template(root: Path, letters: int) -> tuple[Path, list[bytes]]:
    ws = init_workspace(root / "template")
    con = connect(ws.database)
    import_authorities(con, demo_ccgs(), "builtin:ccgs-2016")
    save_campaign(con, read_campaign(EXAMPLE), EXAMPLE.read_text(encoding="utf-8"))
    con.close()
    late_letters_with_replies(ws, limit=letters, seed=2016, inbox=root / "replies")
    return ws.home, [p.read_bytes() for p in sorted((root / "replies").glob("*.eml"))]


def main() -> None:
    """Build the mailbox, time the three runs, print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=209)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--crash", action="store_true",
                        help="then run the crash-injection test on this many letters")
    args = parse_args(parser, letters=5, repeat=1)
    with tempfile.TemporaryDirectory(prefix="foi-bench-imap-") as tmp:
        root = Path(tmp)
        template, replies = _template(root, args.letters)
        server = start_dovecot(root / "dovecot")
        try:
            server.append("INBOX", replies)
            size = sum(len(r) for r in replies)
            times: dict[str, list[float]] = {"bare": [], "source": [], "ingest": [],
                                             "eml": [], "identity": []}
            files = root / "files"
            files.mkdir()
            for n, raw in enumerate(replies):
                (files / f"{n:04}.eml").write_bytes(raw)
            for i in range(args.repeat):
                _unflag(server)
                started = time.perf_counter()
                bare_fetch(server)
                times["bare"].append(time.perf_counter() - started)
                started = time.perf_counter()
                assert source_only(server) == len(replies)
                times["source"].append(time.perf_counter() - started)
                _unflag(server)
                home = root / f"ws{i}"
                shutil.copytree(template, home)
                ws = init_workspace(home)
                con = connect(ws.database)
                started = time.perf_counter()
                with ImapMailbox(_settings(server)) as source:
                    report = ingest_mailbox(con, ws, source)
                times["ingest"].append(time.perf_counter() - started)
                con.close()
                assert report.taken_in == len(replies), report
                home = root / f"eml{i}"
                shutil.copytree(template, home)
                ws = init_workspace(home)
                con = connect(ws.database)
                started = time.perf_counter()
                ingest_files(con, ws, eml_files(files))
                times["eml"].append(time.perf_counter() - started)
                con.close()
                started = time.perf_counter()
                for raw in replies:
                    identity(raw)
                times["identity"].append(time.perf_counter() - started)
        finally:
            server.stop()
    best = {k: min(v) for k, v in times.items()}
    n = len(replies)
    print(f"imap: {n} messages ({size / 1e6:.1f} MB, attachments included) from Dovecot on "
          f"loopback, best of {args.repeat}")
    print(f"  bare imaplib fetch:            {n / best['bare']:7.0f} msg/s  "
          f"({best['bare']:.2f} s)")
    print(f"  foitrack IMAP source alone:    {n / best['source']:7.0f} msg/s  "
          f"({best['source']:.2f} s)  ratio {best['source'] / best['bare']:.1f}x")
    print(f"  foi ingest --imap (in process): {n / best['ingest']:6.0f} msg/s  "
          f"({best['ingest']:.2f} s)  ratio {best['ingest'] / best['bare']:.1f}x")
    print(f"  foi ingest --eml, same messages: {n / best['eml']:5.0f} msg/s  "
          f"({best['eml']:.2f} s)  ratio {best['eml'] / best['bare']:.1f}x; IMAP over files "
          f"{best['ingest'] / best['eml']:.2f}x")
    print(f"  of which copies recognised (Message-ID + content hash): "
          f"{best['identity'] * 1000:.0f} ms in all")
    if args.crash:
        env = {**os.environ, "FOI_IMAP_CRASH_LETTERS": str(args.letters)}
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-s",
                        "tests/test_ingest_imap_crash.py"], cwd=ROOT, env=env, check=False)


if __name__ == "__main__":
    main()
