"""Requests sent elsewhere (a spreadsheet, WhatDoTheyKnow), read from CSV to be tracked."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from foi.authorities import RowError

CHANNELS = ("email", "whatdotheyknow", "post", "portal", "other")
_REFERENCE = re.compile(r"^[A-Z][A-Z0-9]{1,9}-[A-Z0-9]{1,8}$")


@dataclass(frozen=True)
class ImportedRequest:
    """One row of a requests file."""

    line: int
    authority_id: str
    sent_on: date
    reference: str | None
    channel: str
    url: str | None


def parse_sent_on(text: str) -> date:
    """An ISO date (2016-04-04) or a UK one (04/04/2016)."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"sent_on {text!r} is not a date (use 2016-04-04 or 04/04/2016)")


def parse_requests_csv(text: str) -> tuple[list[ImportedRequest], list[RowError]]:
    """Rows `authority_id,sent_on[,reference,channel,url]`; bad rows reported by line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    missing = [c for c in ("authority_id", "sent_on") if c not in columns]
    if missing:
        raise ValueError(f"missing column(s) {', '.join(missing)}: the header must be "
                         "authority_id,sent_on[,reference,channel,url]")
    reader.fieldnames = columns
    found: list[ImportedRequest] = []
    errors: list[RowError] = []
    for row in reader:
        values = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
        try:
            found.append(_request(reader.line_num, values))
        except ValueError as exc:
            errors.append(RowError(reader.line_num, str(exc)))
    return found, errors


def _request(line: int, values: dict[str, str]) -> ImportedRequest:
    authority_id = values.get("authority_id", "")
    if not authority_id:
        raise ValueError("authority_id is empty")
    sent_on = parse_sent_on(values.get("sent_on", ""))
    if sent_on > date.today():
        raise ValueError(f"sent_on {sent_on} is in the future")
    reference = values.get("reference", "").upper() or None
    if reference and not _REFERENCE.match(reference):
        raise ValueError(f"reference {reference!r} must look like QOF16-00C")
    channel = values.get("channel", "").lower() or "email"
    if channel not in CHANNELS:
        raise ValueError(f"channel {channel!r} must be one of {', '.join(CHANNELS)}")
    url = values.get("url") or None
    if url and not url.startswith(("http://", "https://")):
        raise ValueError(f"url {url!r} must start with http:// or https://")
    return ImportedRequest(line, authority_id, sent_on, reference, channel, url)
