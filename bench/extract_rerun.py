"""`foi extract` run again: with nothing new, with one new reply, and with --all, each as a
ratio of the first run that read every reply, in the same script on the same machine; and
with nothing new net of start-up, in seconds.

    python bench/extract_rerun.py [--n 1000] [--seed 2016] [--repeat 2]
                                  [--out bench/results/extract_rerun.json] [--tiny]

Builds a workspace as bench/run.py does (the 209 CCGs, then made-up ones up to --n; letters
sent 40 days ago through the file outbox; the simulator's replies ingested), then times the
real command in a fresh process each time, beside `foi campaign list` (a command that does
next to nothing: start, open the snapshot, one query). A run with nothing new is mostly
start-up, so it is also timed inside the process (extract_replies() after the imports) and
the start-up alone (a fresh interpreter importing the CLI and the extract step) beside it;
the first run net of start-up is its wall time less that. Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import parse_args, tiny_out  # noqa: E402
from flows.steps.ingest import eml_files, ingest_files  # noqa: E402
from flows.steps.send import send_campaign  # noqa: E402
from foi.authorities import Authority, demo_ccgs  # noqa: E402
from foi.campaigns import read_campaign  # noqa: E402
from foi.mail.transports import FileOutbox  # noqa: E402
from foi.workspace import init_workspace  # noqa: E402
from simulator.replies import SentLetter, SimQuestion, simulate_replies, write_replies  # noqa: E402
from warehouse.authorities import import_authorities  # noqa: E402
from warehouse.campaigns import save_campaign  # noqa: E402
from warehouse.db import connect, rows  # noqa: E402

EXAMPLE = ROOT / "examples" / "qof-local-schemes.toml"
_EXTRACTED = re.compile(r"from (\d+) requests extracted, (\d+) unchanged")
# `foi extract`'s work alone: timed inside the process, after the imports
IN_PROCESS = """
import sys, time
from flows.steps.extract import extract_replies
started = time.perf_counter()
report = extract_replies(sys.argv[1])
print(time.perf_counter() - started, report.requests, report.unchanged)
"""


def authorities(n: int) -> list[Authority]:
    """The 209 CCGs, then made-up CCGs up to n."""
    real = list(demo_ccgs()[:n])
    return real + [Authority(f"B{i:04d}", f"NHS Bench {i} CCG", f"foi@b{i:04d}.ccg.example",
                             "england", "ccg") for i in range(n - len(real))]


def build(n: int, seed: int) -> Path:
    """A workspace with n requests sent and the simulated replies ingested, none read."""
    ws = init_workspace(Path(tempfile.mkdtemp(prefix="foitrack-rerun-")) / "ws")
    campaign = read_campaign(EXAMPLE)
    con = connect(ws.database)
    try:
        import_authorities(con, authorities(n), "bench")
        save_campaign(con, campaign, EXAMPLE.read_text(encoding="utf-8"))
        sent_at = datetime.combine(date.today() - timedelta(days=40), day_time(10), tzinfo=UTC)
        send_campaign(con, ws, campaign.id, FileOutbox(ws.outbox), now=sent_at)
        sent = rows(con, "SELECT r.reference, r.authority_id, a.name, a.email, r.message_id,"
                         " r.sent_at FROM requests r JOIN authorities a ON a.id = r.authority_id")
        letters = [SentLetter(r["reference"], r["authority_id"], r["name"], r["email"],
                              campaign.sender.name, campaign.sender.email, r["message_id"],
                              f"FOI {r['reference']}", r["sent_at"]) for r in sent]
        questions = [SimQuestion(k, q.key, q.text, q.type, q.choices, q.only_if)
                     for k, q in campaign.numbered()]
        inbox = ws.home / "inbox-simulated"
        write_replies(simulate_replies(letters, questions, seed=seed), inbox)
        ingest_files(con, ws, eml_files(inbox))
    finally:
        con.close()
    return ws.home


def foi(home: Path, *args: str) -> tuple[float, str]:
    """Wall seconds of one `foi` command in a new process, and what it printed."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", "from flows.cli import main; main()", *args,
                           "--home", str(home)], capture_output=True, text=True, cwd=ROOT,
                          check=True)
    return time.perf_counter() - started, " ".join(done.stdout.split())


