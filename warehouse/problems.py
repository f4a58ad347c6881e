"""Rejected input, kept with its reason so nothing is lost silently."""

from __future__ import annotations

import duckdb


def record_problem(con: duckdb.DuckDBPyConnection, stage: str, item: str, reason: str) -> None:
    """Keep why one piece of input (a file, message, document) was rejected."""
    con.execute("INSERT INTO problems (stage, item, reason) VALUES (?, ?, ?)",
                [stage, item, reason])

