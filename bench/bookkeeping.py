"""What the warehouse's bookkeeping costs in `foi send` and `foi ingest`, beside bare runs
doing the same work with no DuckDB.

    python bench/bookkeeping.py [--n 209] [--repeat 3] [--tiny]

send: the pipeline (render, record each Message-ID before hand-over, write the outbox file,
record it sent, keep the raw letter) against rendering and writing the same .eml files.
ingest: the pipeline on the simulated replies against reading each file, parsing it with
our reader and storing the raw message and its attachments by sha256 (the same work, no
warehouse), and against a plain stdlib parse (the baseline bench/run.py uses). Best of
--repeat runs, each on a fresh workspace.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import parse_args  # noqa: E402
from flows.steps.ingest import eml_files, ingest_files  # noqa: E402
from flows.steps.send import plan_letters, send_campaign  # noqa: E402
from foi.authorities import demo_ccgs  # noqa: E402
from foi.campaigns import read_campaign  # noqa: E402
from foi.mail.incoming import read_message  # noqa: E402
from foi.mail.outgoing import letter_message, new_message_id  # noqa: E402
from foi.mail.transports import FileOutbox  # noqa: E402
from foi.store import put  # noqa: E402
from foi.workspace import Workspace, init_workspace  # noqa: E402
from simulator.replies import SentLetter, SimQuestion, simulate_replies, write_replies  # noqa: E402
from warehouse.authorities import import_authorities  # noqa: E402
from warehouse.campaigns import save_campaign  # noqa: E402
from warehouse.db import connect, rows  # noqa: E402

EXAMPLE = ROOT / "examples" / "qof-local-schemes.toml"


def fresh(n: int) -> tuple[Workspace, object]:
    """A workspace with n CCGs and the QOF campaign, and its open warehouse."""
    ws = init_workspace(Path(tempfile.mkdtemp(prefix="foitrack-books-")) / "ws")
    con = connect(ws.database)
    import_authorities(con, demo_ccgs()[:n], "bench")
    save_campaign(con, read_campaign(EXAMPLE), EXAMPLE.read_text(encoding="utf-8"))
    return ws, con


def timed(fn) -> float:
    """Seconds one call takes."""
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def one_round(n: int) -> dict[str, float]:
    """Every timing once, on a fresh workspace."""
    campaign = read_campaign(EXAMPLE)
    now = datetime(2016, 4, 4, 10, tzinfo=UTC)
    ws, con = fresh(n)
    bare_dir = Path(tempfile.mkdtemp(prefix="foitrack-books-bare-"))
    times: dict[str, float] = {}

    def bare_send() -> None:
        for letter in plan_letters(con, campaign, now):
            msg = letter_message(letter, campaign.sender,
                                 new_message_id(letter.reference, campaign.sender.email), now)
            (bare_dir / f"{letter.reference}.eml").write_bytes(msg.as_bytes())
    times["bare_send"] = timed(bare_send)
    times["send"] = timed(lambda: send_campaign(con, ws, campaign.id, FileOutbox(ws.outbox),
                                                now=now))
    sent = rows(con, "SELECT r.reference, r.authority_id, a.name, a.email, r.message_id,"
                     " r.sent_at FROM requests r JOIN authorities a ON a.id = r.authority_id")
    letters = [SentLetter(r["reference"], r["authority_id"], r["name"], r["email"],
                          campaign.sender.name, campaign.sender.email, r["message_id"],
                          f"FOI {r['reference']}", r["sent_at"]) for r in sent]
    questions = [SimQuestion(n, q.key, q.text, q.type, q.choices, q.only_if)
                 for n, q in campaign.numbered()]
    paths = write_replies(simulate_replies(letters, questions, seed=2016),
                          Path(tempfile.mkdtemp(prefix="foitrack-books-in-")))
    store = Path(tempfile.mkdtemp(prefix="foitrack-books-store-"))

    def bare_ingest() -> None:
        for path in paths:
            raw = path.read_bytes()
            put(store, "messages", raw, ".eml")
            message = read_message(raw)
            put(store, "documents", message.body_text.encode("utf-8"))
            for a in message.attachments:
                put(store, "documents", a.data)
    times["bare_ingest"] = timed(bare_ingest)
    times["stdlib_parse"] = timed(lambda: [message_from_bytes(p.read_bytes(),
                                                              policy=policy.default)
                                           for p in paths])
    times["ingest"] = timed(lambda: ingest_files(con, ws, eml_files(paths[0].parent)))
    times["replies"] = len(paths)
    con.close()
    return times


def main() -> None:
    """Time each stage beside its bare run; print the ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=209)
    parser.add_argument("--repeat", type=int, default=3)
    args = parse_args(parser, n=5, repeat=1)
    rounds = [one_round(args.n) for _ in range(args.repeat)]
    best = {k: min(r[k] for r in rounds) for k in rounds[0]}
    print(f"send:   {args.n} letters in {best['send']:.2f} s, bare {best['bare_send']:.2f} s: "
          f"{best['send'] / best['bare_send']:.1f}x bare")
    print(f"ingest: {best['replies']:.0f} replies in {best['ingest']:.2f} s, bare (parse + "
          f"store) {best['bare_ingest']:.2f} s: {best['ingest'] / best['bare_ingest']:.1f}x "
          f"bare; stdlib parse alone {best['stdlib_parse']:.2f} s: "
          f"{best['ingest'] / best['stdlib_parse']:.1f}x")


if __name__ == "__main__":
    main()
