"""What every flow run shares: its name on the warehouse lock, retries when the warehouse is
busy, and the task runner that spreads document reading."""

from __future__ import annotations

import os
from typing import Any

from prefect import get_run_logger
from prefect.runtime import flow_run
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from warehouse.access import WarehouseBusy


def _busy(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a task only when it failed because the warehouse stayed locked."""
    try:
        state.result()
    except WarehouseBusy as exc:
        get_run_logger().warning("warehouse busy, will retry: %s", exc)
        return True
    except Exception:
        return False
    return False


# Each attempt already waits up to [warehouse] wait_seconds for the lock; these retries
# cover a reader holding the file for longer, and then give up with the cause.
RETRY_WHEN_BUSY: dict[str, Any] = {"retries": 2, "retry_delay_seconds": [30, 120],
                                   "retry_condition_fn": _busy}


def name_this_run() -> None:
    """Let a run queued behind this one say who it is waiting for."""
    os.environ["FOI_RUN_NAME"] = f"flow run {flow_run.name} of {flow_run.flow_name}"


def reading_batches() -> int:
    """How many batches a run's new documents are read in: $FOI_READERS, else one per core."""
    return max(1, int(os.environ.get("FOI_READERS") or os.cpu_count() or 1))


def document_task_runner() -> TaskRunner:
    """Threads on this machine, or a Dask cluster when $FOI_DASK_ADDRESS names one
    ("local" starts one here; a remote cluster's workers need the Dask setting
    distributed.worker.daemon = False and the workspace's store/ mounted): scaling out needs
    no change to the flows."""
    address = os.environ.get("FOI_DASK_ADDRESS")
    if not address:
        return ThreadPoolTaskRunner(max_workers=reading_batches())
    import dask  # only where Dask is asked for
    from prefect_dask import DaskTaskRunner

    if address != "local":
        return DaskTaskRunner(address=address)   # its workers need distributed.worker.daemon
    # Each document is read in a child process of its own: Dask's workers may not be daemons.
    dask.config.set({"distributed.worker.daemon": False})
    return DaskTaskRunner(cluster_kwargs={"n_workers": reading_batches(),
                                          "threads_per_worker": 1})
