"""Rendering one campaign letter for one authority."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import jinja2

from foi.authorities import Authority
from foi.campaigns import Campaign

_ENV = jinja2.Environment(
    undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True
)


@lru_cache(maxsize=64)
def _compiled(source: str) -> jinja2.Template:
    """A template compiled once (a campaign's letter is rendered for every authority)."""
    return _ENV.from_string(source)


@dataclass(frozen=True)
class Letter:
    """A rendered request letter, ready to be put into a message."""

    reference: str
    authority_id: str
    to_name: str
    to_addr: str
    subject: str
    body: str


class LetterError(ValueError):
    """A template that cannot be rendered for an authority (e.g. an undefined field)."""


def letter_context(campaign: Campaign, authority: Authority, reference: str, today: date) -> dict:
    """The names a letter template may use."""
    return {
        "authority": authority,
        "campaign": campaign,
        "reference": reference,
        "sender": campaign.sender,
        "today": today,
        "date": f"{today.day} {today:%B %Y}",
        "questions": [
            {"number": n, "key": q.key, "text": q.text, "type": q.type}
            for n, q in campaign.numbered()
        ],
    }


def render_letter(campaign: Campaign, authority: Authority, reference: str, today: date) -> Letter:
    """Render the subject and body of the campaign letter to one authority."""
    context = letter_context(campaign, authority, reference, today)
    try:
        subject = _compiled(campaign.letter.subject).render(context)
        body = _compiled(campaign.letter.body).render(context)
    except jinja2.UndefinedError as exc:
        raise LetterError(
            f"campaign {campaign.id}: letter template uses an undefined name for "
            f"authority {authority.id}: {exc.message}"
        ) from exc
    subject = " ".join(subject.split())
    if reference not in subject:
        subject = f"{subject} [{reference}]"
    return Letter(reference, authority.id, authority.name, authority.email, subject, body)
