"""Reading a file a person or a mailbox pointed us at: a regular file, never through a link.

A symlink in a Maildir or an .eml folder could point at /proc/self/environ or a key file,
and a FIFO or a device would hang the run; so a file is opened without following links and
read only when it is an ordinary file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class NotARegularFile(OSError):
    """The path is a symlink, a FIFO, a device or a folder: nothing is read from it."""


def read_regular_file(path: Path) -> bytes:
    """The bytes of `path` if it is a regular file (not a symlink); NotARegularFile if not."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if os.path.islink(path):
            raise NotARegularFile(f"not a regular file (a symbolic link to "
                                  f"{os.readlink(path)!r}): not read") from exc
        raise
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise NotARegularFile(f"not a regular file ({_kind(mode)}): not read")
        return handle.read()


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISDIR, "a folder"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not an ordinary file"
