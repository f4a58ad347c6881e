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

from flows.steps.session import workspace_db
from foi.registries import ods, wdtk
from foi.registries.http import CacheDir, RegistryClient, Stats, user_agent
from foi.registries.records import RegistryBody
from foi.workspace import Workspace, open_workspace, resolve_home
from warehouse.db import transaction
from warehouse.problems import record_problem
from warehouse.registries import import_registry_bodies, link_wdtk_bodies
from warehouse.registry import ImportCounts

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
