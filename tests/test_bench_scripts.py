"""Every script `make bench` runs gets to its end at a tiny size (--tiny): one that crashes
stops the scripts after it, and nothing else would notice."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Not benchmarks: what the scripts share.
HELPERS = {"harness.py"}


def bench_commands() -> dict[str, list[str]]:
    """Each script of the Makefile's bench target -> its arguments there."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^bench:.*\n((?:\t.*\n?)+)", makefile, re.MULTILINE)
    assert recipe, "no bench target in the Makefile"
    commands = {}
    for line in recipe.group(1).splitlines():
        words = shlex.split(line.strip())
        scripts = [n for n, word in enumerate(words) if re.fullmatch(r"bench/\w+\.py", word)]
        if scripts:
            commands[Path(words[scripts[0]]).name] = words[scripts[0] + 1:]
    return commands


COMMANDS = bench_commands()


def test_every_bench_script_is_in_the_bench_target() -> None:
    on_disk = {p.name for p in (ROOT / "bench").glob("*.py")} - HELPERS
    assert sorted(on_disk - set(COMMANDS)) == []


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Future]]:
    """Every bench script started at the tiny size, two at a time (one per core)."""
    env = {**os.environ, "PREFECT_HOME": str(tmp_path_factory.mktemp("prefect")),
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    env.pop("FOI_HOME", None)
    pool = ThreadPoolExecutor(max_workers=2)

    def run(script: str, args: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, f"bench/{script}", *args, "--tiny"], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=600)

    started = {script: pool.submit(run, script, args) for script, args in COMMANDS.items()}
    yield started
    pool.shutdown(wait=True, cancel_futures=True)


@pytest.mark.parametrize("script", sorted(COMMANDS))
def test_bench_script_runs_at_tiny_size(script: str, runs: dict[str, Future]) -> None:
    done = runs[script].result()
    assert done.returncode == 0, f"{script} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
