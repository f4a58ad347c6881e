"""NHS Organisation Data Service (ORD API): organisations by role, their dates and successors.

The list endpoint (`/organisations?PrimaryRoleId=RO98&Limit=1000&Offset=0`, or
`NonPrimaryRoleId=RO318` for a non-primary role) answers
`{"Organisations": [{"Name", "OrgId", "Status", "PrimaryRoleId", "OrgLink", ...}]}` a page
at a time (the total in `X-Total-Count`); each organisation's own record
(`/organisations/00C`) holds its `Date`s (Operational start and end), `Roles` (each with its
own dates: an ICB is a "strategic partnership" whose ICB role began on 2022-07-01) and
`Succs` (the codes that took over when it closed).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from foi.authorities import Authority
from foi.registries.http import RegistryClient, RegistryError
from foi.registries.records import RegistryBody, RegistryRecord

ODS_URL = "https://directory.spineservices.nhs.uk/ORD/2-0-0"
PAGE_SIZE = 1000   # the most the list endpoint gives at once


@dataclass(frozen=True)
class Role:
    """A kind of body we ask ODS for: its role ids and the `kind` our registry gives it."""

    name: str
    role_ids: tuple[str, ...]
    kind: str


ROLES = {
    "ccg": Role("ccg", ("RO98",), "ccg"),                        # clinical commissioning group
    "icb": Role("icb", ("RO318",), "icb"),                       # integrated care board
    "trust": Role("trust", ("RO197", "RO57"), "trust"),          # NHS trusts and foundation trusts
    "nhs-trust": Role("nhs-trust", ("RO197",), "trust"),
    "foundation-trust": Role("foundation-trust", ("RO57",), "trust"),
}
# Roles ORD lists as non-primary (its /roles: primaryRole false): an ICB's primary role is
# RO261 strategic partnership, a foundation trust's RO197 NHS trust.
NON_PRIMARY = frozenset({"RO318", "RO57", "RO319"})
_ROLE_ID = re.compile(r"^RO\d{1,4}$", re.IGNORECASE)
_NATIONS = {"ENGLAND": "england", "WALES": "wales", "SCOTLAND": "scotland",
            "NORTHERN IRELAND": "northern-ireland"}
# Words kept as written when an upper-case ODS name is put in ordinary case.
_UPPER = {"NHS", "CCG", "ICB", "UK", "STP", "ICS", "CSU", "GP", "PCT", "HSC", "NHSFT"}
_LOWER = {"AND", "OF", "THE", "FOR", "IN", "ON", "AT", "TO", "UPON"}


def resolve_role(name: str, kind: str | None = None) -> Role:
    """A role by alias (ccg, icb, trust, nhs-trust, foundation-trust) or ODS id (RO98)."""
    key = name.strip().lower()
    if key in ROLES:
        role = ROLES[key]
        return Role(role.name, role.role_ids, kind or role.kind)
    if _ROLE_ID.match(name.strip()):
        code = name.strip().upper()
        return Role(code, (code,), kind or code.lower())
    raise ValueError(f"role {name!r} must be one of {', '.join(ROLES)} or an ODS role id "
                     "such as RO98")


def tidy_name(name: str) -> str:
    """ODS writes names in capitals; letters should say 'NHS Darlington CCG'."""
    words = name.split()
    out = []
    for n, word in enumerate(words):
        bare = word.strip("(),.'&-")
        if bare.upper() in _UPPER or any(ch.isdigit() for ch in bare):
            out.append(word.upper())
        elif n and bare.upper() in _LOWER:
            out.append(word.lower())
        else:
            out.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    return " ".join(out)


def list_codes(client: RegistryClient, base: str, role_id: str, *, active_only: bool,
               progress: Callable[[int, int, str], None] | None = None,
               page_size: int = PAGE_SIZE) -> list[str]:
    """Every organisation code with the role, page by page (Limit/Offset) until the total
    the service announces (X-Total-Count), else until a short page."""
    codes: dict[str, None] = {}
    offset = 0
    while True:
        # ORD searches a primary role and a non-primary one with different parameters
        which = "NonPrimaryRoleId" if role_id.upper() in NON_PRIMARY else "PrimaryRoleId"
        params: dict[str, Any] = {which: role_id, "Limit": page_size, "Offset": offset}
        if active_only:
            params["Status"] = "Active"
        doc, headers = client.get_json(f"{base}/organisations", params)
        page = _organisations(doc, base)
        codes.update(dict.fromkeys(page))
        total = _total(headers)
        if progress:
            progress(len(codes), total or len(codes), f"{role_id} list")
        offset += len(page)
        done = offset >= total if total is not None else len(page) < page_size
        if done or not page:
            return list(codes)


def fetch_bodies(client: RegistryClient, base: str, roles: Sequence[Role], *,
                 active_only: bool = False,
                 progress: Callable[[int, int, str], None] | None = None) -> list[RegistryBody]:
    """The organisations with any of the roles (only those active today if asked), each
    read from its own record."""
    wanted: dict[str, Role] = {}
    for role in roles:
        for role_id in role.role_ids:
            for code in list_codes(client, base, role_id, active_only=active_only,
                                   progress=progress):
                wanted.setdefault(code, role)
    bodies = []
    for n, (code, role) in enumerate(sorted(wanted.items()), start=1):
        doc, _ = client.get_json(f"{base}/organisations/{code}")
        bodies.append(parse_organisation(doc, role, url=f"{base}/organisations/{code}"))
        if progress:
            progress(n, len(wanted), code)
    return bodies


def parse_organisation(doc: Any, role: Role, *, url: str | None = None) -> RegistryBody:
    """One organisation's ORD record as a registry body (dates of the role asked for)."""
    try:
        org = doc["Organisation"]
        code = str(org["OrgId"]["extension"])
        name = str(org["Name"])
    except (KeyError, TypeError) as exc:
        raise RegistryError(f"{url or 'an ODS record'} is not an ORD organisation record "
                            f"(no {exc})") from exc
    held = [r for r in _many(org.get("Roles", {}).get("Role"))
            if str(r.get("id", "")).upper() in role.role_ids]
    spans = [_span(r.get("Date")) for r in held] or [_span(org.get("Date"))]
    starts = [s for s, _ in spans if s is not None]
    ends = [e for _, e in spans]
    closed = None if any(e is None for e in ends) else max(e for e in ends if e is not None)
    org_end = _span(org.get("Date"))[1]
    if org_end is not None and (closed is None or org_end < closed):
        closed = org_end
    successors = tuple(dict.fromkeys(
        str(s["Target"]["OrgId"]["extension"]) for s in _many(org.get("Succs", {}).get("Succ"))
        if s.get("Type") == "Successor" and s.get("Target", {}).get("OrgId")))
    country = (org.get("GeoLoc", {}).get("Location", {}).get("Country") or "").upper()
    record = RegistryRecord(
        registry="ods", code=code, name=name,
        roles=tuple(str(r.get("id")) for r in held) or role.role_ids,
        opened_on=min(starts) if starts else None, closed_on=closed, successors=successors,
        url=url)
    authority = Authority(id=code, name=tidy_name(name), email="",
                          nation=_NATIONS.get(country), kind=role.kind)
    return RegistryBody(authority, record)


