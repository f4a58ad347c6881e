"""WhatDoTheyKnow (Alaveteli): its list of authorities, and requests made through it.

- `/body/all-authorities.csv`: Name, Short name, URL name, Tags (space-separated), Home page,
  ... (the request email is not public);
- `/request/<url_title>.json`: the request with `public_body` and `info_request_events`; a
  `response` event names its `incoming_message_id`;
- `/request/<url_title>`: the page, where each response (`#incoming-<id>`) shows its text
  and links its attachments as `/request/<id>/response/<msg id>/attach/<n>/<filename>`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import mimetypes
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup

from foi.authorities import Authority
from foi.registries.http import RegistryError
from foi.registries.records import RegistryBody, RegistryRecord

AUTHORITIES_URL = "https://www.whatdotheyknow.com/body/all-authorities.csv"
LONDON = ZoneInfo("Europe/London")
_ATTACH = re.compile(r"/request/(\d+)/response/(\d+)/attach/(\d+)/([^/?#]+)")
_REQUEST_URL = re.compile(r"^(https?://[^/]+)/request/([A-Za-z0-9_-]+?)(?:\.json)?/?(?:[#?].*)?$")


def parse_authorities_csv(text: str, *, url: str | None = None
                          ) -> tuple[list[RegistryBody], list[tuple[int, str]]]:
    """Bodies of the authorities CSV, and (line, reason) for rows that cannot be one."""
    reader = csv.DictReader(io.StringIO(text))
    columns = {c.strip().lower(): c for c in reader.fieldnames or []}
    missing = [c for c in ("name", "url name") if c not in columns]
    if missing:
        raise RegistryError(f"{url or 'the authorities list'} has no {' or '.join(missing)} "
                            f"column (found {', '.join(columns) or 'nothing'}): is it "
                            "WhatDoTheyKnow's all-authorities.csv?")
    bodies, errors = [], []
    for row in reader:
        values = {k.strip().lower(): (v or "").strip() for k, v in row.items()
                  if isinstance(k, str) and isinstance(v, str)}
        url_name, name = values.get("url name", ""), values.get("name", "")
        if not url_name or not name:
            errors.append((reader.line_num, "no URL name or no name"))
            continue
        tags = tuple(dict.fromkeys(values.get("tags", "").split()))
        record = RegistryRecord(registry="wdtk", code=url_name, name=name,
                                short_name=values.get("short name") or None, tags=tags,
                                url=url)
        bodies.append(RegistryBody(Authority(id=authority_id(url_name), name=name, email="",
                                             tags=tags), record))
    return bodies, errors


def authority_id(url_name: str) -> str:
    """Our id for a body new to us: its url_name, shortened with a digest past 64 characters."""
    if len(url_name) <= 64:
        return url_name
    return f"{url_name[:55]}-{hashlib.sha256(url_name.encode()).hexdigest()[:8]}"


@dataclass(frozen=True)
class RequestAddress:
    """Where a request lives: the site and the request's url_title."""

    site: str
    url_title: str

    @property
    def json_url(self) -> str:
        """The request's JSON."""
        return f"{self.site}/request/{self.url_title}.json"

    @property
    def page_url(self) -> str:
        """The request's page, which links the attachments."""
        return f"{self.site}/request/{self.url_title}"


def request_address(url: str) -> RequestAddress:
    """A request's address from its URL (page, .json, or with #incoming-123)."""
    m = _REQUEST_URL.match(url.strip())
    if not m:
        raise ValueError(f"{url!r} is not a WhatDoTheyKnow request URL (like "
                         "https://www.whatdotheyknow.com/request/some_title)")
    return RequestAddress(m.group(1), m.group(2))


@dataclass(frozen=True)
class Response:
    """One incoming message of a request, as the JSON lists it."""

    incoming_id: int
    received_at: datetime


@dataclass(frozen=True)
class WdtkRequest:
    """What the request's JSON says."""

    id: int
    url_title: str
    title: str
    body_url_name: str
    body_name: str
    sent_on: date
    responses: tuple[Response, ...]
    described_state: str | None


