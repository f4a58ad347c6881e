"""Processes that die with the one that started them, however it ends (Linux).

A reader worker or the tesseract it runs must not go on reading a bomb for minutes after
the run that asked was killed: the kernel's parent-death signal ends them with it.
"""

from __future__ import annotations

import ctypes
import os
import signal

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent thread ends (no-op elsewhere)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def die_with(parent: int) -> None:
    """die_with_parent(), and end now if `parent` has already gone."""
    die_with_parent()
    if os.getppid() != parent:
        os._exit(1)
