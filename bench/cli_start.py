"""How long `foi` takes to start: `foi --help`, `foi sql "SELECT 1"` and `foi status`, each
beside a bare interpreter importing duckdb and typer, in the same run.

    python bench/cli_start.py [--runs 7] [--letters N] [--out bench/results/cli_start.json]
                              [--tiny]

Builds a demo-like workspace once (bench/harness.py: the 209 CCGs of builtin:ccgs-2016, the
QOF example campaign, its letters sent through the file outbox: all 209, or --letters), then
runs each command --runs times in a fresh process, the commands taking turns so that all see
the same machine, and reports the median wall seconds and the ratio to the baseline
`python -c "import duckdb, typer"` (what any CLI on this warehouse must load). The targets are
in seconds, as a reporter feels them. Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import FOI, demo_workspace, parse_args, tiny_out  # noqa: E402

TARGETS = {"foi --help": 0.4, 'foi sql "SELECT 1"': 0.6}


def wall_seconds(command: list[str]) -> float:
    """Wall seconds of one run of a command in a new process."""
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - started


def main() -> None:
    """Build the workspace, time the commands in turn, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each command (median)")
    parser.add_argument("--letters", type=int, help="letters sent (default: all 209)")
    parser.add_argument("--out", type=Path,
                        default=ROOT / "bench" / "results" / "cli_start.json")
    args = parse_args(parser, runs=1, letters=5, out=tiny_out("cli_start.json"))
    with tempfile.TemporaryDirectory(prefix="foitrack-cli-start-") as tmp:
        started = time.perf_counter()
        home = str(demo_workspace(Path(tmp) / "ws", letters=args.letters))
        built = time.perf_counter() - started
        commands = {
            "baseline": [sys.executable, "-c", "import duckdb, typer"],
            "foi --help": [FOI, "--help"],
            'foi sql "SELECT 1"': [FOI, "sql", "SELECT 1", "--home", home],
            "foi status qof-local-schemes": [FOI, "status", "qof-local-schemes",
                                             "--home", home],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(wall_seconds(command))
    median = {name: statistics.median(t) for name, t in times.items()}
    base = median["baseline"]
    print(f"start-up of foi on a demo-like workspace (built in {built:.1f} s), median of "
          f"{args.runs} runs each, in turn")
    print(f"{'command':34} {'seconds':>8} {'x baseline':>11}  target")
    for name, seconds in median.items():
        target = TARGETS.get(name)
        verdict = "" if target is None else \
            f"<= {target} s: {'met' if seconds <= target else 'not met'}"
        label = 'python -c "import duckdb, typer"' if name == "baseline" else name
        print(f"{label:34} {seconds:8.2f} {seconds / base:10.1f}x  {verdict}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"runs": args.runs, "seconds": times, "median": median,
                                    "targets": TARGETS}, indent=2))
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