def parse_request(doc: Any, *, url: str) -> WdtkRequest:
    """The request JSON (`/request/<url_title>.json`)."""
    try:
        events = list(doc["info_request_events"])
        body = doc["public_body"]
        created = _when(doc.get("created_at"))
        sent = [_when(e.get("created_at")) for e in events if e.get("event_type") == "sent"]
        responses = tuple(
            Response(int(e["incoming_message_id"]), _when(e.get("created_at")) or created)
            for e in events
            if e.get("event_type") == "response" and e.get("incoming_message_id") is not None)
        first = next((s for s in sent if s is not None), created)
        if first is None:
            raise KeyError("created_at")
        return WdtkRequest(
            id=int(doc["id"]), url_title=str(doc["url_title"]), title=str(doc.get("title", "")),
            body_url_name=str(body["url_name"]), body_name=str(body["name"]),
            sent_on=first.astimezone(LONDON).date(),
            responses=tuple(dict.fromkeys(responses)),
            described_state=doc.get("described_state"))
    except (KeyError, TypeError, ValueError) as exc:
        raise RegistryError(f"{url} is not a WhatDoTheyKnow request's JSON (missing or bad "
                            f"{exc})") from exc


@dataclass(frozen=True)
class Attachment:
    """An attachment link of one response."""

    number: int
    filename: str
    url: str


@dataclass(frozen=True)
class ResponsePage:
    """What the request's page shows of one response."""

    text: str
    attachments: tuple[Attachment, ...]


def parse_request_page(html: str, *, page_url: str) -> dict[int, ResponsePage]:
    """Each response's text and attachment links, by incoming message id."""
    soup = BeautifulSoup(html, "html.parser")
    links: dict[int, dict[int, Attachment]] = {}
    for a in soup.find_all("a", href=True):
        href = str(a["href"])
        path = urlsplit(href).path
        m = _ATTACH.search(path)
        if not m or "/attach/html/" in path:
            continue
        msg, n = int(m.group(2)), int(m.group(3))
        links.setdefault(msg, {}).setdefault(
            n, Attachment(n, unquote(m.group(4)), urljoin(page_url, path)))
    pages = {}
    for msg in set(links) | _incoming_ids(soup):
        node = soup.find(id=f"incoming-{msg}")
        text = ""
        if node is not None:
            main = node.find(class_="correspondence_text") or node
            text = main.get_text("\n").strip()
        pages[msg] = ResponsePage(text, tuple(sorted(links.get(msg, {}).values(),
                                                     key=lambda x: x.number)))
    return pages


def _incoming_ids(soup: BeautifulSoup) -> set[int]:
    found = set()
    for node in soup.find_all(id=re.compile(r"^incoming-\d+$")):
        found.add(int(str(node["id"]).split("-")[1]))
    return found


def response_message(*, reference: str, request: WdtkRequest, response: Response,
                     site: str, text: str, files: list[tuple[str, bytes]],
                     authority_addr: str = "", desk_addr: str = "") -> bytes:
    """A WhatDoTheyKnow response written down as an email reply to the request: same bytes
    for the same response, so fetching it again stores nothing new."""
    host = urlsplit(site).hostname or "whatdotheyknow.invalid"
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = authority_addr or f"request-{request.id}@{host}"
    msg["To"] = desk_addr or "foi-desk@invalid"
    msg["Subject"] = f"{reference}: {request.title} (response via WhatDoTheyKnow)"
    msg["Date"] = format_datetime(response.received_at.astimezone(LONDON))
    msg["Message-ID"] = response_message_id(request.id, response.incoming_id, host)
    msg["X-Foitrack-Channel"] = "whatdotheyknow"
    msg["X-WDTK-URL"] = f"{site}/request/{request.url_title}#incoming-{response.incoming_id}"
    msg.set_content(text or "")
    for name, data in files:
        media = mimetypes.guess_type(name)[0] or "application/octet-stream"
        maintype, subtype = media.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    msg.set_boundary(f"foitrack-wdtk-{request.id}-{response.incoming_id}")
    return msg.as_bytes()


def response_message_id(request_id: int, incoming_id: int, host: str) -> str:
    """The Message-ID a response is stored under (known before fetching its attachments)."""
    return f"<wdtk.{request_id}.{incoming_id}@{host}>"


def _when(text: Any) -> datetime | None:
    if not text:
        return None
    value = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)
