"""Publishing the readers' snapshot and Parquet views, beside a bare copy of the same file.

    python bench/snapshot.py [--home foi-data] [--requests 100000] [--tiny]

For the workspace at --home (the demo's, when `make demo` has run) and for a generated one
with --requests requests (one answer to each of the campaign's questions, one event each),
times what every writing run adds when it closes: the snapshot (checkpointed file copied
and renamed into place) and the Parquet copies of every public view, each against a bare
`shutil.copyfile` of the same warehouse; and the writer lock's cost on an open and close.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import parse_args, tiny_out  # noqa: E402
from bench.status import EXAMPLE, best_of, generate_requests  # noqa: E402
from foi.campaigns import read_campaign  # noqa: E402
from foi.workspace import init_workspace  # noqa: E402
from warehouse.access import writing  # noqa: E402
from warehouse.campaigns import save_campaign  # noqa: E402
from warehouse.clock import refresh_deadlines  # noqa: E402
from warehouse.db import connect, transaction  # noqa: E402
from warehouse.snapshots import export_public_views, publish_generation  # noqa: E402


def generated_workspace(n: int) -> Path:
    """A workspace with n requests, each with an answer to every question."""
    ws = init_workspace(Path(tempfile.mkdtemp(prefix="foitrack-snapshot-")) / "ws")
    con = connect(ws.database)
    save_campaign(con, read_campaign(EXAMPLE), EXAMPLE.read_text(encoding="utf-8"))
    generate_requests(con, n)
    with transaction(con):
        con.execute("""
            INSERT INTO answers (request_reference, question_key, status, value, confidence,
                                 page, snippet, method)
            SELECT r.reference, q.key, 'answered',
                   CASE q.type WHEN 'yes_no' THEN 'yes' ELSE '125000' END, 0.9, 1,
                   'The CCG answered this question in its letter of reply.', 'bench'
            FROM requests r, questions q WHERE r.status = 'successful'""")
    refresh_deadlines(con)
    con.close()
    return ws.database


def measure(database: Path) -> dict[str, float]:
    """Snapshot and Parquet times for one warehouse, beside a bare copy of the file."""
    with writing(database):
        pass   # migrates and checkpoints, so every measure below starts from the same file
    bare = database.with_name("bare-copy.duckdb")
    copy_s = best_of(3, lambda: shutil.copyfile(database, bare))
    bare.unlink()
    # the snapshot alone (Parquet linked from the generation before, as the desk's clicks do),
    # the Parquet views alone, and a whole generation: both, switched together
    snapshot_s = best_of(3, lambda: publish_generation(database, parquet=False))
    out = Path(tempfile.mkdtemp(prefix="foitrack-parquet-"))
    parquet_s = best_of(3, lambda: export_public_views(database, out))
    generation_s = best_of(3, lambda: publish_generation(database))
    open_close_s = best_of(5, lambda: connect(database).close())

    def locked_open_close() -> None:
        with writing(database):
            pass
    writing_s = best_of(3, locked_open_close)
    return {"file_mb": database.stat().st_size / 1e6,
            "parquet_mb": sum(p.stat().st_size for p in out.glob("*.parquet")) / 1e6,
            "bare_copy_seconds": copy_s, "snapshot_seconds": snapshot_s,
            "snapshot_ratio": snapshot_s / copy_s, "parquet_seconds": parquet_s,
            "parquet_ratio": parquet_s / copy_s, "generation_seconds": generation_s,
            "generation_ratio": generation_s / copy_s, "connect_close_seconds": open_close_s,
            "writing_seconds": writing_s, "writing_ratio": writing_s / open_close_s}


def main() -> None:
    """Measure both workspaces and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=ROOT / "foi-data")
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--out", type=Path,
                        default=ROOT / "bench" / "results" / "snapshot.json")
    args = parse_args(parser, requests=200, home=None, out=tiny_out("snapshot.json"))
    targets = {}
    if args.home is not None and (args.home / "foi.duckdb").exists():
        demo = Path(tempfile.mkdtemp(prefix="foitrack-demo-copy-")) / "foi.duckdb"
        shutil.copyfile(args.home / "foi.duckdb", demo)   # never touch the real workspace
        targets[f"workspace {args.home}"] = demo
    else:
        print(f"(no workspace at {args.home}: run `make demo` to measure it too)")
    started = time.perf_counter()
    targets[f"{args.requests} generated requests"] = generated_workspace(args.requests)
    print(f"generated {args.requests} requests in {time.perf_counter() - started:.1f} s")
    results = {}
    for name, database in targets.items():
        r = results[name] = measure(database)
        print(f"{name}: {r['file_mb']:.1f} MB warehouse, {r['parquet_mb']:.1f} MB Parquet")
        print(f"  snapshot  {r['snapshot_seconds']:.3f} s  vs bare file copy "
              f"{r['bare_copy_seconds']:.3f} s  ratio {r['snapshot_ratio']:.1f}x")
        print(f"  parquet   {r['parquet_seconds']:.3f} s  (every public view)  ratio to the "
              f"bare copy {r['parquet_ratio']:.1f}x")
        print(f"  generation {r['generation_seconds']:.3f} s  (snapshot and Parquet, switched "
              f"together)  ratio to the bare copy {r['generation_ratio']:.1f}x")
        print(f"  writer open+close with lock and publication {r['writing_seconds']:.3f} s  vs "
              f"bare connect+close {r['connect_close_seconds']:.3f} s  ratio "
              f"{r['writing_ratio']:.1f}x")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
