"""How one trust's FOI office presents itself: names, references, addresses, dates."""

from __future__ import annotations

import csv
import io
import random
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from foi.authorities import Authority, parse_registry
from simulator.letters import SentLetter

LONDON = ZoneInfo("Europe/London")
REGISTRY = "data/mh-trusts.csv"

_OFFICERS = (
    "Sarah Whitfield", "James Okafor", "Helen Marsh", "Priya Patel", "David Lowe",
    "Claire Dunmore", "Mohammed Iqbal", "Rachel Greaves", "Gareth Pugh", "Joanne Hollis",
    "Keshia Harvey", "Anne-Marie Field", "Tomasz Nowak", "Bernadette Quinn", "Liam Forsyth",
    "Amara Okonkwo", "Fiona McAllister", "Steven Ashworth",
)
_TITLES = (
    "Information Governance Officer", "Freedom of Information Coordinator",
    "Senior Information Governance Officer", "FOI Lead", "Information Governance Manager",
    "Corporate Governance Officer", "Information Rights Officer",
)
_TEAMS = (
    "Freedom of Information Team", "Information Governance Team", "FOI Team",
    "Information Governance and Medico Legal Team", "Corporate Governance Team",
    "Information Rights Team",
)
_BUILDINGS = (
    "Trust Headquarters", "Bath NHS House", "Edward Jenner Court", "The Curve", "Sentinel House",
    "Ashbourne Centre", "Wayside House", "Prentice Building", "Orchard House", "Rosewood Court",
    "Trust HQ, Ferndale Unit", "Brunel House",
)
_STREETS = (
    "Newbridge Hill", "Bury New Road", "Long Leys Road", "Nuffield Road", "Wilsons Lane",
    "Jubilee Road", "Kingsway", "Charles Hastings Way", "Russia Lane", "Pioneer Avenue",
    "Hospital Lane", "Station Road",
)
_PEOPLE = (
    "Charlotte Hitchings", "Dominic Hardisty", "Mark Lam", "Paul Calaminus", "Chris Burdon",
    "Sarah Dugan", "Jagtar Singh OBE", "Simon Gilby", "Ruth Hallam", "Neil Carver",
    "Gillian Fairfield", "Aisha Rahman",
)
_TAGLINES = (
    "Working Together for Outstanding Care",
    "The Trust is committed to safeguarding children, young people and vulnerable adults and "
    "requires all staff and volunteers to share this commitment.",
    "Caring, learning and growing together",
    "Proud to be part of the NHS family",
    "",
)


@dataclass(frozen=True)
class TrustVoice:
    """One trust's FOI office as it writes to us."""

    name: str
    short: str
    town: str
    email: str
    website: str
    our_ref: str
    officer: str
    title: str
    team: str
    sign_as_team: bool
    address: tuple[str, ...]
    phone: str
    chair: str
    chief_executive: str
    tagline: str
    received: date
    replied_at: datetime

    @property
    def noun(self) -> str:
        """How the letter names its own organisation mid-sentence."""
        return "the Trust"

    def signature(self) -> tuple[str, ...]:
        """The signature block's lines."""
        if self.sign_as_team:
            return (self.team, self.name)
        return (self.officer, self.title, self.team, self.name)


@cache
def registry_rows() -> dict[str, dict[str, str]]:
    """The registry's rows (with the simulator's own columns short and town) by id."""
    text = resources.files("simulator").joinpath(REGISTRY).read_text(encoding="utf-8")
    return {row["id"]: row for row in csv.DictReader(io.StringIO(text))}


def mh_trusts() -> tuple[Authority, ...]:
    """The 51 NHS mental health trusts of the registry, as foi reads them."""
    text = resources.files("simulator").joinpath(REGISTRY).read_text(encoding="utf-8")
    return parse_registry(text).authorities


def working_days_after(day: date, n: int) -> date:
    """The n-th weekday after day (bank holidays ignored: a simulated office)."""
    while n > 0:
        day += timedelta(days=1)
        n -= day.weekday() < 5
    return day


def draw_voice(letter: SentLetter, rng: random.Random) -> TrustVoice:
    """Draw how the trust that received the letter writes back."""
    row = registry_rows().get(letter.authority_id, {})
    name = letter.authority_name
    short = row.get("short") or "".join(w[0] for w in re.findall(r"[A-Z][a-z]+", name))
    town = row.get("town") or "Leeds"
    sent = letter.sent_at.astimezone(LONDON)
    received = working_days_after(sent.date(), 1) if sent.hour >= 17 else sent.date()
    day = working_days_after(received, rng.randint(8, 26))
    minute = rng.randint(8 * 60 + 40, 17 * 60 + 20)
    replied_at = datetime(day.year, day.month, day.day, minute // 60, minute % 60,
                          rng.randint(0, 59), tzinfo=LONDON)
    domain = letter.authority_email.rpartition("@")[2]
    site = domain if domain != "nhs.example" else f"{short.lower().replace('&', '')}.nhs.example"
    postcode = (f"{town[:2].upper()}{rng.randint(1, 29)} {rng.randint(1, 9)}"
                f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}")
    address = (rng.choice(_BUILDINGS), f"{rng.randint(1, 120)} {rng.choice(_STREETS)}", town,
               postcode)
    chair, chief = rng.sample(_PEOPLE, 2)
    return TrustVoice(
        name=name, short=short, town=town, email=letter.authority_email,
        website=f"www.{site}", our_ref=_our_ref(short, replied_at, rng),
        officer=rng.choice(_OFFICERS), title=rng.choice(_TITLES), team=rng.choice(_TEAMS),
        sign_as_team=rng.random() < 0.35, address=address,
        phone=f"0{rng.randint(1200, 3999)} {rng.randint(100000, 999999)}",
        chair=chair, chief_executive=chief, tagline=rng.choice(_TAGLINES),
        received=received, replied_at=replied_at,
    )


def _our_ref(short: str, when: datetime, rng: random.Random) -> str:
    """The trust's own case reference, in one of the shapes real trusts use."""
    n = rng.randint(12, 4999)
    yy = when.year % 100
    tag = re.sub(r"[^A-Za-z]", "", short).upper()
    return rng.choice([
        f"FOI {when.year}-{n:03d}", f"{tag}.FOI.{yy}.{n}", f"RFI-{n}", f"FOI/{yy}/{n:04d}",
        f"{tag}-{n}", f"{yy} FOI {n:03d}", f"D{n + 5000}", f"FOI-{n}", f"FOI {n:03d}-{yy}{yy + 1}",
    ])


def long_date(day: date, rng: random.Random) -> str:
    """A date written the ways covering letters write it."""
    suffix = "th" if 10 <= day.day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(
        day.day % 10, "th")
    return rng.choice([
        f"{day.day} {day:%B %Y}", f"{day.day}{suffix} {day:%B %Y}", f"{day:%d/%m/%Y}",
        f"{day.day}{suffix} {day:%B}, {day.year}",
    ])
