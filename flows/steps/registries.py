"""Importing authorities from public registries (NHS ODS, WhatDoTheyKnow).

Fetching happens with the warehouse closed (hundreds of polite requests take minutes, and
DuckDB has one writer); the bodies are then stored in one short transaction. A body whose
name or code could not be a letter's addressee is kept out, with its reason in `problems`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import duckdb

from flows.steps.ingest import IngestReport, ingest_raw, rematch
from flows.steps.session import workspace_db
from foi.imported_requests import ImportedRequest
from foi.registries import ods, wdtk
from foi.registries.http import CacheDir, RegistryClient, RegistryError, Stats, user_agent
from foi.registries.records import RegistryBody
from foi.store import sha256
from foi.workspace import Workspace, open_workspace, resolve_home
from warehouse.authorities import ImportCounts
from warehouse.authority_records import import_registry_bodies, link_wdtk_bodies, wdtk_authority
from warehouse.campaigns import campaign_prefixes, load_campaign
from warehouse.clock import refresh_deadlines
from warehouse.db import transaction
from warehouse.mail import known_requests
from warehouse.problems import record_problem
from warehouse.requests import import_requests, planned_requests

Progress = Callable[[int, int, str], None]
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_NAME = 300


@dataclass
class RegistryImport:
    """What one registry import did."""

    source: str
    counts: ImportCounts = field(default_factory=lambda: ImportCounts(0, 0, 0))
    stats: Stats = field(default_factory=Stats)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    skipped: int = 0           # fetched, but not open on the day asked for / not tagged


def registry_client(workspace: Workspace, *, registry: str, per_second: float | None,
                    refresh: bool) -> RegistryClient:
    """A client for one registry: foi.toml's [registries] contact and rate, the workspace's
    cache/<registry>/ directory."""
    defaults = {"ods": 4.0, "wdtk": 1.0}   # ODS asks for under 5 a second; WDTK for restraint
    rate = per_second if per_second is not None else float(
        workspace.setting("registries", f"{registry}_per_second", defaults[registry]))
    return RegistryClient(user_agent(workspace.setting("registries", "contact")),
                          per_second=rate,
                          cache=CacheDir(workspace.home / "cache" / registry, refresh=refresh))


def import_ods(home: Path | str | None, *, roles: Sequence[str], as_of: date | None,
               url: str = ods.ODS_URL, kind: str | None = None, refresh: bool = False,
               per_second: float | None = None,
               progress: Progress | None = None) -> RegistryImport:
    """Authorities with the ODS roles (open on `as_of`, or all when None), with their dates
    and successors."""
    workspace = open_workspace(resolve_home(home))
    wanted = [ods.resolve_role(r, kind) for r in roles]
    if not wanted:
        raise ValueError("say which bodies: --role ccg, icb, trust (or an ODS id like RO98)")
    report = RegistryImport(f"ods:{','.join(r.name for r in wanted)}")
    with registry_client(workspace, registry="ods", per_second=per_second,
                         refresh=refresh) as client:
        everything = ods.fetch_bodies(
            client, url.rstrip("/"), wanted, progress=progress,
            active_only=as_of is not None and as_of >= date.today())
        report.stats = client.stats
    bodies = [b for b in everything if as_of is None or b.record.open_on(as_of)]
    report.skipped = len(everything) - len(bodies)
    _store(workspace, bodies, report)
    return report


def import_wdtk_authorities(home: Path | str | None, *, tags: Sequence[str],
                            url: str = wdtk.AUTHORITIES_URL, refresh: bool = False,
                            per_second: float | None = None) -> RegistryImport:
    """WhatDoTheyKnow's authorities (those with every tag asked for): names, short names,
    tags; linked to an authority we hold of the same name, else added (with no address)."""
    workspace = open_workspace(resolve_home(home))
    report = RegistryImport("wdtk" + (f":{','.join(tags)}" if tags else ""))
    with registry_client(workspace, registry="wdtk", per_second=per_second,
                         refresh=refresh) as client:
        body, _ = client.get_bytes(url)
        report.stats = client.stats
    listed, errors = wdtk.parse_authorities_csv(body.decode("utf-8-sig", errors="replace"),
                                                url=url)
    report.rejected += [(f"{url}:{line}", reason) for line, reason in errors]
    bodies = [b for b in listed if set(tags) <= set(b.record.tags)]
    report.skipped = len(listed) - len(bodies)
    with workspace_db(workspace.home, publish=False) as (_, con):
        bodies = link_wdtk_bodies(con, bodies)
    _store(workspace, bodies, report)
    return report


def _store(workspace: Workspace, bodies: list[RegistryBody], report: RegistryImport) -> None:
    good = []
    for body in bodies:
        reason = _unfit(body)
        if reason:
            report.rejected.append((f"{report.source}:{body.record.code[:80]}", reason))
        else:
            good.append(body)
    with workspace_db(workspace.home) as (_, con):
        report.counts = import_registry_bodies(con, good, source=report.source,
                                               fetched_at=datetime.now(UTC))
        with transaction(con):
            for item, reason in report.rejected:
                record_problem(con, "import", item, reason)


def _unfit(body: RegistryBody) -> str | None:
    """Why a registry body cannot be an addressee (a header-breaking name, an odd code)."""
    a = body.authority
    if not _CODE.match(a.id):
        return f"code {a.id[:80]!r} must be letters, digits, '-', '_' or '.' (at most 64)"
    for label, text in (("name", a.name), ("registry name", body.record.name)):
        if not text.strip():
            return f"{label} is empty"
        if _CONTROL.search(text):
            return f"{label} {text[:80]!r} holds a control character (line break, NUL...)"
        if len(text) > MAX_NAME:
            return f"{label} is {len(text):,} characters long (at most {MAX_NAME})"
    return None


@dataclass
class WdtkRequestsImport:
    """What `foi requests import --wdtk` did."""

    requests_added: list[str] = field(default_factory=list)
    requests_known: list[str] = field(default_factory=list)
    responses_stored: int = 0
    responses_already: int = 0
    documents: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)


@dataclass
class _Fetched:
    url: str
    address: wdtk.RequestAddress
    request: wdtk.WdtkRequest
    authority_id: str | None = None
    reference: str | None = None
    files: dict[int, tuple[str, list[tuple[str, bytes]]]] = field(default_factory=dict)


def import_wdtk_requests(home: Path | str | None, campaign_id: str, urls: Sequence[str], *,
                         per_second: float | None = None,
                         progress: Progress | None = None) -> WdtkRequestsImport:
    """Track requests made through WhatDoTheyKnow and store each response, with its
    attachments, as a reply of its request (read by the next `foi extract`)."""
    workspace = open_workspace(resolve_home(home))
    report = WdtkRequestsImport()
    with workspace_db(workspace.home, publish=False) as (_, con):
        load_campaign(con, campaign_id)   # fails early, before any request to the site
    fetched: list[_Fetched] = []
    with registry_client(workspace, registry="wdtk", per_second=per_second,
                         refresh=True) as client:
        for n, url in enumerate(urls, start=1):
            try:
                address = wdtk.request_address(url)
                doc, _ = client.get_json(address.json_url, cached=False)
                fetched.append(_Fetched(url, address,
                                        wdtk.parse_request(doc, url=address.json_url)))
            except (ValueError, RegistryError) as exc:
                report.rejected.append((url, str(exc)))
            if progress:
                progress(n, len(urls), url.rsplit("/", 1)[-1])
        with workspace_db(workspace.home, publish=False) as (_, con):
            stored = _resolve(con, campaign_id, fetched, report)
        for item in fetched:
            if item.authority_id is None:
                continue
            todo = [r for r in item.request.responses if _message_id(item, r) not in stored]
            report.responses_already += len(item.request.responses) - len(todo)
            if todo:
                _fetch_responses(client, item, todo, report)
        report.stats = client.stats
    with workspace_db(workspace.home) as (_, con):
        _store_requests(con, workspace, campaign_id, fetched, report)
    return report


def _message_id(item: _Fetched, response: wdtk.Response) -> str:
    host = urlsplit(item.address.site).hostname or "whatdotheyknow.invalid"
    return wdtk.response_message_id(item.request.id, response.incoming_id, host)


def _resolve(con: duckdb.DuckDBPyConnection, campaign_id: str, fetched: list[_Fetched],
             report: WdtkRequestsImport) -> set[str]:
    """Find each request's authority; returns the Message-IDs of responses already stored."""
    for item in fetched:
        r = item.request
        item.authority_id = wdtk_authority(con, r.body_url_name, r.body_name)
        if item.authority_id is None:
            report.rejected.append((item.url, f"no authority for WhatDoTheyKnow's "
                                              f"{r.body_name!r} ({r.body_url_name}): import it "
                                              "with foi authorities import wdtk, or add it"))
    ids = [_message_id(i, r) for i in fetched for r in i.request.responses]
    return {row[0] for row in con.execute(
        "SELECT message_id FROM messages WHERE list_contains($ids, message_id)",
        {"ids": ids}).fetchall()} if ids else set()


