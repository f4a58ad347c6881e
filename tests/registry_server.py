"""A real HTTP server on loopback answering as NHS ODS (ORD 2-0-0) and WhatDoTheyKnow do.

The answers are written from the services' documented formats: ORD's organisation list
(`{"Organisations": [...]}`, `X-Total-Count`, `Limit`/`Offset`, `PrimaryRoleId`,
`NonPrimaryRoleId`, `Status`) and
organisation records (`Date`, `Roles`, `Succs`); WhatDoTheyKnow's all-authorities.csv, a
request's `.json` with `info_request_events`, its page linking attachments under
`/request/<id>/response/<msg id>/attach/<n>/<filename>`. Faults can be injected: the first
N answers of a path replaced by 429 or 503.
"""

from __future__ import annotations

import csv
import io
import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

ROOT_OID = "2.16.840.1.113883.2.1.3.2.4.18.48"
MAX_LIMIT = 500   # the server's own page cap, below what the client asks for


def org_id(code: str) -> dict[str, str]:
    return {"root": ROOT_OID, "assigningAuthorityName": "HSCIC", "extension": code}


def span(start: str, end: str | None = None, kind: str = "Operational") -> dict[str, str]:
    d = {"Type": kind, "Start": start}
    if end:
        d["End"] = end
    return d


@dataclass
class Org:
    """One organisation as ODS holds it."""

    code: str
    name: str
    primary: str                                  # primary role id
    start: str
    end: str | None = None
    roles: list[tuple[str, str, str | None]] = field(default_factory=list)  # extra roles
    successors: list[str] = field(default_factory=list)
    predecessors: list[str] = field(default_factory=list)
    country: str = "ENGLAND"

    @property
    def status(self) -> str:
        return "Inactive" if self.end else "Active"

    def role_ids(self) -> list[str]:
        return [self.primary, *(r[0] for r in self.roles)]

    def summary(self, base: str) -> dict[str, Any]:
        return {"Name": self.name, "OrgId": self.code, "Status": self.status,
                "OrgRecordClass": "RC1", "PostCode": "DL1 5AU", "LastChangeDate": "2022-07-01",
                "PrimaryRoleId": self.primary, "PrimaryRoleDescription": "",
                "OrgLink": f"{base}/organisations/{self.code}"}

    def record(self) -> dict[str, Any]:
        dates = [span(self.start, self.end, "Legal"), span(self.start, self.end)]
        roles = [{"id": self.primary, "uniqueRoleId": 1, "primaryRole": True,
                  "Date": [span(self.start, self.end)], "Status": self.status}]
        roles += [{"id": rid, "uniqueRoleId": 2 + n, "primaryRole": False,
                   "Date": [span(s, e)], "Status": "Inactive" if e else "Active"}
                  for n, (rid, s, e) in enumerate(self.roles)]
        succs = [{"uniqueSuccId": 10 + n, "Date": [span(self.end or self.start, None, "Legal")],
                  "Type": "Successor",
                  "Target": {"OrgId": org_id(c), "PrimaryRoleId": {"id": "RO261",
                                                                   "uniqueRoleId": 99}}}
                 for n, c in enumerate(self.successors)]
        succs += [{"uniqueSuccId": 50 + n, "Date": [span(self.start, None, "Legal")],
                   "Type": "Predecessor",
                   "Target": {"OrgId": org_id(c), "PrimaryRoleId": {"id": "RO98",
                                                                    "uniqueRoleId": 98}}}
                  for n, c in enumerate(self.predecessors)]
        org: dict[str, Any] = {
            "Name": self.name, "Date": dates, "OrgId": org_id(self.code), "Status": self.status,
            "LastChangeDate": "2022-07-01", "orgRecordClass": "RC1",
            "GeoLoc": {"Location": {"AddrLn1": "1 HIGH STREET", "Town": "SOMEWHERE",
                                    "PostCode": "DL1 5AU", "Country": self.country}},
            "Roles": {"Role": roles}}
        if succs:
            # ORD gives a lone object, not a list, where there is only one.
            org["Succs"] = {"Succ": succs if len(succs) > 1 else succs[0]}
        return {"Organisation": org}


