"""What the bench scripts share: a tiny size for a quick run, the `foi` command, the memory
of a process and its children. Not a bench: `make bench` does not run it."""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
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


@dataclass(frozen=True)
class TreeMemory:
    """Wall seconds of a command, and the peaks of its process tree's summed memory."""

    seconds: float
    peak_rss_mb: float      # resident pages of each process, summed (shared ones counted twice)
    peak_pss_mb: float      # each shared page split between the processes that map it
    peak_main_rss_mb: float  # the command's own process
    most_processes: int


def _rollup(pid: int) -> tuple[int, int]:
    """(Rss, Pss) of one process in kB, from /proc/PID/smaps_rollup; (0, 0) once it is gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith(b"Pss:"):
                    pss = int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return rss, pss


_libc = ctypes.CDLL(None, use_errno=True)
_KCMP = {"x86_64": 312, "aarch64": 272}.get(platform.machine())  # kcmp(2)'s syscall number
_KCMP_VM = 1


def _same_memory(pid: int, parent: int, sizes: dict[int, tuple[int, int]]) -> bool:
    """Whether a process runs in its parent's memory: a vfork child until it execs (the way
    subprocess starts one), which smaps shows as a second copy of the parent."""
    if _KCMP is not None:
        found = _libc.syscall(_KCMP, pid, parent, _KCMP_VM, 0, 0)
        if found >= 0:
            return found == 0
    # kcmp refused (e.g. by seccomp): the very same figures, read a moment apart
    return sizes[pid] == sizes.get(parent)


class TreeSampler:
    """The peaks of a process's and its descendants' summed memory (or of its descendants
    alone: `children_only`), sampled in a thread every `every_s` seconds while in the block.
    ru_maxrss cannot tell this: a child started by exec keeps its parent's peak."""

    def __init__(self, pid: int | None = None, *, children_only: bool = False,
                 every_s: float = 0.02) -> None:
        import psutil

        self._root = psutil.Process(pid)
        self._children_only, self._every_s = children_only, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.rss_kb = self.pss_kb = self.main_rss_kb = 0
        self.most_processes = 0

    def _run(self) -> None:
        import psutil

        root = self._root.pid
        while not self._stop.is_set():
            try:
                children = self._root.children(recursive=True)
            except psutil.Error:  # the process has ended
                break
            parents = {}
            for child in children:
                with contextlib.suppress(psutil.Error):
                    parents[child.pid] = child.ppid()
            sizes = {pid: _rollup(pid) for pid in [root, *parents]}
            counted = [pid for pid, parent in parents.items()
                       if not _same_memory(pid, parent, sizes)]
            if not self._children_only:
                counted.append(root)
                self.main_rss_kb = max(self.main_rss_kb, sizes[root][0])
            self.rss_kb = max(self.rss_kb, sum(sizes[pid][0] for pid in counted))
            self.pss_kb = max(self.pss_kb, sum(sizes[pid][1] for pid in counted))
            self.most_processes = max(self.most_processes, len(counted))
            self._stop.wait(self._every_s)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measure_tree(command: list[str], *, every_s: float = 0.02, **popen: object) -> TreeMemory:
    """Run a command to its end, sampling its tree's memory every `every_s` seconds (the
    processes with psutil, their memory from smaps_rollup); a failure raises
    CalledProcessError."""
    started = time.perf_counter()
    process = subprocess.Popen(command, **popen)  # type: ignore[call-overload]
    with TreeSampler(process.pid, every_s=every_s) as sampler:
        process.wait()
    seconds = time.perf_counter() - started
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return TreeMemory(seconds, sampler.rss_kb / 1024, sampler.pss_kb / 1024,
                      sampler.main_rss_kb / 1024, sampler.most_processes)


EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "qof-local-schemes.toml"


def demo_workspace(home: Path, *, letters: int | None = None, days_ago: int = 40) -> Path:
    """A workspace as the demo starts one: initialised, the 209 CCGs of builtin:ccgs-2016, the
    QOF example campaign and its letters (the first `letters`) sent `days_ago` days ago through
    the file outbox; closed as a `foi` command leaves it, the readers' snapshot published."""
    from datetime import UTC, date, datetime, timedelta
    from datetime import time as day_time

    from flows.steps.send import send_campaign
    from flows.steps.session import workspace_db
    from foi.authorities import demo_ccgs
    from foi.campaigns import read_campaign
    from foi.mail.transports import FileOutbox
    from foi.workspace import init_workspace
    from warehouse.authorities import import_authorities
    from warehouse.campaigns import save_campaign

    init_workspace(home)
    sent_at = datetime.combine(date.today() - timedelta(days=days_ago), day_time(10), tzinfo=UTC)
    with workspace_db(home) as (workspace, con):
        import_authorities(con, demo_ccgs(), "builtin:ccgs-2016")
        campaign = read_campaign(EXAMPLE)
        save_campaign(con, campaign, EXAMPLE.read_text(encoding="utf-8"))
        send_campaign(con, workspace, campaign.id, FileOutbox(workspace.outbox), limit=letters,
                      now=sent_at)
    return home
