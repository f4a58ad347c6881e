"""Authority registries: reading and validating CSV files of public bodies."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

REQUIRED_COLUMNS = ("id", "name", "email")
OPTIONAL_COLUMNS = ("nation", "kind", "tags")
NATIONS = ("england", "wales", "scotland", "northern-ireland")
_EMAIL = re.compile(r"^[^@\s<>\"']+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
# A name, address or tag goes into mail headers and letters: no line breaks, NUL or other
# control characters (a name "Body\r\nBcc: x" would be a header injection), and no field
# longer than a body's name could ever be.
MAX_FIELD_CHARS = 1000
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


@dataclass(frozen=True)
class Authority:
    """A public body that receives requests."""

    id: str
    name: str
    email: str
    nation: str | None = None
    kind: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowError:
    """Why one line of a registry file was rejected."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class RegistryFile:
    """The authorities a registry file holds and the lines it rejected."""

    authorities: tuple[Authority, ...]
    errors: tuple[RowError, ...] = field(default=())


class RegistryFileError(ValueError):
    """The file as a whole cannot be read as a registry (wrong columns, not CSV)."""


def parse_registry(text: str) -> RegistryFile:
    """Parse registry CSV text; bad rows are reported by line, good rows kept."""
    consumed = [0]  # lines the csv module has taken: its own line_num skips refused lines

    def counted(lines: Iterable[str]) -> Iterator[str]:
        for line in lines:
            consumed[0] += 1
            yield line

    reader = csv.DictReader(counted(io.StringIO(text.lstrip("\ufeff"))))
    columns = [c.strip().lower() for c in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise RegistryFileError(
            f"missing column(s) {', '.join(missing)}: the header must include "
            f"{','.join(REQUIRED_COLUMNS)} (optional: {','.join(OPTIONAL_COLUMNS)}); "
            f"found {','.join(columns) or 'nothing'}"
        )
    reader.fieldnames = columns
    authorities: dict[str, Authority] = {}
    errors: list[RowError] = []
    while True:
        line = consumed[0] + 1  # where the row starts (a quoted field may span lines)
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. a field over the csv module's 128 KB: skip the line
            errors.append(RowError(line, f"not readable as CSV: {exc}"))
            continue
        try:
            authority = _authority_from_row(row)
        except ValueError as exc:
            errors.append(RowError(line, str(exc)))
            continue
        if authority.id in authorities:
            errors.append(RowError(line, f"duplicate id {authority.id!r} (first seen earlier)"))
            continue
        authorities[authority.id] = authority
    return RegistryFile(tuple(authorities.values()), tuple(errors))


def read_registry(path: Path) -> RegistryFile:
    """Read a registry CSV file from disk."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegistryFileError(
            f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from exc
    return parse_registry(text)


def _authority_from_row(row: dict[str | None, str | list[str] | None]) -> Authority:
    if None in row:
        raise ValueError("more fields than the header has columns (an unquoted comma?)")
    values = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
    for column, value in values.items():
        if control := _CONTROL.search(value):
            raise ValueError(f"{column} holds a control character {control.group()!r} (line "
                             "breaks and NUL are not allowed in any field)")
        if len(value) > MAX_FIELD_CHARS:
            raise ValueError(f"{column} is {len(value):,} characters long (at most "
                             f"{MAX_FIELD_CHARS:,})")
    ident, name, email = values.get("id", ""), values.get("name", ""), values.get("email", "")
    if not ident:
        raise ValueError("id is empty")
    if not _ID.match(ident):
        raise ValueError(f"id {ident!r} must be letters, digits, '-', '_' or '.' (at most 64)")
    if not name:
        raise ValueError(f"name is empty for id {ident!r}")
    if not _EMAIL.match(email):
        raise ValueError(f"email {email!r} for id {ident!r} is not an email address")
    nation = values.get("nation", "").lower().replace(" ", "-") or None
    if nation is not None and nation not in NATIONS:
        raise ValueError(f"nation {values['nation']!r} must be one of {', '.join(NATIONS)}")
    tags = tuple(t.strip() for t in re.split(r"[;|]", values.get("tags", "")) if t.strip())
    return Authority(ident, name, email, nation, values.get("kind") or None, tags)


def is_email(text: str) -> bool:
    """True when `text` is an address a letter can be sent to (no name, no line breaks)."""
    return bool(_EMAIL.match(text))


def demo_ccgs() -> tuple[Authority, ...]:
    """The 209 CCGs of 2016 with placeholder FOI addresses on a reserved example domain."""
    text = resources.files("foi").joinpath("data/ccgs-2016.csv").read_text(encoding="utf-8")
    return tuple(
        Authority(
            id=row["ods_code"],
            name=row["name"],
            email=f"foi@{row['ods_code'].lower()}.ccg.example",
            nation="england",
            kind="ccg",
            tags=(f"ons:{row['ons_code']}",),
        )
        for row in csv.DictReader(io.StringIO(text))
    )


def registry_csv(authorities: Iterable[Authority]) -> str:
    """Write authorities as registry CSV text (the import format)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS))
    for a in authorities:
        writer.writerow((a.id, a.name, a.email, a.nation or "", a.kind or "", ";".join(a.tags)))
    return out.getvalue()
