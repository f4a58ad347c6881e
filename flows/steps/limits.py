"""The caps on each worker process that reads an untrusted file ([extract] in foi.toml)."""

from __future__ import annotations

from dataclasses import dataclass

from foi.workspace import Workspace


@dataclass(frozen=True)
class ReadingLimits:
    """The caps on one document's worker process ([extract] in foi.toml)."""

    timeout_s: float = 60
    memory_mb: int = 1024
    max_pages: int = 500


def reading_limits(workspace: Workspace) -> ReadingLimits:
    """The workspace's reading limits."""
    return ReadingLimits(float(workspace.setting("extract", "timeout_seconds", 60)),
                         int(workspace.setting("extract", "memory_mb", 1024)),
                         int(workspace.setting("extract", "max_pages", 500)))
