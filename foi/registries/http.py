"""A polite HTTP client for public registries: named, rate-limited, retried, cached."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER_S = 120.0
KEPT_HEADERS = frozenset({"content-type", "x-total-count", "last-modified", "etag"})


class RegistryError(RuntimeError):
    """A registry could not be read: what failed, and what to try next."""


class _Retryable(Exception):
    """A response worth asking for again (429, 5xx), with the server's Retry-After if any."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code} from {response.request.url}")
        self.response = response


def user_agent(contact: str | None) -> str:
    """foitrack/<version> (+contact): names the tool and who runs it, as registries ask."""
    try:
        version = metadata.version("foitrack")
    except metadata.PackageNotFoundError:
        version = "dev"
    return f"foitrack/{version} (+{contact or 'https://www.whatdotheyknow.com/help/api'})"


@dataclass
class Stats:
    """What a client did: requests sent, answers taken from the cache, retries."""

    requests: int = 0
    cache_hits: int = 0
    retries: int = 0
    waited_s: float = 0.0


@dataclass(frozen=True)
class CacheDir:
    """Responses kept as files under one directory, keyed by URL; `refresh` ignores them."""

    root: Path
    refresh: bool = False

    def path(self, url: str) -> Path:
        """Where the answer to `url` is kept: a readable stem plus a digest of the whole URL."""
        parsed = httpx.URL(url)
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", parsed.path.strip("/"))[-80:] or "index"
        digest = hashlib.sha256(url.encode()).hexdigest()[:16]
        return self.root / (parsed.host or "local") / f"{stem}.{digest}"

    def get(self, url: str) -> tuple[bytes, httpx.Headers] | None:
        """The cached body and the headers kept with it, unless refreshing or absent."""
        if self.refresh:
            return None
        path = self.path(url)
        try:
            kept = json.loads(path.with_name(path.name + ".headers").read_text("utf-8"))
            return path.read_bytes(), httpx.Headers(kept)
        except (FileNotFoundError, ValueError):
            return None

    def put(self, url: str, body: bytes, headers: httpx.Headers) -> None:
        """Keep a body and the headers worth keeping (paging totals); the headers file is
        written last, each aside then renamed, so a crash never leaves half an entry."""
        path = self.path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        kept = {k: v for k, v in headers.items() if k.lower() in KEPT_HEADERS}
        for target, data in ((path, body),
                             (path.with_name(path.name + ".headers"), json.dumps(kept).encode())):
            tmp = target.with_name(target.name + ".part")
            tmp.write_bytes(data)
            tmp.replace(target)


@dataclass
class RegistryClient:
    """GETs to one or more registries, at most `per_second`, retried with backoff."""

    agent: str
    per_second: float = 1.0
    cache: CacheDir | None = None
    attempts: int = 5
    timeout_s: float = 60.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    stats: Stats = field(default_factory=Stats)
    _client: httpx.Client | None = None
    _last: float | None = None

    def __enter__(self) -> RegistryClient:
        self._client = httpx.Client(headers={"User-Agent": self.agent},
                                    timeout=self.timeout_s, follow_redirects=True)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()

    def get_bytes(self, url: str, params: dict[str, Any] | None = None, *,
                  cached: bool = True) -> tuple[bytes, httpx.Headers]:
        """The body at `url` and its headers (from the cache when kept there)."""
        full = str(httpx.URL(url, params=params)) if params else url
        if cached and self.cache is not None:
            kept = self.cache.get(full)
            if kept is not None:
                self.stats.cache_hits += 1
                return kept
        response = self._fetch(full)
        if cached and self.cache is not None:
            self.cache.put(full, response.content, response.headers)
        return response.content, response.headers

    def get_json(self, url: str, params: dict[str, Any] | None = None, *,
                 cached: bool = True) -> tuple[Any, httpx.Headers]:
        """The JSON at `url`, parsed; a body that is not JSON is a RegistryError."""
        body, headers = self.get_bytes(url, params, cached=cached)
        try:
            return json.loads(body), headers
        except ValueError as exc:
            raise RegistryError(f"{url} did not answer JSON ({exc}); is the URL right?") from exc

    def _fetch(self, url: str) -> httpx.Response:
        if self._client is None:
            raise RuntimeError("use RegistryClient as a context manager")
        retrying = Retrying(
            retry=retry_if_exception(_worth_retrying), stop=stop_after_attempt(self.attempts),
            wait=self._wait, sleep=self._sleep, before_sleep=self._count_retry, reraise=True)
        try:
            return retrying(self._once, url)
        except _Retryable as exc:
            raise RegistryError(f"{exc} after {self.attempts} attempts; the service may be "
                                "down or limiting us: try again later") from exc
        except httpx.HTTPStatusError as exc:
            raise RegistryError(f"HTTP {exc.response.status_code} from {url}") from exc
        except httpx.TransportError as exc:
            raise RegistryError(f"cannot reach {url}: {exc!r} (after {self.attempts} "
                                "attempts)") from exc

    def _once(self, url: str) -> httpx.Response:
        assert self._client is not None
        self._pace()
        self.stats.requests += 1
        response = self._client.get(url)
        if response.status_code in RETRY_STATUSES:
            raise _Retryable(response)
        response.raise_for_status()
        return response

    def _pace(self) -> None:
        if self.per_second > 0 and self._last is not None:
            pause = self._last + 1.0 / self.per_second - self.clock()
            if pause > 0:
                self._sleep(pause)
        self._last = self.clock()

    def _wait(self, state: RetryCallState) -> float:
        backoff = wait_exponential_jitter(initial=1, max=30, jitter=0.5)(state)
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable):
            asked = _retry_after(exc.response)
            if asked is not None:
                return min(asked, MAX_RETRY_AFTER_S)
        return backoff

    def _sleep(self, seconds: float) -> None:
        self.stats.waited_s += seconds
        self.sleep(seconds)

    def _count_retry(self, state: RetryCallState) -> None:
        self.stats.retries += 1


def _worth_retrying(exc: BaseException) -> bool:
    return isinstance(exc, _Retryable | httpx.TransportError)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
