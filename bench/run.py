"""Speed and memory of the pipeline stages, each beside a bare baseline doing the same I/O.

    python bench/run.py [--n 209] [--seed 2016] [--out bench/results/latest.json] [--tiny]

Ratios are stage time / baseline time on the same machine in the same run, so they travel
between machines better than seconds do. Memory: this process's peak RSS, and the document
workers' summed RSS and PSS sampled every 20 ms while they read (not ru_maxrss of the
children: a process started by exec keeps its parent's peak there). Not a test: nothing here
asserts.
"""

from __future__ import annotations

import argparse
import json
import resource
import smtplib
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import TreeSampler, parse_args, tiny_out  # noqa: E402
from extract.reading.documents import read_document  # noqa: E402
from extract.reading.isolation import ReadJob, read_documents_isolated  # noqa: E402
from flows.steps.extract import (  # noqa: E402
    ExtractReport,
    extract_campaign,
    rematch_holding_pen,
    save_document_readings,
)
from flows.steps.ingest import eml_files, ingest_files  # noqa: E402
from flows.steps.send import plan_letters, send_campaign  # noqa: E402
from foi.authorities import demo_ccgs  # noqa: E402
from foi.campaigns import read_campaign  # noqa: E402
from foi.mail.outgoing import letter_message, new_message_id  # noqa: E402
from foi.mail.transports import FileOutbox, SmtpTransport  # noqa: E402
from foi.workspace import init_workspace  # noqa: E402
from simulator.replies import SentLetter, SimQuestion, simulate_replies, write_replies  # noqa: E402
from warehouse.authorities import import_authorities  # noqa: E402
from warehouse.campaigns import load_campaign, save_campaign  # noqa: E402
from warehouse.db import connect, rows  # noqa: E402

