"""What registries say of authorities, and FOI addresses with their source and date."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import duckdb

from foi.authorities import Authority
from foi.registries.records import RegistryBody
from warehouse.authorities import ImportCounts, record_addresses
from warehouse.db import rows, transaction, upsert

_RECORD_COLUMNS = ("code", "name", "short_name", "roles", "opened_on", "closed_on",
                   "successors", "tags", "url")


def import_registry_bodies(con: duckdb.DuckDBPyConnection, bodies: Sequence[RegistryBody],
                           *, source: str, fetched_at: datetime) -> ImportCounts:
    """Add bodies new to us; for known ones refresh the registry's record, keep our name,
    address and nation (a person may have set them), fill a missing kind, merge tags."""
    known = {r["id"]: r for r in rows(con, "SELECT id, name, email, nation, kind, tags, source"
                                           " FROM authorities")}
    registries = {b.record.registry for b in bodies}
    records = {(r["authority_id"], r["registry"]): r for r in rows(
        con, "SELECT * FROM authority_records WHERE list_contains($r, registry)",
        {"r": sorted(registries)})}
    authorities, new_records = [], []
    added = updated = 0
    for body in bodies:
        a, rec = body.authority, body.record
        before = known.get(a.id)
        if before is None:
            row = {"id": a.id, "name": a.name, "email": a.email, "nation": a.nation,
                   "kind": a.kind, "tags": list(a.tags), "source": source}
            added += 1
        else:
            tags = list(dict.fromkeys([*(before["tags"] or []), *a.tags]))
            row = {**before, "kind": before["kind"] or a.kind, "tags": tags}
        record = {"authority_id": a.id, "registry": rec.registry, "code": rec.code,
                  "name": rec.name, "short_name": rec.short_name, "roles": list(rec.roles),
                  "opened_on": rec.opened_on, "closed_on": rec.closed_on,
                  "successors": list(rec.successors), "tags": list(rec.tags), "url": rec.url,
                  "fetched_at": fetched_at}
        old = records.get((a.id, rec.registry))
        changed = old is None or any(old[c] != record[c] for c in _RECORD_COLUMNS)
        if before is not None and (row != before or changed):
            updated += 1
        if before is None or row != before:
            authorities.append(row)
        new_records.append(record)
    with transaction(con):
        upsert(con, "authorities", authorities)
        upsert(con, "authority_records", new_records)
    return ImportCounts(added, updated, len(bodies) - added - updated)


def link_wdtk_bodies(con: duckdb.DuckDBPyConnection,
                     bodies: Sequence[RegistryBody]) -> list[RegistryBody]:
    """Give each WhatDoTheyKnow body the id of the authority we already hold for it: the one
    linked before, else the only one of the same name (e.g. imported from ODS)."""
    linked = dict(con.execute("SELECT code, authority_id FROM authority_records"
                              " WHERE registry = 'wdtk'").fetchall())
    by_name: dict[str, list[str]] = {}
    for ident, name in con.execute("SELECT id, name FROM authorities").fetchall():
        by_name.setdefault(_name_key(name), []).append(ident)
    out = []
    for body in bodies:
        ident = linked.get(body.record.code)
        if ident is None:
            same = by_name.get(_name_key(body.record.name), [])
            ident = same[0] if len(same) == 1 else body.authority.id
        out.append(replace(body, authority=replace(body.authority, id=ident)))
    return out


def wdtk_authority(con: duckdb.DuckDBPyConnection, url_name: str, name: str) -> str | None:
    """Our authority for a WhatDoTheyKnow body: linked by url_name, same id, or same name."""
    row = con.execute("SELECT authority_id FROM authority_records WHERE registry = 'wdtk'"
                      " AND code = ?", [url_name]).fetchone()
    if row:
        return str(row[0])
    if con.execute("SELECT 1 FROM authorities WHERE id = ?", [url_name]).fetchone():
        return url_name
    same = [r[0] for r in con.execute("SELECT id, name FROM authorities").fetchall()
            if _name_key(r[1]) == _name_key(name)]
    return str(same[0]) if len(same) == 1 else None


def _name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower().replace("&", " and ")).strip()


def set_address(con: duckdb.DuckDBPyConnection, authority_id: str, email: str, *,
                source: str, on: date) -> None:
    """Give one authority a (new) FOI address, kept with its source and date."""
    with transaction(con):
        found = con.execute("UPDATE authorities SET email = ?, updated_at = current_timestamp"
                            " WHERE id = ? RETURNING id", [email, authority_id]).fetchall()
        if not found:
            raise ValueError(f"no authority {authority_id!r}: `foi authorities list` shows "
                             "their ids")
        record_addresses(con, [Authority(authority_id, "", email)], source=source, on=on)


def address_problems(con: duckdb.DuckDBPyConnection,
                     ids: Sequence[str] | None = None,
                     campaign_id: str | None = None) -> list[dict[str, Any]]:
    """Bodies with no address, a placeholder one, or a letter that bounced (one row each)."""
    return rows(con, """
        WITH chosen AS (
            SELECT * FROM v_authorities WHERE $ids IS NULL OR list_contains($ids, id)
        ), bounced AS (
            SELECT r.authority_id, r.reference, r.to_addr,
                   coalesce(r.error, min(m.subject)) AS detail
            FROM requests r LEFT JOIN messages m
              ON m.request_reference = r.reference AND m.kind = 'bounce'
            WHERE ($campaign IS NULL OR r.campaign_id = $campaign)
            GROUP BY r.authority_id, r.reference, r.to_addr, r.error, r.status
            HAVING count(m.id) > 0 OR r.status IN ('delivery_failed', 'error_message')
        )
        SELECT id, name, coalesce(email, '') AS email, 'no address' AS problem,
               'no FOI address known' AS detail, NULL AS reference
        FROM chosen WHERE address = 'none'
        UNION ALL
        SELECT id, name, email, 'placeholder address',
               'reserved domain, never delivered (source ' || coalesce(email_source, '?') || ')',
               NULL
        FROM chosen WHERE address = 'placeholder'
        UNION ALL
        SELECT c.id, c.name, coalesce(c.email, ''), 'bounced',
               'letter to ' || coalesce(b.to_addr, '?') || ' bounced: '
                   || coalesce(b.detail, 'no detail')
                   || CASE WHEN b.to_addr IS DISTINCT FROM c.email AND c.email IS NOT NULL
                           THEN ' (address changed since: now ' || c.email || ')' ELSE '' END,
               b.reference
        FROM chosen c JOIN bounced b ON b.authority_id = c.id
        ORDER BY 1, 4
    """, {"ids": list(ids) if ids is not None else None, "campaign": campaign_id})
