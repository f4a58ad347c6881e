"""The workspace: one directory holding settings, the warehouse and the raw store."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_HOME = Path("foi-data")

DEFAULT_SETTINGS = """\
# foitrack workspace settings. No secrets here: passwords come from environment
# variables (FOI_SMTP_PASSWORD) or a Prefect Secret block.

[mail]
# "outbox" writes each letter as an .eml file under outbox/; "smtp" sends it.
transport = "outbox"
# Spacing of sends (0 = no limit): overall, and to any one recipient domain.
per_minute = 0
per_domain_per_minute = 0

[smtp]
host = "localhost"
port = 25
# "none", "starttls" or "tls" (implicit TLS, usually port 465)
security = "none"
username = ""
# ca_file = "/path/to/relay-ca.pem"   # only for a relay with a private certificate

[chase]
# Chasers going out through SMTP are spaced out across the batch.
per_minute = 6

[warehouse]
# A run that finds another foitrack run writing waits this long for it, then fails.
wait_seconds = 900

[extract]
# Each untrusted document is read in a worker process with these limits.
timeout_seconds = 60
memory_mb = 1024
max_pages = 500
# Answers below this confidence wait for a person in the review queue. By default the reader's
# calibrated threshold (where answers above it were right 95% of the time on labelled real
# replies); set it to check more, or fewer.
# review_below = 0.75

# [registries]
# NHS ODS and WhatDoTheyKnow: who to contact about our requests (sent in the User-Agent),
# and at most how many requests a second.
# contact = "https://newsroom.example/foi-desk"
# ods_per_second = 4
# wdtk_per_second = 1

# [imap]
# The desk's mailbox, read by the check-mail flow and `foi ingest --imap HOST`. A message is
# flagged \\Seen and $FoiIngested once stored. The password comes from FOI_IMAP_PASSWORD or a
# Prefect Secret block (check-mail's imap_password_secret), never from this file.
# host = "imap.newsroom.example"
# port = 993
# security = "tls"                 # tls | starttls | none (loopback only)
# username = "foi-desk"
# folders = ["INBOX"]
# max_message_mb = 50              # larger messages stay on the server, reported in foi problems
# ca_file = "/path/to/private-ca.pem"
"""


@dataclass(frozen=True)
class Workspace:
    """Paths of one workspace and its settings."""

    home: Path
    settings: dict[str, Any]

    @property
    def database(self) -> Path:
        """The DuckDB file."""
        return self.home / "foi.duckdb"

    @property
    def store(self) -> Path:
        """Raw messages and documents by sha256."""
        return self.home / "store"

    @property
    def outbox(self) -> Path:
        """Letters written by the file transport."""
        return self.home / "outbox"

    @property
    def inbox(self) -> Path:
        """Replies dropped in as .eml files, for check-mail to take in."""
        return self.home / "inbox"

    @property
    def site(self) -> Path:
        """Published output, one folder per campaign."""
        return self.home / "site"

    def setting(self, section: str, key: str, default: Any = None) -> Any:
        """One value of foi.toml, or the default."""
        return self.settings.get(section, {}).get(key, default)


class WorkspaceError(RuntimeError):
    """The workspace is missing or its settings are unreadable."""


def resolve_home(home: Path | str | None = None) -> Path:
    """The workspace directory: the argument, else FOI_HOME, else ./foi-data."""
    if home is not None:
        return Path(home)
    return Path(os.environ.get("FOI_HOME") or DEFAULT_HOME)


def init_workspace(home: Path) -> Workspace:
    """Create the workspace directories and default settings (keeps existing ones)."""
    for d in (home, home / "store", home / "outbox", home / "inbox", home / "site"):
        d.mkdir(parents=True, exist_ok=True)
    settings = home / "foi.toml"
    if not settings.exists():
        settings.write_text(DEFAULT_SETTINGS, encoding="utf-8")
    return open_workspace(home)


def open_workspace(home: Path) -> Workspace:
    """Read an existing workspace's settings."""
    settings = home / "foi.toml"
    if not settings.exists():
        raise WorkspaceError(f"no workspace at {home}: run `foi init --home {home}` first")
    try:
        data = tomllib.loads(settings.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise WorkspaceError(f"{settings} is not valid TOML: {exc}") from exc
    return Workspace(home, data)
