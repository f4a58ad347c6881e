"""Authorities, campaigns and questions in the warehouse."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb

from foi.authorities import Authority
from foi.campaigns import Campaign, parse_campaign
from warehouse.db import WarehouseError, rows, transaction, upsert


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


def save_campaign(con: duckdb.DuckDBPyConnection, campaign: Campaign, definition: str) -> bool:
    """Store a campaign and its questions; True when it was new."""
    clash = con.execute(
        "SELECT id FROM campaigns WHERE reference_prefix = ? AND id <> ?",
        [campaign.reference_prefix, campaign.id],
    ).fetchone()
    if clash:
        raise WarehouseError(
            f"reference_prefix {campaign.reference_prefix!r} is already used by campaign "
            f"{clash[0]!r}: choose another so references stay unique"
        )
    old = con.execute("SELECT 1 FROM campaigns WHERE id = ?", [campaign.id]).fetchone()
    if old:
        _refuse_dropping_answered_questions(con, campaign)
    with transaction(con):
        con.execute("DELETE FROM questions WHERE campaign_id = ?", [campaign.id])
        con.execute("DELETE FROM campaigns WHERE id = ?", [campaign.id])
        con.execute(
            "INSERT INTO campaigns (id, title, reference_prefix, regime, authority_noun,"
            " authority_noun_plural, sender_name, sender_email, definition)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [campaign.id, campaign.title, campaign.reference_prefix, campaign.regime,
             campaign.authority_noun, campaign.authority_noun_plural, campaign.sender.name,
             campaign.sender.email, definition],
        )
        upsert(con, "questions", [
            {"campaign_id": campaign.id, "number": n, "key": q.key, "text": q.text,
             "type": q.type, "choices": list(q.choices), "only_if": q.only_if,
             "yes_means": q.yes_means}
            for n, q in campaign.numbered()
        ])
    return not old


def _refuse_dropping_answered_questions(con: duckdb.DuckDBPyConnection, campaign: Campaign) -> None:
    keys = {q.key for q in campaign.questions}
    answered = {
        r[0] for r in con.execute(
            "SELECT DISTINCT a.question_key FROM answers a JOIN requests r"
            " ON r.reference = a.request_reference WHERE r.campaign_id = ?", [campaign.id]
        ).fetchall()
    }
    lost = sorted(answered - keys)
    if lost:
        raise WarehouseError(
            f"campaign {campaign.id}: the new file drops question(s) {', '.join(lost)} that "
            "already have answers; keep their keys (you may reword their text)"
        )


def load_campaign(con: duckdb.DuckDBPyConnection, campaign_id: str) -> Campaign:
    """The campaign as stored, validated again from its definition."""
    row = con.execute("SELECT definition FROM campaigns WHERE id = ?", [campaign_id]).fetchone()
    if row is None:
        known = [r[0] for r in con.execute("SELECT id FROM campaigns ORDER BY id").fetchall()]
        raise WarehouseError(
            f"no campaign {campaign_id!r}; known: {', '.join(known) or 'none (foi campaign add)'}"
        )
    return parse_campaign(row[0], f"campaign {campaign_id}")


def campaign_prefixes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Reference prefix -> campaign id."""
    return dict(con.execute("SELECT reference_prefix, id FROM campaigns").fetchall())