def one_new_reply(home: Path) -> str:
    """A first reply from one authority that had not replied; returns its reference."""
    con = connect(home / "foi.duckdb", read_only=True)
    try:
        reference, message_id = con.execute(
            "SELECT reference, message_id FROM requests r WHERE NOT EXISTS (SELECT 1 FROM"
            " messages m WHERE m.request_reference = r.reference AND m.direction = 'incoming')"
            " ORDER BY reference LIMIT 1").fetchone()
    finally:
        con.close()
    msg = EmailMessage()
    msg["From"], msg["To"] = "foi@late.ccg.example", "foi-desk@newsroom.example"
    msg["Subject"], msg["In-Reply-To"] = f"RE: FOI {reference}", message_id
    msg.set_content("Sorry for the delay.\n1. Yes.\n2. No.\n3. Not applicable.\n")
    late = home / "inbox-late"
    late.mkdir(exist_ok=True)
    (late / f"{reference}.eml").write_bytes(msg.as_bytes())
    foi(home, "ingest", "--eml", str(late))
    return reference


def best_seconds(command: list[str], repeat: int) -> tuple[float, str]:
    """The fastest wall seconds of `repeat` runs of a command in a new process, and the last
    run's output."""
    times, out = [], ""
    for _ in range(repeat):
        started = time.perf_counter()
        out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT,
                             check=True).stdout
        times.append(time.perf_counter() - started)
    return min(times), out


def main() -> None:
    """Build, time each run, print and save the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="authorities")
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--repeat", type=int, default=2,
                        help="runs of each nothing-new measure, the best one counts")
    parser.add_argument("--out", type=Path,
                        default=ROOT / "bench" / "results" / "extract_rerun.json")
    args = parse_args(parser, n=5, repeat=1, out=tiny_out("extract_rerun.json"))
    started = time.perf_counter()
    home = build(args.n, args.seed)
    print(f"workspace with {args.n} requests and their replies ingested in "
          f"{time.perf_counter() - started:.0f} s: {home}")
    results: dict[str, dict[str, float | int | str]] = {}

    def run(name: str, *command: str) -> None:
        seconds, out = foi(home, *command)
        found = _EXTRACTED.search(out)
        results[name] = {"seconds": seconds, "output": out}
        if found:
            results[name] |= {"requests": int(found[1]), "unchanged": int(found[2])}

    run("first", "extract")
    for n in range(args.repeat):
        run(f"nothing_new_{n + 1}", "extract")
    seconds, out = best_seconds([sys.executable, "-c", IN_PROCESS, str(home)], args.repeat)
    work, requests, unchanged = out.split()
    results["nothing_new_in_process"] = {"seconds": float(work), "wall_seconds": seconds,
                                         "requests": int(requests), "unchanged": int(unchanged)}
    seconds, _ = best_seconds([sys.executable, "-c", "import flows.cli, flows.steps.extract"],
                              args.repeat)
    results["start_up"] = {"seconds": seconds}
    run("idle_command", "campaign", "list")
    results["one_new_reply"] = {"reference": one_new_reply(home)}
    seconds, out = foi(home, "extract")
    found = _EXTRACTED.search(out)
    results["one_new_reply"] |= {"seconds": seconds, "output": out,
                                 "requests": int(found[1]) if found else -1}
    run("all", "extract", "--all")

    first = float(results["first"]["seconds"])
    start_up = float(results["start_up"]["seconds"])
    rerun = min(float(results[f"nothing_new_{n + 1}"]["seconds"]) for n in range(args.repeat))
    net = float(results["nothing_new_in_process"]["seconds"])
    results["ratios"] = {
        "nothing_new_vs_first": rerun / first,
        "nothing_new_net_vs_first_net": net / (first - start_up),
        "one_new_reply_vs_first": float(results["one_new_reply"]["seconds"]) / first,
        "all_vs_first": float(results["all"]["seconds"]) / first,
        "nothing_new_vs_idle_command": rerun / float(results["idle_command"]["seconds"]),
    }
    print(f"{'run':24} {'seconds':>8} {'requests':>9}  of first")
    for name in ("first", *(f"nothing_new_{n + 1}" for n in range(args.repeat)),
                 "one_new_reply", "all", "idle_command", "start_up", "nothing_new_in_process"):
        r = results[name]
        share = "" if name in ("start_up", "nothing_new_in_process") else \
            f"{100 * float(r['seconds']) / first:6.2f}%"   # not whole runs: see below
        print(f"{name:24} {float(r['seconds']):>8.2f} {r.get('requests', ''):>9}  {share}")
    print("start_up: a fresh interpreter importing flows.cli and flows.steps.extract, what "
          "every `foi extract` pays before it looks at the workspace")
    print(f"nothing new: {rerun:.2f} s wall, {100 * rerun / first:.1f}% of the first run "
          f"({first:.1f} s)")
    print(f"nothing new net of start-up: {net:.3f} s (extract_replies() timed inside the "
          f"process), {100 * net / (first - start_up):.2f}% of the first run net of start-up "
          f"({first - start_up:.1f} s); target at most 2%")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"n": args.n, "seed": args.seed, "results": results},
                                   indent=2))
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
