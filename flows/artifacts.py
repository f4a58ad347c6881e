"""Prefect artifacts that show a person how work is going and what a run did."""

from __future__ import annotations

from collections.abc import Callable

from prefect import get_run_logger
from prefect.artifacts import (
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)


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


def run_summary(key: str, title: str, counts: dict[str, int]) -> dict[str, int]:
    """Log what a run did and keep it as a table artifact; returns the counts."""
    get_run_logger().info("%s: %s", title, ", ".join(f"{k.replace('_', ' ')} {v}"
                                                    for k, v in counts.items()))
    create_table_artifact(key=key, description=title,
                          table=[{"what": k.replace("_", " "), "count": v}
                                 for k, v in counts.items()])
    return counts
