"""An IMAP mailbox as a source of incoming mail (stdlib imaplib; see foi.mail.mailbox).

A message taken in gets the flags \\Seen and $FoiIngested; the search is for messages without
$FoiIngested, so a person who opened a reply first (setting \\Seen) never hides it from us, and
nothing is moved out of the folders the desk works in. UIDs are only trusted with the
UIDVALIDITY they were found under: after a reconnection that changed it, nothing found before
is flagged, and the folder is searched again (what was stored already comes back as a
duplicate and is flagged then).
"""

from __future__ import annotations

import contextlib
import imaplib
import ipaddress
import os
import re
import ssl
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from foi.mail.mailbox import Received

T = TypeVar("T")
KEYWORD = "$FoiIngested"
SECURITY = ("tls", "starttls", "none")
DEFAULT_MAX_MESSAGE_MB = 50
_BATCH_BYTES = 8 * 1024 * 1024   # one FETCH brings at most this much (or one larger message)
_BATCH_COUNT = 100
_MAX_RESYNCS = 5


class ImapError(RuntimeError):
    """The mailbox cannot be read as configured (unreachable, TLS, login, folder)."""


@dataclass(frozen=True)
class ImapSettings:
    """Where the desk's mailbox is and how to read it; the password never comes from a file."""

    host: str
    port: int
    security: str = "tls"               # tls (implicit, 993) | starttls | none (loopback only)
    username: str = ""
    password: str = field(default="", repr=False)
    folders: tuple[str, ...] = ("INBOX",)
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_MB * 1024 * 1024
    ca_file: str | None = None           # a private CA's certificate
    timeout: float = 60.0
    retries: int = 3                     # reconnections allowed per folder after a drop

    @property
    def label(self) -> str:
        """imap://user@host:port, for messages and problems (no password)."""
        return f"imap://{self.username}@{self.host}:{self.port}"


