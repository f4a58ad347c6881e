"""Spacing out sends: a sliding one-minute window, overall and per recipient domain."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from flows.steps.send import send_campaign
from foi.authorities import demo_ccgs
from foi.mail.throttle import Throttle, throttle_from_settings
from foi.mail.transports import SmtpTransport
from warehouse.authorities import import_authorities
from warehouse.db import connect

from .conftest import RecordingHandler


@dataclass
class FakeTime:
    """A clock that only moves when something sleeps (or the test advances it)."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        """The current time."""
        return self.now

    def sleep(self, seconds: float) -> None:
        """Advance the clock instead of sleeping."""
        assert seconds > 0
        self.sleeps.append(seconds)
        self.now += seconds


def throttle(time: FakeTime, per_minute: int | None = None,
             per_domain: int | None = None) -> Throttle:
    """A throttle on the fake clock."""
    return Throttle(per_minute, per_domain, clock=time.clock, sleep=time.sleep)


def sends_in_window(sends: list[tuple[float, str]], at: float, domain: str | None = None) -> int:
    """Sends in the minute ending at `at` (inclusive), optionally to one domain."""
    # 1e-9: a wait of `earlier + 60 - now` lands within float rounding of the boundary.
    return sum(1 for t, d in sends if at - 60 + 1e-9 < t <= at and domain in (None, d))


def test_per_minute_spaces_the_sends_beyond_the_limit() -> None:
    time = FakeTime()
    limit = throttle(time, per_minute=3)
    start = time.now
    sent = []
    for _ in range(7):
        limit.wait("ccg.example")
        sent.append(time.now - start)
    assert sent == [0, 0, 0, 60, 60, 60, 120]


def test_per_domain_limit_does_not_hold_up_other_domains() -> None:
    time = FakeTime()
    limit = throttle(time, per_domain=2)
    start = time.now
    for domain in ("a.example", "a.example", "b.example", "b.example", "c.example"):
        assert limit.wait(domain) == 0
    assert time.now == start
    assert limit.wait("a.example") == 60
    assert limit.wait("c.example") == 0
    assert limit.wait("b.example") == 0     # b's sends are a minute old by now


def test_domains_differing_only_in_case_share_one_limit() -> None:
    time = FakeTime()
    limit = throttle(time, per_domain=1)
    assert limit.wait("Leeds.GOV.uk") == 0
    assert limit.wait("LEEDS.gov.uk") == 60


def test_sliding_window_never_exceeds_either_limit_and_never_waits_needlessly() -> None:
    for seed in range(40):
        rng = random.Random(seed)
        time = FakeTime()
        per_minute, per_domain = rng.randint(1, 8), rng.randint(1, 4)
        limit = throttle(time, per_minute, per_domain)
        sends: list[tuple[float, str]] = []
        for _ in range(60):
            time.now += rng.choice([0, 0, rng.uniform(0, 30), rng.uniform(0, 90)])
            domain = rng.choice(["a.example", "b.example", "c.example"])
            before = time.now
            pause = limit.wait(domain)
            assert time.now == before + pause
            sends.append((time.now, domain))
            assert sends_in_window(sends, time.now) <= per_minute, seed
            assert sends_in_window(sends, time.now, domain) <= per_domain, seed
            if pause > 0:
                # A moment earlier and one of the limits would have been broken.
                earlier = [*sends[:-1], (time.now - 1e-3, domain)]
                assert (sends_in_window(earlier, time.now - 1e-3) > per_minute
                        or sends_in_window(earlier, time.now - 1e-3, domain) > per_domain), seed


def test_throttle_from_settings_reads_zero_as_no_limit() -> None:
    assert throttle_from_settings({"mail": {"per_minute": 0, "per_domain_per_minute": 0}}
                                  ).delay("x.example") == 0
    limit = throttle_from_settings({"mail": {"per_minute": 30, "per_domain_per_minute": 2}})
    assert (limit.per_minute, limit.per_domain_per_minute) == (30, 2)


@dataclass
class StampingHandler(RecordingHandler):
    """Records, with each message, the fake time at which the server received it."""

    time: FakeTime = field(default_factory=FakeTime)
    stamps: list[tuple[float, tuple[str, ...]]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.stamps.append((self.time.now, tuple(envelope.rcpt_tos)))
        return await super().handle_DATA(server, session, envelope)


def test_send_campaign_spaces_deliveries_on_the_injected_clock(qof_workspace) -> None:
    from aiosmtpd.controller import Controller

    from .conftest import free_port

    time = FakeTime()
    handler = StampingHandler(time=time)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    ccgs = demo_ccgs()[:6]
    # Four CCGs behind one shared mailbox domain (spelt in two cases), two on their own.
    shared = [replace(a, email=f"foi.{a.id.lower()}@{'CSU' if i % 2 else 'csu'}.nhs.example")
              for i, a in enumerate(ccgs[:4])]
    con = connect(qof_workspace.database)
    try:
        import_authorities(con, shared, "test")
        start = time.now
        report = send_campaign(con, qof_workspace, "qof-local-schemes",
                               SmtpTransport(controller.hostname, controller.port),
                               limit=6, throttle=throttle(time, per_minute=3, per_domain=2))
    finally:
        con.close()
        controller.stop()
    assert len(report.sent) == 6 and not report.failed
    order = [a.email for a in shared] + [a.email for a in ccgs[4:6]]
    assert [rcpt for _, (rcpt,) in handler.stamps] == order
    # Domain limit 2 holds the 3rd shared-domain letter a minute; by then the first two have
    # left the window, so only the overall limit of 3 holds the 6th, a minute after the 3rd.
    assert [t - start for t, _ in handler.stamps] == [0, 0, 60, 60, 60, 120]
    assert time.sleeps == [60, 60]
