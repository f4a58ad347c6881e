"""The raw store: bytes kept forever under their sha256."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def sha256(data: bytes) -> str:
    """Hex sha256 of the bytes."""
    return hashlib.sha256(data).hexdigest()


def put(root: Path, kind: str, data: bytes, suffix: str = "") -> tuple[str, Path]:
    """Store bytes once by content; returns (sha256, path relative to root)."""
    digest = sha256(data)
    rel = Path(kind) / digest[:2] / f"{digest}{suffix}"
    target = root / rel
    if not target.exists():
        write_atomically(target, data)
    return digest, rel


def mark(root: Path, kind: str, name: str) -> None:
    """Leave an empty marker named for something (e.g. a letter's Message-ID); it outlives a
    killed process, so a re-run can tell whether a step was ever reached."""
    target = _marker(root, kind, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.touch()


def marked(root: Path, kind: str, name: str) -> bool:
    """Whether the marker was left."""
    return _marker(root, kind, name).exists()


def _marker(root: Path, kind: str, name: str) -> Path:
    digest = sha256(name.encode("utf-8"))
    return root / kind / digest[:2] / digest


def write_atomically(target: Path, data: bytes) -> None:
    """Write a file so readers never see it half written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
