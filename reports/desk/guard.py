"""What the desk checks before any of its pages runs, on every request: that it is asked for by
its own name, that a write comes from its own pages, the token off loopback, and that a body is
small, before it is read.

The name matters even on 127.0.0.1, where no token is asked: a web page the reporter visits
can point its own name at 127.0.0.1 ("DNS rebinding") and then read the desk as its own
origin. Such a request says `Host: evil.example`, and its writes `Origin: http://evil.example`.
"""

from __future__ import annotations

import hmac
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
TOKEN_COOKIE = "foi_desk_token"
MIN_TOKEN_CHARS = 32
MAX_BODY_BYTES = 64 * 1024   # the desk's forms are a few hundred bytes
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class DeskAddress:
    """The names the desk answers to, on its port; `any_ip`: also any address written as
    such (a name can be pointed anywhere, an address cannot be renamed)."""

    names: frozenset[str]
    port: int
    any_ip: bool = False

    def allows(self, host_header: str) -> bool:
        """Whether a request's Host header names this desk."""
        name, port = _split(host_header)
        if port != str(self.port) and not (port == "" and self.port == 80):
            return False
        return name in self.names or (self.any_ip and _is_address(name))


def is_loopback(host: str) -> bool:
    """Whether the desk listening on `host` can only be reached from this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def desk_address(host: str, port: int) -> DeskAddress:
    """What the desk listening on `host`:`port` answers to: the loopback names, and off
    loopback the name it was given (listening on every address, 0.0.0.0 or ::, this machine's
    names and any address)."""
    names = set(LOOPBACK_NAMES)
    wildcard = host in ("", "0.0.0.0", "::", "[::]")
    if wildcard:
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    else:
        names.add(_spelt(host.lower()))
    return DeskAddress(frozenset(names), port, any_ip=wildcard)


def check_token(token: str) -> str:
    """A token given for a desk off loopback, refused when short enough to guess."""
    if len(token) < MIN_TOKEN_CHARS:
        raise ValueError(f"$FOI_DESK_TOKEN is too short to be safe off 127.0.0.1 ({len(token)} of "
                         f"at least {MIN_TOKEN_CHARS} characters): make a longer one, or leave "
                         "it unset for a new one")
    return token


class DeskGuard:
    """The checks, as ASGI middleware around the desk: 403 for a foreign Host, a write from
    elsewhere or a missing token, 413 for a body over `max_body` bytes (never read whole)."""

    def __init__(self, app: ASGIApp, address: DeskAddress, token: str | None = None,
                 max_body: int = MAX_BODY_BYTES) -> None:
        self.app, self.address, self.token, self.max_body = app, address, token, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        host = request.headers.get("host", "")
        if not self.address.allows(host):
            await _refuse(403, "this desk answers to its own address only", scope, send)
            return
        if self.token is not None:
            given = (request.query_params.get("token") or request.headers.get("x-desk-token")
                     or request.cookies.get(TOKEN_COOKIE) or "")
            if not hmac.compare_digest(given.encode(), self.token.encode()):
                await _refuse(403, "this desk needs its token", scope, send)
                return
            send = self._with_cookie(send)
        if request.method not in _SAFE_METHODS and not _same_origin(request, host):
            await _refuse(403, "a change must come from the desk's own page", scope, send)
            return
        length = request.headers.get("content-length")
        if length is not None and not (length.isdigit() and len(length) < 19):
            await _refuse(400, "a Content-Length, please", scope, send)
            return
        if length is not None and int(length) > self.max_body:
            await _refuse(413, f"at most {self.max_body:,} bytes, please", scope, send)
            return
        if request.method in _SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        body = bytearray()
        while True:   # a body sent in chunks is counted as it comes
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.max_body:
                await _refuse(413, f"at most {self.max_body:,} bytes, please", scope, send)
                return
            if not message.get("more_body"):
                break
        await self.app(scope, _replay(bytes(body), receive), send)

    def _with_cookie(self, send: Send) -> Send:
        cookie = f"{TOKEN_COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict".encode()

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"set-cookie", cookie))
            await send(message)

        return send_with_cookie


def _same_origin(request: Request, host: str) -> bool:
    """Whether a write says it comes from a page of this desk (Origin, else Referer)."""
    said = request.headers.get("origin") or request.headers.get("referer") or ""
    parts = urlsplit(said)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.strip().lower()


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _refuse(status: int, why: str, scope: Scope, send: Send) -> None:
    async def nothing() -> Message:
        return {"type": "http.disconnect"}

    response = PlainTextResponse(f"{status}: {why}", status, headers={"Connection": "close"})
    await response(scope, nothing, send)


def _split(host_header: str) -> tuple[str, str]:
    """A Host header's name and port ("" when it gives none)."""
    host = host_header.strip().lower()
    if host.startswith("["):   # [::1]:8765
        name, _, rest = host.partition("]")
        return name + "]", rest[1:] if rest.startswith(":") else rest
    name, _, port = host.partition(":")
    return name, port


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def _spelt(host: str) -> str:
    """A host as a Host header spells it (an IPv6 address in brackets)."""
    try:
        return f"[{host.strip('[]')}]" if ipaddress.ip_address(host.strip("[]")).version == 6 \
            else host
    except ValueError:
        return host
