"""Authorities in the warehouse: imported, updated, listed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb

from foi.authorities import Authority
from warehouse.db import rows, transaction, upsert


@dataclass(frozen=True)
class ImportCounts:
    """What an import changed."""

    added: int
    updated: int
    unchanged: int


def import_authorities(
    con: duckdb.DuckDBPyConnection, authorities: Sequence[Authority], source: str
) -> ImportCounts:
    """Add new authorities and update changed ones, keyed by id; never duplicates."""
    existing = {
        r["id"]: r for r in rows(con, "SELECT id, name, email, nation, kind, tags FROM authorities")
    }
    added = updated = 0
    changed = []
    for a in authorities:
        row = {"id": a.id, "name": a.name, "email": a.email, "nation": a.nation,
               "kind": a.kind, "tags": list(a.tags)}
        before = existing.get(a.id)
        if before is None:
            added += 1
        elif before == row:
            continue
        else:
            updated += 1
        changed.append({**row, "source": source})
    with transaction(con):
        upsert(con, "authorities", changed)
        record_addresses(con, authorities, source=source, on=date.today())
    return ImportCounts(added, updated, len(authorities) - added - updated)


def record_addresses(con: duckdb.DuckDBPyConnection, authorities: Sequence[Authority],
                     *, source: str, on: date) -> int:
    """Note each authority's address as given by `source` on `on`; returns how many are new."""
    given = [(a.id, a.email) for a in authorities if a.email]
    if not given:
        return 0
    known = {(r[0], r[1]) for r in con.execute(
        "SELECT authority_id, email FROM authority_addresses").fetchall()}
    new = [{"authority_id": i, "email": e, "source": source, "noted_on": on,
            "last_seen_on": on} for i, e in given if (i, e) not in known]
    seen = [{"authority_id": i, "email": e} for i, e in given if (i, e) in known]
    with transaction(con):
        upsert(con, "authority_addresses", new)
        if seen:
            con.execute(
                "UPDATE authority_addresses SET last_seen_on = greatest(last_seen_on, $on)"
                " FROM (SELECT unnest($s) AS s) WHERE authority_id = s.authority_id"
                " AND email = s.email", {"on": on, "s": seen})
    return len(new)


def load_authorities(con: duckdb.DuckDBPyConnection) -> list[Authority]:
    """Every authority in the registry, by id."""
    return [
        Authority(r["id"], r["name"], r["email"], r["nation"], r["kind"], tuple(r["tags"] or ()))
        for r in rows(con, "SELECT * FROM authorities ORDER BY id")
    ]
