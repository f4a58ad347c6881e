"""What the bench scripts share: a tiny size for a quick run, the `foi` command. Not a bench:
`make bench` does not run it."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

TINY_ENV = "FOI_BENCH_TINY"
FOI = str(Path(sys.executable).with_name("foi"))


def parse_args(parser: argparse.ArgumentParser, **tiny: object) -> argparse.Namespace:
    """The command line, with --tiny (or FOI_BENCH_TINY=1): the options not given take the
    `tiny` values, a run that only shows the script works end to end (its figures mean
    nothing)."""
    parser.add_argument("--tiny", action="store_true",
                        default=os.environ.get(TINY_ENV, "") not in ("", "0"),
                        help=f"run at a tiny size, to check the script works (also ${TINY_ENV}=1)")
    args = parser.parse_args()
    if args.tiny:
        parser.set_defaults(**tiny)
        args = parser.parse_args()
        args.tiny = True
    return args


def tiny_out(name: str) -> Path:
    """Where a tiny run writes its results, so they never replace a real run's."""
    return Path(tempfile.gettempdir()) / "foitrack-bench-tiny" / name
