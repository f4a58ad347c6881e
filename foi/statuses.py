"""Request statuses and the timeline events that move a request between them."""

from __future__ import annotations

STATUSES = (
    "sending", "awaiting_response", "waiting_clarification", "extended", "successful",
    "partially_successful", "not_held", "refused", "internal_review", "error_message",
    "withdrawn",
)
OPEN = ("sending", "awaiting_response", "waiting_clarification", "extended")
RESPONDED = ("successful", "partially_successful", "not_held", "refused", "internal_review")
# Requests still expecting correspondence from the authority (for matching by sender).
EXPECTING_MAIL = (*OPEN, "internal_review")

# Events a person (or a reply) records, and the status each one leaves the request in;
# None keeps the status as it is.
EVENT_STATUS: dict[str, str | None] = {
    "acknowledged": None,
    "clarification_requested": "waiting_clarification",
    "clarification_received": "awaiting_response",
    "fees_notice": None,
    "fees_paid": None,
    "extended": "extended",
    "successful": "successful",
    "partially_successful": "partially_successful",
    "not_held": "not_held",
    "refused": "refused",
    "internal_review": "internal_review",
    "withdrawn": "withdrawn",
    "note": None,
}
RESPONSE_EVENTS = ("successful", "partially_successful", "not_held", "refused")


class EventError(ValueError):
    """An event that cannot be recorded for this request."""


def status_after(kind: str, current: str) -> str:
    """The status a request has after an event of this kind."""
    if kind not in EVENT_STATUS:
        raise EventError(f"unknown event {kind!r}; use one of {', '.join(EVENT_STATUS)}")
    if current == "withdrawn" and kind != "note":
        raise EventError("the request was withdrawn; only a note can be added")
    if kind == "internal_review" and current not in RESPONDED:
        raise EventError(f"an internal review follows a response; the request is {current}")
    return EVENT_STATUS[kind] or current


def status_from_events(kinds: list[str]) -> str:
    """A request's status from its timeline's event kinds, oldest first (for when an event
    is taken back)."""
    status = "sending"
    for kind in kinds:
        if kind == "sent":
            status = "awaiting_response"
        elif kind in ("send_failed", "delivery_failed"):
            status = "error_message"
        elif kind in EVENT_STATUS:
            try:
                status = status_after(kind, status)
            except EventError:
                continue
    return status