def ods_organisations(extra_ccgs: int = 0) -> list[Org]:
    """Darlington CCG (closed 2022, succeeded by the ICB), two Durham CCGs merged in 2020 into
    County Durham CCG, that ICB (a strategic partnership since 2016 whose ICB role began
    2022-07-01), a Welsh health board, two trusts; and `extra_ccgs` made-up CCGs."""
    orgs = [
        Org("00C", "NHS DARLINGTON CCG", "RO98", "2013-04-01", "2022-06-30",
            successors=["QHM"]),
        Org("00D", "NHS DURHAM DALES, EASINGTON AND SEDGEFIELD CCG", "RO98", "2013-04-01",
            "2020-03-31", successors=["84H"]),
        Org("00J", "NHS NORTH DURHAM CCG", "RO98", "2013-04-01", "2020-03-31",
            successors=["84H"]),
        Org("84H", "NHS COUNTY DURHAM CCG", "RO98", "2020-04-01", "2022-06-30",
            successors=["QHM"], predecessors=["00D", "00J"]),
        Org("QHM", "NHS NORTH EAST AND NORTH CUMBRIA INTEGRATED CARE BOARD", "RO261",
            "2016-03-01", roles=[("RO314", "2016-03-01", "2022-06-30"),
                                 ("RO318", "2022-07-01", None)],
            predecessors=["00C", "84H"]),
        Org("7A1", "BETSI CADWALADR UNIVERSITY LHB", "RO144", "2009-10-01", country="WALES"),
        # a foundation trust is an NHS trust (primary RO197) with the non-primary role RO57
        Org("RXP", "COUNTY DURHAM AND DARLINGTON NHS FOUNDATION TRUST", "RO197", "2002-07-01",
            roles=[("RO57", "2002-07-01", None)]),
        Org("RR7", "GATESHEAD HEALTH NHS FOUNDATION TRUST", "RO197", "2005-01-01",
            roles=[("RO57", "2005-01-01", None)]),
        Org("RLN", "CITY HOSPITALS SUNDERLAND NHS FOUNDATION TRUST", "RO197", "2004-07-01",
            "2019-03-31", roles=[("RO57", "2004-07-01", "2019-03-31")], successors=["R0B"]),
        Org("RX3", "TEES, ESK AND WEAR VALLEYS NHS TRUST", "RO197", "2006-04-01"),
    ]
    orgs += [Org(f"Z{n:04d}", f"NHS TEST CCG NUMBER {n}", "RO98", "2013-04-01",
                 "2022-06-30" if n % 2 else None) for n in range(extra_ccgs)]
    return orgs


@dataclass
class Site:
    """What the server holds and what it was asked."""

    orgs: list[Org] = field(default_factory=list)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)   # path -> (type, body)
    faults: dict[str, list[int]] = field(default_factory=dict)   # path -> statuses to answer
    hits: Counter[str] = field(default_factory=Counter)
    agents: set[str] = field(default_factory=set)
    base: str = ""

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict, bytes]:
        self.hits[path] += 1
        if self.faults.get(path):
            status = self.faults[path].pop(0)
            return status, {"Retry-After": "0"} if status == 429 else {}, b"busy"
        if path in self.files:
            ctype, body = self.files[path]
            return 200, {"Content-Type": ctype}, body
        if path == "/ORD/2-0-0/organisations":
            return self._list(query)
        prefix = "/ORD/2-0-0/organisations/"
        if path.startswith(prefix):
            code = path[len(prefix):]
            for org in self.orgs:
                if org.code == code:
                    return 200, _json_type(), json.dumps(org.record()).encode()
            return 404, _json_type(), json.dumps({"errorCode": 404,
                                                  "errorText": "Not found"}).encode()
        return 404, {"Content-Type": "text/plain"}, b"not found"

    def _list(self, query: dict[str, list[str]]) -> tuple[int, dict, bytes]:
        unknown = set(query) - {"PrimaryRoleId", "NonPrimaryRoleId", "Status", "Limit", "Offset"}
        if unknown:   # as ORD does, a parameter it does not know is an error
            return 406, _json_type(), json.dumps({"errorCode": 406, "errorText":
                                                  f"Invalid parameter {sorted(unknown)}"}).encode()
        primary = query.get("PrimaryRoleId", [None])[0]
        other = query.get("NonPrimaryRoleId", [None])[0]
        status = query.get("Status", [None])[0]
        limit = min(int(query.get("Limit", ["20"])[0]), MAX_LIMIT)
        offset = int(query.get("Offset", ["0"])[0])
        chosen = [o for o in self.orgs if (primary is None or o.primary == primary)
                  and (other is None or other in o.role_ids()[1:])
                  and (status is None or o.status == status)]
        page = chosen[offset:offset + limit]
        body = {"Organisations": [o.summary(self.base + "/ORD/2-0-0") for o in page]}
        return 200, {**_json_type(), "X-Total-Count": str(len(chosen))}, json.dumps(body).encode()


def _json_type() -> dict[str, str]:
    return {"Content-Type": "application/json; charset=utf-8"}