def _organisations(doc: Any, base: str) -> list[str]:
    if not isinstance(doc, dict) or "Organisations" not in doc:
        raise RegistryError(f"{base}/organisations did not answer an ORD list "
                            "({'Organisations': [...]}); is --url the ORD 2-0-0 base?")
    codes = []
    for org in doc["Organisations"] or []:
        code = org.get("OrgId") if isinstance(org, dict) else None
        if isinstance(code, dict):   # some ORD versions give {"extension": ...}
            code = code.get("extension")
        if code:
            codes.append(str(code))
    return codes


def _total(headers: Any) -> int | None:
    try:
        return int(headers["X-Total-Count"]) if headers is not None else None
    except (KeyError, ValueError):
        return None


def _many(value: Any) -> list[dict]:
    """ORD gives a list, or a lone object where there is one, or nothing."""
    if value is None:
        return []
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, dict)]


def _span(dates: Any) -> tuple[date | None, date | None]:
    """(start, end) of the Operational dates, else the Legal ones."""
    found = {d.get("Type"): d for d in _many(dates)}
    chosen = found.get("Operational") or found.get("Legal")
    if not chosen:
        return None, None
    return _day(chosen.get("Start")), _day(chosen.get("End"))


def _day(text: Any) -> date | None:
    try:
        return date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def role_names(roles: Iterable[Role]) -> str:
    """For messages: 'ccg (RO98), icb (RO318)'."""
    return ", ".join(f"{r.name} ({'/'.join(r.role_ids)})" for r in roles)
