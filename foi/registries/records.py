"""What a registry says of one body, and the authority it becomes when it is new to us."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from foi.authorities import Authority


@dataclass(frozen=True)
class RegistryRecord:
    """One body as a registry describes it (kept in authority_records)."""

    registry: str                      # ods | wdtk
    code: str                          # the registry's key: ODS code, WDTK url_name
    name: str                          # as the registry writes it
    short_name: str | None = None
    roles: tuple[str, ...] = ()
    opened_on: date | None = None
    closed_on: date | None = None
    successors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    url: str | None = None

    def open_on(self, day: date) -> bool:
        """True when the body existed (in the role asked for) on `day`."""
        started = self.opened_on is None or self.opened_on <= day
        return started and (self.closed_on is None or day <= self.closed_on)


@dataclass(frozen=True)
class RegistryBody:
    """A registry record and the authority it is added as when we do not know it yet."""

    authority: Authority               # email is '' : registries rarely hold FOI addresses
    record: RegistryRecord