def imap_settings(configured: Mapping[str, Any], *, host: str | None = None,
                  port: int | None = None, security: str | None = None,
                  username: str | None = None, folders: Sequence[str] = (),
                  max_message_mb: float | None = None, ca_file: str | None = None,
                  password: str | None = None,
                  env: Mapping[str, str] = os.environ) -> ImapSettings:
    """Settings from foi.toml's [imap] table, overridden by what was given; the password from
    the argument (a Prefect Secret) or $FOI_IMAP_PASSWORD, the user also from $FOI_IMAP_USERNAME."""
    if "password" in configured:
        raise ValueError("foi.toml must not hold a password: remove [imap] password and set "
                         "FOI_IMAP_PASSWORD (or use a Prefect Secret block)")
    host = host or configured.get("host") or ""
    if not host:
        raise ValueError("no IMAP server: give --imap HOST or set [imap] host in foi.toml")
    security = (security or configured.get("security") or "tls").lower()
    if security not in SECURITY:
        raise ValueError(f"IMAP security must be one of {', '.join(SECURITY)}, not {security!r}")
    if security == "none" and not _is_loopback(host):
        raise ValueError(f"refusing to send the IMAP password unencrypted to {host}: use "
                         "security tls or starttls (plain IMAP is allowed on loopback only)")
    folders = tuple(folders) or tuple(configured.get("folders") or ("INBOX",))
    limit_mb = max_message_mb if max_message_mb is not None else \
        configured.get("max_message_mb", DEFAULT_MAX_MESSAGE_MB)
    if float(limit_mb) <= 0:
        raise ValueError(f"the IMAP message size limit must be positive, not {limit_mb}")
    return ImapSettings(
        host=host, port=int(port or configured.get("port") or (993 if security == "tls" else 143)),
        security=security,
        username=username or configured.get("username") or env.get("FOI_IMAP_USERNAME", ""),
        password=password if password is not None else env.get("FOI_IMAP_PASSWORD", ""),
        folders=folders, max_message_bytes=int(float(limit_mb) * 1024 * 1024),
        ca_file=ca_file or configured.get("ca_file") or None,
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class _Key:
    folder: str
    uidvalidity: int
    uid: int


_DROPPED = (imaplib.IMAP4.abort, OSError, EOFError)


class ImapMailbox:
    """The messages of some IMAP folders not yet taken in, fetched in batches."""

    def __init__(self, settings: ImapSettings, *, pause: float = 0.5) -> None:
        self.settings = settings
        self.expected = 0
        self.reconnections = 0
        self.resyncs = 0          # folders searched again after their UIDVALIDITY changed
        self._pause = pause
        self._conn: imaplib.IMAP4 | None = None
        self._selected: tuple[str, int] | None = None   # folder, its UIDVALIDITY
        self._stale: set[str] = set()                    # folders whose UIDVALIDITY moved

    def __enter__(self) -> ImapMailbox:
        self._connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Log out (quietly, the connection may already be gone)."""
        conn, self._conn, self._selected = self._conn, None, None
        if conn is not None:
            with contextlib.suppress(*_DROPPED, imaplib.IMAP4.error):
                conn.logout()

    # -- the source contract -------------------------------------------------------------

    def batches(self) -> Iterator[list[Received]]:
        """Each folder's messages without $FoiIngested, in batches of up to 8 MB."""
        for folder in self.settings.folders:
            yield from self._folder_batches(folder)

    def taken_in(self, items: Sequence[Received]) -> None:
        """Flag \\Seen $FoiIngested on messages committed locally (same UIDVALIDITY only)."""
        by_folder: dict[tuple[str, int], list[int]] = {}
        for item in items:
            key = item.key
            assert isinstance(key, _Key)
            by_folder.setdefault((key.folder, key.uidvalidity), []).append(key.uid)
        for (folder, validity), uids in by_folder.items():
            self._with_reconnect(folder, lambda v, f=folder, w=validity, u=uids:
                                 self._flag(f, w, v, u))

    # -- internals -----------------------------------------------------------------------

    def _folder_batches(self, folder: str) -> Iterator[list[Received]]:
        for _ in range(_MAX_RESYNCS):
            self._stale.discard(folder)
            validity, todo = self._with_reconnect(folder, lambda v: (v, self._pending(folder)))
            self.expected += len(todo)
            restart = False
            for chunk in _chunks(todo, self.settings.max_message_bytes):
                if folder in self._stale:
                    restart = True
                    break
                fetched = self._with_reconnect(
                    folder, lambda v, c=chunk, w=validity: self._fetch(folder, w, v, c))
                if fetched is None:            # UIDVALIDITY changed under us
                    restart = True
                    break
                yield fetched
            if not restart and folder not in self._stale:
                return
            self.expected -= len(todo)        # searched again below
            self.resyncs += 1
        raise ImapError(f"{self.settings.label}: the UIDVALIDITY of {folder!r} kept changing "
                        f"({_MAX_RESYNCS} times in one run); what was stored is kept, run again")

    def _pending(self, folder: str) -> list[tuple[int, int]]:
        """(uid, size) of the folder's messages without our keyword."""
        conn = self._require()
        typ, data = conn.uid("SEARCH", "UNKEYWORD", KEYWORD)
        _ok(typ, data, f"search {folder}")
        uids = [int(u) for u in (data[0] or b"").split()]
        if not uids:
            return []
        typ, data = conn.uid("FETCH", _uid_set(uids), "(RFC822.SIZE)")
        _ok(typ, data, f"sizes in {folder}")
        sizes = {}
        for line in data:
            text = line if isinstance(line, bytes) else line[0]
            uid, size = re.search(rb"UID (\d+)", text), re.search(rb"RFC822\.SIZE (\d+)", text)
            if uid and size:
                sizes[int(uid.group(1))] = int(size.group(1))
        return sorted((uid, sizes[uid]) for uid in uids if uid in sizes)

    def _fetch(self, folder: str, validity: int, current: int,
               chunk: list[tuple[int, int]]) -> list[Received] | None:
        if current != validity:
            return None
        limit = self.settings.max_message_bytes
        wanted = [uid for uid, size in chunk if size <= limit]
        bodies: dict[int, bytes] = {}
        if wanted:
            typ, data = self._require().uid("FETCH", _uid_set(wanted), "(BODY.PEEK[])")
            _ok(typ, data, f"fetch from {folder}")
            bodies = _bodies(data)
        out = []
        for uid, size in chunk:
            label = (f"{self.settings.label}/{folder};UIDVALIDITY={validity};UID={uid}")
            key = _Key(folder, validity, uid)
            if size > limit:
                out.append(Received(None, label, key, size, problem=(
                    f"message of {size:,} bytes is over the {limit // (1024 * 1024)} MB limit: "
                    "left unflagged on the server (raise [imap] max_message_mb, or save it and "
                    "run foi ingest --eml)")))
            elif uid in bodies:
                out.append(Received(bodies[uid], label, key, size))
            # a message expunged meanwhile is simply gone: nothing to take in
        return out

    def _flag(self, folder: str, validity: int, current: int, uids: list[int]) -> None:
        if current != validity:
            self._stale.add(folder)    # found again under the new UIDVALIDITY, flagged then
            return
        typ, data = self._require().uid("STORE", _uid_set(uids), "+FLAGS.SILENT",
                                        f"(\\Seen {KEYWORD})")
        _ok(typ, data, f"flag messages in {folder}")

    def _with_reconnect(self, folder: str, action: Callable[[int], T]) -> T:
        """Run action(current UIDVALIDITY) on the selected folder, reconnecting after a drop."""
        for attempt in range(self.settings.retries + 1):
            try:
                return action(self._select(folder))
            except _DROPPED as exc:
                self._drop()
                if attempt == self.settings.retries:
                    raise ImapError(f"{self.settings.label}: connection lost {attempt + 1} times "
                                    f"reading {folder} ({exc!r}); what was stored is kept, "
                                    "run again") from exc
                self.reconnections += 1
                time.sleep(self._pause * 2 ** attempt)
        raise AssertionError("unreachable")

    def _select(self, folder: str) -> int:
        if self._conn is None:
            self._connect()
        if self._selected and self._selected[0] == folder:
            return self._selected[1]
        conn = self._require()
        typ, data = conn.select(_quote(folder))
        if typ != "OK":
            raise ImapError(f"{self.settings.label}: cannot open folder {folder!r}: "
                            f"{_text(data)}")
        validity = int(conn.untagged_responses.get("UIDVALIDITY", [b"0"])[-1])
        flags = b" ".join(conn.untagged_responses.get("PERMANENTFLAGS", [b""]))
        if b"\\*" not in flags and KEYWORD.encode() not in flags:
            raise ImapError(f"{self.settings.label}: folder {folder!r} cannot keep the keyword "
                            f"{KEYWORD} (PERMANENTFLAGS {flags.decode(errors='replace')})")
        self._selected = (folder, validity)
        return validity

    def _connect(self) -> None:
        s = self.settings
        try:
            if s.security == "tls":
                conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    s.host, s.port, ssl_context=_context(s), timeout=s.timeout)
            else:
                conn = imaplib.IMAP4(s.host, s.port, timeout=s.timeout)
                if s.security == "starttls":
                    conn.starttls(ssl_context=_context(s))
        except ssl.SSLError as exc:
            raise ImapError(f"{s.label}: TLS failed ({exc.reason or exc}); for a private CA set "
                            "[imap] ca_file") from exc
        except (OSError, imaplib.IMAP4.error) as exc:
            raise ImapError(f"{s.label}: cannot connect ({exc})") from exc
        try:
            conn.login(s.username, s.password)
        except imaplib.IMAP4.error as exc:
            conn.shutdown()
            hint = "" if s.password else " (FOI_IMAP_PASSWORD is not set)"
            raise ImapError(f"{s.label}: login refused for {s.username!r}{hint}: "
                            f"{_text(exc.args)}") from exc
        self._conn, self._selected = conn, None

    def _drop(self) -> None:
        conn, self._conn, self._selected = self._conn, None, None
        if conn is not None:
            with contextlib.suppress(*_DROPPED):
                conn.shutdown()

    def _require(self) -> imaplib.IMAP4:
        if self._conn is None:
            raise imaplib.IMAP4.abort("not connected")
        return self._conn


