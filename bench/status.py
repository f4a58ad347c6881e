"""`foi status` on many requests, against a bare count(*) over the same table.

    python bench/status.py [--requests 100000] [--runs 3] [--tiny]

Generates the requests in SQL (one campaign, authorities a-<n>, sent over the past year),
then times the status query (v_requests with due dates, working days late and next action,
as `foi status --format csv` reads it) and the full CLI command, each beside
`SELECT count(*) FROM requests`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import FOI, parse_args, tiny_out  # noqa: E402
from foi.campaigns import read_campaign  # noqa: E402
from foi.workspace import init_workspace  # noqa: E402
from warehouse.campaigns import save_campaign  # noqa: E402
from warehouse.clock import refresh_deadlines  # noqa: E402
from warehouse.db import connect, rows, transaction  # noqa: E402
from warehouse.queries import STATUS_COLUMNS, request_rows  # noqa: E402

EXAMPLE = ROOT / "examples" / "qof-local-schemes.toml"


def best_of(n: int, fn) -> float:
    """The fastest of n timed calls, in seconds."""
    times = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def generate_requests(con, n: int) -> None:
    """n authorities and one request each for the QOF campaign, sent over the past year."""
    with transaction(con):
        con.execute("""
            INSERT INTO authorities (id, name, email, kind)
            SELECT 'a-' || i, 'Authority ' || i, 'foi@a' || i || '.example', 'ccg'
            FROM range(?) t(i)""", [n])
        con.execute("""
            INSERT INTO requests (reference, campaign_id, authority_id, status, to_addr,
                                  message_id, sent_at, sent_on, regime)
            SELECT 'QOF16-' || i, 'qof-local-schemes', 'a-' || i,
                   CASE WHEN i % 3 = 0 THEN 'successful' WHEN i % 7 = 0 THEN 'refused'
                        ELSE 'awaiting_response' END,
                   'foi@a' || i || '.example', '<' || i || '@bench>',
                   now() - to_days((i % 365)::INTEGER), (current_date - (i % 365)::INTEGER),
                   'foia'
            FROM range(?) t(i)""", [n])
        con.execute("""
            INSERT INTO events (request_reference, kind, detail)
            SELECT 'QOF16-' || i, 'sent', 'bench' FROM range(?) t(i)""", [n])


def main() -> None:
    """Generate, time, print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="CLI runs, the best one counts")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "status.json")
    args = parse_args(parser, requests=200, runs=1, out=tiny_out("status.json"))
    n = args.requests
    ws = init_workspace(Path(tempfile.mkdtemp(prefix="foitrack-status-")) / "ws")
    con = connect(ws.database)
    save_campaign(con, read_campaign(EXAMPLE), EXAMPLE.read_text(encoding="utf-8"))
    started = time.perf_counter()
    generate_requests(con, n)
    generate_s = time.perf_counter() - started
    refresh_s = best_of(1, lambda: refresh_deadlines(con))
    count_s = best_of(5, lambda: con.execute("SELECT count(*) FROM requests").fetchall())
    status_s = best_of(5, lambda: request_rows(con, "qof-local-schemes",
                                               columns=STATUS_COLUMNS))
    bare_rows_s = best_of(5, lambda: rows(con, "SELECT reference, status, sent_on, due_on,"
                                               " very_overdue_after, regime, authority_id,"
                                               " campaign_id, error FROM requests"))
    all_columns_s = best_of(1, lambda: request_rows(con, "qof-local-schemes"))
    overdue = len(request_rows(con, "qof-local-schemes", overdue_only=True,
                               columns=("reference",)))
    con.close()
    cli_s = best_of(args.runs, lambda: subprocess.run(
        [FOI, "status", "qof-local-schemes", "--format", "csv", "--home", str(ws.home)],
        check=True, stdout=subprocess.DEVNULL))
    cli_count_s = best_of(args.runs, lambda: subprocess.run(
        [FOI, "sql", "SELECT count(*) FROM requests", "--home", str(ws.home)],
        check=True, stdout=subprocess.DEVNULL))
    results = {"requests": n, "overdue": overdue, "generate_seconds": generate_s,
               "refresh_deadlines_seconds": refresh_s, "count_seconds": count_s,
               "status_query_seconds": status_s, "status_query_ratio": status_s / count_s,
               "all_columns_seconds": all_columns_s, "bare_rows_seconds": bare_rows_s,
               "status_vs_bare_rows_ratio": status_s / bare_rows_s,
               "cli_status_seconds": cli_s, "cli_count_seconds": cli_count_s,
               "cli_ratio": cli_s / cli_count_s}
    print(f"{n} requests ({overdue} overdue), generated in {generate_s:.1f} s; due dates "
          f"for all recomputed in {refresh_s:.1f} s")
    print(f"status query  {status_s:.3f} s  vs count(*) {count_s:.4f} s  ratio "
          f"{status_s / count_s:.0f}x")
    print(f"status query  vs the same number of bare columns of requests, as dicts "
          f"{bare_rows_s:.3f} s  ratio {status_s / bare_rows_s:.1f}x")
    print(f"every v_requests column {all_columns_s:.2f} s (what naming columns saves)")
    print(f"foi status    {cli_s:.2f} s  vs foi sql count(*) {cli_count_s:.2f} s  ratio "
          f"{cli_s / cli_count_s:.1f}x")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
