"""Campaigns and their questions in the warehouse."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from warehouse.db import WarehouseError, transaction, upsert

if TYPE_CHECKING:
    from foi.campaigns import Campaign


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
             "yes_means": q.yes_means, "unit": q.unit}
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
    # Parsing needs pydantic's models: `foi status` and `foi sql` only check the id.
    from foi.campaigns import parse_campaign

    return parse_campaign(_definition(con, campaign_id), f"campaign {campaign_id}")


def require_campaign(con: duckdb.DuckDBPyConnection, campaign_id: str) -> None:
    """Raise, naming the campaigns there are, unless the campaign is stored."""
    _definition(con, campaign_id)


def _definition(con: duckdb.DuckDBPyConnection, campaign_id: str) -> str:
    row = con.execute("SELECT definition FROM campaigns WHERE id = ?", [campaign_id]).fetchone()
    if row is None:
        known = [r[0] for r in con.execute("SELECT id FROM campaigns ORDER BY id").fetchall()]
        raise WarehouseError(
            f"no campaign {campaign_id!r}; known: {', '.join(known) or 'none (foi campaign add)'}"
        )
    return row[0]


def campaign_prefixes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Reference prefix -> campaign id."""
    return dict(con.execute("SELECT reference_prefix, id FROM campaigns").fetchall())