def _context(s: ImapSettings) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=s.ca_file)


def _ok(typ: str, data: list, what: str) -> None:
    if typ != "OK":
        raise ImapError(f"IMAP {what} failed: {_text(data)}")


def _text(data: object) -> str:
    if isinstance(data, list | tuple):
        return " ".join(_text(d) for d in data if d is not None)
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return str(data)


def _quote(folder: str) -> str:
    if not folder.isascii():
        raise ImapError(f"folder {folder!r}: only ASCII folder names are supported")
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _uid_set(uids: Sequence[int]) -> str:
    """1,2,3,7 -> '1:3,7' (a short command line for thousands of UIDs)."""
    runs: list[list[int]] = []
    for uid in sorted(set(uids)):
        if runs and uid == runs[-1][1] + 1:
            runs[-1][1] = uid
        else:
            runs.append([uid, uid])
    return ",".join(str(a) if a == b else f"{a}:{b}" for a, b in runs)


def _chunks(todo: list[tuple[int, int]], limit: int) -> Iterator[list[tuple[int, int]]]:
    chunk: list[tuple[int, int]] = []
    total = 0
    for uid, size in todo:
        fetched = size if size <= limit else 0
        if chunk and (total + fetched > _BATCH_BYTES or len(chunk) >= _BATCH_COUNT):
            yield chunk
            chunk, total = [], 0
        chunk.append((uid, size))
        total += fetched
    if chunk:
        yield chunk


def _bodies(data: list) -> dict[int, bytes]:
    """UID -> raw bytes from a UID FETCH (BODY.PEEK[]) response."""
    out: dict[int, bytes] = {}
    for i, item in enumerate(data):
        if not isinstance(item, tuple):
            continue
        head, body = item
        found = re.search(rb"UID (\d+)", head)
        if found is None and i + 1 < len(data) and isinstance(data[i + 1], bytes):
            found = re.search(rb"UID (\d+)", data[i + 1])   # UID after the literal
        if found:
            out[int(found.group(1))] = body
    return out