def _fetch_responses(client: RegistryClient, item: _Fetched, todo: list[wdtk.Response],
                     report: WdtkRequestsImport) -> None:
    try:
        page, _ = client.get_bytes(item.address.page_url, cached=False)
        shown = wdtk.parse_request_page(page.decode("utf-8", errors="replace"),
                                        page_url=item.address.page_url)
        for response in todo:
            seen = shown.get(response.incoming_id, wdtk.ResponsePage("", ()))
            files = [(a.filename, client.get_bytes(a.url, cached=False)[0])
                     for a in seen.attachments]
            item.files[response.incoming_id] = (seen.text, files)
    except RegistryError as exc:
        report.rejected.append((item.url, f"responses not fetched: {exc}"))


def _store_requests(con: duckdb.DuckDBPyConnection, workspace: Workspace, campaign_id: str,
                    fetched: list[_Fetched], report: WdtkRequestsImport) -> None:
    campaign = load_campaign(con, campaign_id)
    existing = planned_requests(con, campaign_id)
    new = [ImportedRequest(n, i.authority_id, i.request.sent_on, None, "whatdotheyknow",
                           i.address.page_url)
           for n, i in enumerate(fetched, start=1)
           if i.authority_id is not None and i.authority_id not in existing]
    with transaction(con):
        added, refused = import_requests(con, campaign_id, campaign.regime,
                                         campaign.reference_prefix, new)
        refresh_deadlines(con, added)
        for url, reason in report.rejected:
            record_problem(con, "import", url, reason)
    report.requests_added = added
    report.rejected += [(fetched[line - 1].url, reason) for line, reason in refused]
    references = {r["authority_id"]: r["reference"]
                  for r in planned_requests(con, campaign_id).values()}
    requests, prefixes = known_requests(con), list(campaign_prefixes(con))
    addresses = dict(con.execute("SELECT id, email FROM authorities").fetchall())
    for item in fetched:
        reference = references.get(item.authority_id or "")
        if reference is None:
            continue
        if reference not in added:
            report.requests_known.append(reference)
        for response in item.request.responses:
            if response.incoming_id not in item.files:
                continue
            text, files = item.files[response.incoming_id]
            raw = wdtk.response_message(
                reference=reference, request=item.request, response=response,
                site=item.address.site, text=text, files=files,
                authority_addr=addresses.get(item.authority_id) or "",
                desk_addr=campaign.sender.email)
            ingest = IngestReport()
            ingest_raw(con, workspace, raw, f"wdtk:{item.address.page_url}#incoming-"
                                            f"{response.incoming_id}", requests, prefixes, ingest)
            digest = sha256(raw)
            if ingest.duplicates:
                report.responses_already += 1
                continue
            if ingest.matched.get(digest) != reference:
                rematch(con, digest, reference, "whatdotheyknow")
            report.responses_stored += 1
            report.documents += len(files)
