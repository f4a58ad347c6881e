"""What an incoming message does to its request: the timeline event its kind calls for, so
the status and the statutory clock follow, and a person's reclassification undoing it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import duckdb

from foi.mail.incoming import IncomingMessage
from foi.mail.kinds import KINDS
from foi.references import find_references
from foi.statuses import EXPECTING_MAIL, OPEN, EventError, status_from_events
from warehouse.campaigns import campaign_prefixes
from warehouse.clock import clock_objection, refresh_deadlines
from warehouse.db import WarehouseError, rows, transaction
from warehouse.mail import stored_message
from warehouse.problems import record_problem
from warehouse.requests import add_events
from warehouse.timeline import record_event

# The timeline event each kind of message records.
EVENT_OF_KIND = {
    "reply": "response_received", "auto_reply": "auto_reply", "bounce": "delivery_failed",
    "delivery_delay": "delivery_delayed", "acknowledgement": "acknowledged",
    "clarification": "clarification_requested", "extension": "extended",
    "fee_notice": "fees_notice",
}
# Those that move the status or the clock (through warehouse.timeline).
_CLOCK_KINDS = ("clarification", "extension", "fee_notice", "acknowledgement")
_LONDON = ZoneInfo("Europe/London")  # FOI days are UK days


def note_arrival(con: duckdb.DuckDBPyConnection, reference: str, message_sha: str,
                 message: IncomingMessage, method: str | None = None) -> None:
    """Record on the request's timeline what the message is (an auto-reply never moves the
    clock; a clarification request stops it; an extension or fees notice changes it)."""
    on = message.dated or datetime.now(UTC)
    detail = " — ".join(p for p in (message.subject[:150], message.evidence[:300],
                                     f"matched by {method}" if method else "") if p)
    status = con.execute("SELECT status FROM requests WHERE reference = ?",
                         [reference]).fetchone()[0]
    event = EVENT_OF_KIND.get(message.kind, "response_received")
    if message.kind == "extension" and message.until is None:
        event = "note"  # an extension notice that gives no date: a person has to read it
    objection = clock_objection(con, reference, event, _day(on), message.until)
    if objection:  # e.g. an extension beyond the cap: kept as a note for a person to judge
        event, detail = "note", f"{detail} — not applied to the clock: {objection}"
    with transaction(con):
        if objection:
            record_problem(con, "ingest", reference,
                           f"{message.kind} in message {message_sha[:12]}: {objection}")
        if message.kind in _CLOCK_KINDS and status in EXPECTING_MAIL:
            try:
                record_event(con, reference, event, on=_day(on), until=message.until,
                             detail=detail, message_id=message_sha)
            except EventError as exc:
                record_problem(con, "ingest", reference, f"{event} not recorded: {exc}")
        else:
            add_events(con, [{"request_reference": reference, "happened_at": on,
                              "kind": event, "detail": detail, "message_id": message_sha}])
        if message.kind == "bounce" and status in OPEN:
            con.execute("UPDATE requests SET status = 'error_message', error = ?"
                        " WHERE reference = ?", [f"delivery failed: {message.evidence}",
                                                 reference])
        ours = find_references(message.case_reference or "", campaign_prefixes(con))
        if message.case_reference and not ours:
            con.execute("UPDATE requests SET authority_reference = coalesce("
                        "authority_reference, ?) WHERE reference = ?",
                        [message.case_reference, reference])


def reclassify(con: duckdb.DuckDBPyConnection, message: str, kind: str, *, author: str,
               reason: str, until: date | None = None,
               case_reference: str | None = None) -> dict:
    """A person's reading of a message (its id or first 8+ characters): the events the old
    reading recorded are taken back, the new kind's recorded; returns the message row."""
    if kind not in KINDS:
        raise WarehouseError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    if not reason.strip():
        raise WarehouseError("say why (--reason): the reading it replaces had its evidence")
    found = rows(con, "SELECT id, request_reference FROM messages WHERE direction = 'incoming'"
                      " AND starts_with(id, ?)", [message.lower()])
    if len(message) < 8 or len(found) != 1:
        raise WarehouseError(f"no single incoming message starts with {message!r} "
                             "(give 8 or more characters of its id, see `foi held`)")
    sha, reference = found[0]["id"], found[0]["request_reference"]
    with transaction(con):
        con.execute("UPDATE messages SET kind = ?, kind_evidence = ?, kind_set_by = ?,"
                    " until_on = ?, case_reference = coalesce(?, case_reference)"
                    " WHERE id = ?", [kind, f"set by {author}: {reason}", author, until,
                                      case_reference, sha])
        if reference:
            con.execute("DELETE FROM events WHERE message_id = ?", [sha])
            kinds = [r[0] for r in con.execute(
                "SELECT kind FROM events WHERE request_reference = ? ORDER BY happened_at, id",
                [reference]).fetchall()]
            status = status_from_events(kinds)
            con.execute("UPDATE requests SET status = ?, error = CASE WHEN ? = 'error_message'"
                        " THEN error END WHERE reference = ?", [status, status, reference])
            note_arrival(con, reference, sha, stored_message(con, sha))
            refresh_deadlines(con, [reference])
    return rows(con, "SELECT * FROM messages WHERE id = ?", [sha])[0]


def _day(when: datetime) -> date:
    return when.astimezone(_LONDON).date() if when.tzinfo else when.date()
