"""What every writing flow run shares: its name on the warehouse lock, retries when busy."""

from __future__ import annotations

import os
from typing import Any

from prefect import get_run_logger
from prefect.runtime import flow_run

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
