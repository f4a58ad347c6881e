"""Exporting a campaign's published tables as CSV, Parquet or JSON files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from reports.exports import (
    DATA_RETURN_TABLES,
    FORMATS,
    TABLES,
    campaign_tables,
    write_table,
)
from warehouse.campaigns import load_campaign


def export_campaign(con: duckdb.DuckDBPyConnection, campaign_id: str, fmt: str, out: Path,
                    tables: Sequence[str] | None = None) -> list[Path]:
    """Write the named tables (default: every table the campaign has) to
    out/<campaign>-<table>.<fmt>; returns the paths written."""
    if fmt not in FORMATS:
        raise ValueError(f"--format {fmt!r}: use {', '.join(FORMATS)}")
    unknown = [t for t in tables or () if t not in TABLES]
    if unknown:
        raise ValueError(f"--table {unknown[0]!r}: use {', '.join(TABLES)}")
    load_campaign(con, campaign_id)
    built = campaign_tables(con, campaign_id)
    missing = [t for t in tables or () if t not in built]
    if missing:
        raise ValueError(f"--table {missing[0]!r}: campaign {campaign_id!r} asks no `table` "
                         f"question, so it has no {', '.join(DATA_RETURN_TABLES)}")
    tables = tables or list(built)
    out.mkdir(parents=True, exist_ok=True)
    return [write_table(built[t], fmt, out / f"{campaign_id}-{t}.{fmt}") for t in tables]