@contextmanager
def serve(site: Site) -> Iterator[Site]:
    """Run the site on a loopback port until the block ends; site.base is its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            site.agents.add(self.headers.get("User-Agent", ""))
            status, headers, body = site.answer(unquote(parts.path), parse_qs(parts.query))
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


WDTK_COLUMNS = ("Name,Short name,URL name,Tags,Home page,Publication scheme,Disclosure log,"
                "Notes,Created at,Updated at,Version")


def wdtk_authorities_csv() -> bytes:
    """all-authorities.csv as WhatDoTheyKnow writes it (no request email: it is not public)."""
    rows = [
        ('NHS Darlington CCG', 'Darlington CCG', 'nhs_darlington_ccg', 'ccg NHS ons:E38000042',
         'http://www.darlingtonccg.nhs.uk', '', '', '', '2013-04-02 10:00:00 +0100',
         '2022-07-01 09:00:00 +0100', '7'),
        ('County Durham and Darlington NHS Foundation Trust', 'CDDFT', 'cddft',
         'NHS foundation_trust', 'https://www.cddft.nhs.uk', '', '', '',
         '2008-02-20 10:00:00 +0000', '2021-01-05 10:00:00 +0000', '12'),
        ('Darlington Borough Council', '', 'darlington_borough_council', 'local_council',
         'https://www.darlington.gov.uk', '', '', 'A unitary authority, with "notes"', '', '',
         '3'),
        ('Evil Body\r\nBcc: someone@else.example', '', 'evil_body', 'ccg', '', '', '', '', '',
         '', '1'),
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(WDTK_COLUMNS.split(","))
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def wdtk_request(site: Site, reply_pdf: bytes, breakdown_csv: bytes) -> str:
    """A request to NHS Darlington CCG with an acknowledgement and a reply with two
    attachments; returns its URL."""
    request = {
        "id": 301, "url_title": "qof_alternatives_darlington",
        "title": "Local alternatives to QOF", "created_at": "2016-04-04T09:12:00.000+01:00",
        "updated_at": "2016-05-03T15:00:00.000+01:00", "described_state": "successful",
        "display_status": "Successful.", "awaiting_description": False,
        "prominence": "normal", "law_used": "foi", "tags": [],
        "user": {"id": 5, "url_name": "alex_reporter", "name": "Alex Reporter"},
        "public_body": {"id": 9, "url_name": "nhs_darlington_ccg", "name": "NHS Darlington CCG",
                        "short_name": "Darlington CCG", "tags": [["ccg", None]]},
        "info_request_events": [
            {"id": 1, "event_type": "sent", "created_at": "2016-04-04T09:12:00.000+01:00",
             "described_state": None, "calculated_state": "waiting_response",
             "incoming_message_id": None, "outgoing_message_id": 77, "comment_id": None,
             "display_status": "Awaiting response."},
            {"id": 2, "event_type": "response", "created_at": "2016-04-06T11:00:00.000+01:00",
             "described_state": "waiting_response", "incoming_message_id": 4001,
             "outgoing_message_id": None, "comment_id": None,
             "display_status": "Awaiting response."},
            {"id": 3, "event_type": "response", "created_at": "2016-05-03T14:30:00.000+01:00",
             "described_state": "successful", "incoming_message_id": 4002,
             "outgoing_message_id": None, "comment_id": None, "display_status": "Successful."},
            {"id": 4, "event_type": "status_update", "created_at": "2016-05-04T08:00:00.000+01:00",
             "described_state": "successful", "incoming_message_id": None,
             "outgoing_message_id": None, "comment_id": None},
        ],
    }
    page = """<!DOCTYPE html><html><body><div id="wrapper">
<div class="outgoing correspondence" id="outgoing-77"><div class="correspondence_text">
<p>Dear NHS Darlington CCG, please tell me ...</p></div></div>
<div class="incoming correspondence" id="incoming-4001"><div class="correspondence_text">
<p>Thank you for your request. We will reply within 20 working days. Our reference FOI 16/123.
</p></div></div>
<div class="incoming correspondence" id="incoming-4002"><div class="correspondence_text">
<p>Dear Alex,</p><p>Please find our response attached &lt;script&gt;alert(1)&lt;/script&gt;.</p>
<ul class="list-of-attachments">
<li><a href="/request/301/response/4002/attach/2/QOF%20reply.pdf?cookie_passthrough=1">
QOF reply.pdf</a> <a href="/request/301/response/4002/attach/html/2/QOF%20reply.pdf.html">
View as HTML</a></li>
<li><a href="/request/301/response/4002/attach/3/breakdown.csv">breakdown.csv</a></li>
</ul></div></div></div></body></html>"""
    site.files["/request/qof_alternatives_darlington.json"] = (
        "application/json", json.dumps(request).encode())
    site.files["/request/qof_alternatives_darlington"] = ("text/html; charset=utf-8",
                                                          page.encode())
    site.files["/request/301/response/4002/attach/2/QOF reply.pdf"] = ("application/pdf",
                                                                      reply_pdf)
    site.files["/request/301/response/4002/attach/3/breakdown.csv"] = ("text/csv",
                                                                      breakdown_csv)
    return f"{site.base}/request/qof_alternatives_darlington"