EXAMPLE = ROOT / "examples" / "qof-local-schemes.toml"


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """Wall seconds of one call and its result."""
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Run every stage and its baseline; print and save the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=209, help="authorities (CCGs)")
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    args = parse_args(parser, n=8, out=tiny_out("latest.json"))
    tmp = Path(tempfile.mkdtemp(prefix="foitrack-bench-"))
    ws = init_workspace(tmp / "ws")
    con = connect(ws.database)
    import_authorities(con, demo_ccgs()[:args.n], "bench")
    campaign = read_campaign(EXAMPLE)
    save_campaign(con, campaign, EXAMPLE.read_text(encoding="utf-8"))
    results: dict[str, dict[str, float]] = {}

    # Sending: the pipeline (render, record Message-ID, deliver, record sent, keep raw) vs
    # rendering and writing the same .eml files with no bookkeeping.
    now = datetime.now(UTC)
    base_dir = tmp / "bare-outbox"
    base_dir.mkdir()

    def bare_send() -> int:
        letters = plan_letters(con, campaign, now)
        for letter in letters:
            msg = letter_message(letter, campaign.sender,
                                 new_message_id(letter.reference, campaign.sender.email), now)
            (base_dir / f"{letter.reference}.eml").write_bytes(msg.as_bytes())
        return len(letters)
    base_s, sent = timed(bare_send)
    stage_s, _ = timed(lambda: send_campaign(con, ws, campaign.id, FileOutbox(ws.outbox), now=now))
    results["send"] = {"items": sent, "seconds": stage_s, "baseline_seconds": base_s,
                       "per_second": sent / stage_s}

    # Sending over SMTP to a local aiosmtpd server: the pipeline vs smtplib alone, one
    # connection per letter in both, on a second campaign so every letter is new.
    from aiosmtpd.controller import Controller

    class Sink:
        async def handle_DATA(self, server, session, envelope) -> str:
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        smtp_campaign = campaign.model_copy(update={"id": "bench-smtp",
                                                    "reference_prefix": "BSMTP"})
        save_campaign(con, smtp_campaign, EXAMPLE.read_text(encoding="utf-8").replace(
            'id = "qof-local-schemes"', 'id = "bench-smtp"').replace(
            'reference_prefix = "QOF16"', 'reference_prefix = "BSMTP"'))
        messages = [letter_message(x, campaign.sender, new_message_id(x.reference, "a@b.c"),
                                   now) for x in plan_letters(con, smtp_campaign, now)]

        def bare_smtp() -> None:
            for m in messages:
                with smtplib.SMTP("127.0.0.1", port) as smtp:
                    smtp.send_message(m)
        base_s, _ = timed(bare_smtp)
        stage_s, _ = timed(lambda: send_campaign(con, ws, "bench-smtp",
                                                 SmtpTransport("127.0.0.1", port), now=now))
    finally:
        controller.stop()
    results["send_smtp"] = {"items": len(messages), "seconds": stage_s,
                            "baseline_seconds": base_s, "per_second": len(messages) / stage_s}

    # Replies from the simulator, then ingest vs parsing the same files with the stdlib.
    sent_rows = rows(con, "SELECT r.reference, r.authority_id, a.name, a.email, r.message_id,"
                          " r.sent_at FROM requests r JOIN authorities a ON a.id = r.authority_id"
                          " WHERE r.campaign_id = ?", [campaign.id])
    letters = [SentLetter(r["reference"], r["authority_id"], r["name"], r["email"],
                          campaign.sender.name, campaign.sender.email, r["message_id"],
                          f"FOI {r['reference']}", r["sent_at"]) for r in sent_rows]
    questions = [SimQuestion(n, q.key, q.text, q.type, q.choices, q.only_if)
                 for n, q in campaign.numbered()]
    sim_s, replies = timed(lambda: simulate_replies(letters, questions, seed=args.seed))
    paths = write_replies(replies, tmp / "inbox")
    results["simulate"] = {"items": len(paths), "seconds": sim_s}
    base_s, _ = timed(lambda: [message_from_bytes(p.read_bytes(), policy=policy.default)
                               for p in paths])
    stage_s, _ = timed(lambda: ingest_files(con, ws, eml_files(tmp / "inbox")))
    results["ingest"] = {"items": len(paths), "seconds": stage_s, "baseline_seconds": base_s,
                         "per_second": len(paths) / stage_s}

    # Reading documents: isolated worker (time + memory caps) vs in-process read_document.
    docs = rows(con, "SELECT d.id, d.media_type, d.store_path, min(md.filename) AS filename"
                     " FROM documents d JOIN message_documents md ON md.document_id = d.id"
                     " GROUP BY ALL")
    jobs = [ReadJob(d["id"], (ws.store / d["store_path"]).read_bytes(), d["filename"] or "",
                    d["media_type"]) for d in docs]
    base_s, texts = timed(lambda: [read_document(j.data, j.filename, j.media_type) for j in jobs])
    pages = sum(len(t.pages) for t in texts)
    with TreeSampler(children_only=True) as workers:
        stage_s, readings = timed(lambda: read_documents_isolated(jobs))
    results["read_documents"] = {"items": len(jobs), "pages": pages, "seconds": stage_s,
                                 "baseline_seconds": base_s, "pages_per_second": pages / stage_s,
                                 "workers_peak_rss_mb": workers.rss_kb / 1024,
                                 "workers_peak_pss_mb": workers.pss_kb / 1024}

    # Extraction + outcomes over stored pages (the readings above stored first).
    save_document_readings(con, readings, ExtractReport())
    rematch_holding_pen(con, ws, ExtractReport())
    report = ExtractReport()
    stage_s, _ = timed(lambda: extract_campaign(con, campaign.id, report))
    results["extract_answers"] = {"items": report.requests, "seconds": stage_s,
                                  "per_second": report.requests / stage_s}
    load_campaign(con, campaign.id)
    results["process"] = {"peak_rss_mb": peak_rss_mb()}
    con.close()

    print(f"{'stage':16} {'items':>6} {'seconds':>8} {'baseline':>9} {'ratio':>6}  rate")
    for name, r in results.items():
        if "seconds" not in r:
            continue
        base = r.get("baseline_seconds")
        ratio = f"{r['seconds'] / base:6.1f}" if base else "     -"
        rate = next((f"{v:.1f} {k.replace('_', ' ')}" for k, v in r.items()
                     if k.endswith("per_second")), "")
        print(f"{name:16} {r['items']:>6} {r['seconds']:>8.2f} "
              f"{base if base is not None else float('nan'):>9.2f} {ratio}  {rate}")
    reading = results["read_documents"]
    print(f"peak RSS: main {results['process']['peak_rss_mb']:.0f} MB; document workers "
          f"{reading['workers_peak_rss_mb']:.0f} MB summed (PSS "
          f"{reading['workers_peak_pss_mb']:.0f} MB), sampled every 20 ms")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"n": args.n, "seed": args.seed, "results": results},
                                   indent=2))
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
