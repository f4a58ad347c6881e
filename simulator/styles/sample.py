"""Letters to reply to when no workspace has sent any: the round-robin sent yearly."""

from __future__ import annotations

from datetime import datetime

from simulator.letters import SentLetter
from simulator.styles.questions import REFERENCE_PREFIX
from simulator.styles.voice import LONDON, mh_trusts


def sample_letters(rounds: int = 3, *, first_year: int = 2023) -> list[SentLetter]:
    """The letter to every trust of the registry, yearly for `rounds` years (MHH23, MHH24…)."""
    letters = []
    for n in range(rounds):
        year = first_year + n
        prefix = f"{REFERENCE_PREFIX[:-2]}{year % 100:02d}"
        sent_at = datetime(year, 3, 6 + n, 10, 30, tzinfo=LONDON)
        for trust in mh_trusts():
            reference = f"{prefix}-{trust.id}"
            letters.append(SentLetter(
                reference=reference, authority_id=trust.id, authority_name=trust.name,
                authority_email=trust.email, requester_name="Alex Reporter",
                requester_email="foi-desk@newsroom.example",
                message_id=f"<{reference.lower()}@foitrack.example>",
                subject=f"Freedom of Information request {reference}: specialist housing staff",
                sent_at=sent_at,
            ))
    return letters
