"""A Maildir as a source of incoming mail (see foi.mail.mailbox for the contract).

Every message in new/ and cur/ is offered; one taken in moves from new/ to cur/ and gets the
Seen flag (S), by a rename as the Maildir specification says. Messages already in cur/ with S
are offered too, since a person may have read them before foitrack did: the caller recognises
what it stored before by content. The renames are done here rather than with
mailbox.Maildir, whose Python 3.11 API can change a message's flags only by rewriting its
bytes.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from foi.files import read_regular_file
from foi.mail.mailbox import Received

_BATCH = 100


@dataclass(frozen=True)
class _Key:
    subdir: str      # new | cur
    name: str        # file name, info included


class MaildirMailbox:
    """The messages of one Maildir folder, in file-name order."""

    def __init__(self, directory: Path) -> None:
        missing = [d for d in ("new", "cur") if not (directory / d).is_dir()]
        if missing:
            raise FileNotFoundError(f"{directory} is not a Maildir (no {' or '.join(missing)}/ "
                                    "inside): give the folder holding cur/, new/ and tmp/")
        self.directory = directory
        self.expected = 0
        self.colon = ":" if os.name != "nt" else "!"

    def __enter__(self) -> MaildirMailbox:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def batches(self) -> Iterator[list[Received]]:
        """Every message in new/ and cur/, a batch of files at a time."""
        # Every entry but hidden ones and folders: a symlink or a FIFO is offered as a problem.
        keys = [_Key(sub, p.name) for sub in ("new", "cur")
                for p in sorted((self.directory / sub).iterdir())
                if not p.name.startswith(".") and (p.is_symlink() or not p.is_dir())]
        self.expected = len(keys)
        for start in range(0, len(keys), _BATCH):
            batch = []
            for key in keys[start:start + _BATCH]:
                path = self.directory / key.subdir / key.name
                label = f"maildir:{self.directory}/{key.subdir}/{key.name}"
                try:
                    raw = read_regular_file(path)
                except FileNotFoundError:
                    continue   # moved or deleted by someone else meanwhile
                except OSError as exc:
                    batch.append(Received(None, label, key, 0, problem=f"cannot read: {exc}"))
                    continue
                batch.append(Received(raw, label, key, len(raw)))
            yield batch

    def taken_in(self, items: Sequence[Received]) -> None:
        """Move each stored message to cur/ with the flag S (seen)."""
        for item in items:
            key = item.key
            assert isinstance(key, _Key)
            base, _, info = key.name.partition(self.colon)
            flags = info[2:] if info.startswith("2,") else ""
            if key.subdir == "cur" and "S" in flags:
                continue
            target = f"{base}{self.colon}2,{''.join(sorted(set(flags + 'S')))}"
            # FileNotFoundError: someone else moved it meanwhile; it is stored either way
            with contextlib.suppress(FileNotFoundError):
                os.rename(self.directory / key.subdir / key.name,
                          self.directory / "cur" / target)
