"""Prefect artifacts that show a person how long work is going."""

from __future__ import annotations

from collections.abc import Callable

from prefect.artifacts import create_progress_artifact, update_progress_artifact


def progress_artifact(key: str, description: str) -> Callable[[int, int, str], None]:
    """A progress callback (done, total, item) that keeps a progress artifact up to date."""
    artifact_id = create_progress_artifact(progress=0.0, key=key, description=description)
    last = [0.0]

    def update(done: int, total: int, item: str) -> None:
        percent = 100.0 * done / total if total else 100.0
        if percent - last[0] >= 5 or done == total:  # every 5%: each update is an API call
            update_progress_artifact(artifact_id=artifact_id, progress=percent)
            last[0] = percent
    return update
