"""Spacing out sends: at most N a minute overall and M a minute to one recipient domain."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

WINDOW_S = 60.0


@dataclass
class Throttle:
    """A sliding one-minute window over past sends; `wait` sleeps until the next is allowed."""

    per_minute: int | None = None
    per_domain_per_minute: int | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _sent: deque[tuple[float, str]] = field(default_factory=deque)

    def delay(self, domain: str) -> float:
        """Seconds to wait before a send to this domain is within both limits."""
        now, domain = self.clock(), domain.lower()
        while self._sent and now - self._sent[0][0] >= WINDOW_S:
            self._sent.popleft()
        waits = [0.0]
        if self.per_minute and len(self._sent) >= self.per_minute:
            waits.append(self._sent[-self.per_minute][0] + WINDOW_S - now)
        if self.per_domain_per_minute:
            same = [t for t, d in self._sent if d == domain]
            if len(same) >= self.per_domain_per_minute:
                waits.append(same[-self.per_domain_per_minute] + WINDOW_S - now)
        return max(waits)

    def wait(self, domain: str) -> float:
        """Sleep until a send to `domain` is allowed, then count it; returns seconds slept."""
        pause = self.delay(domain)
        if pause > 0:
            self.sleep(pause)
        self._sent.append((self.clock(), domain.lower()))
        return pause


def throttle_from_settings(settings: dict) -> Throttle:
    """The throttle foi.toml's [mail] per_minute and per_domain_per_minute ask for."""
    mail = settings.get("mail", {})
    return Throttle(mail.get("per_minute") or None, mail.get("per_domain_per_minute") or None)
