"""Replies in the styles real FOI officers write, each family with ground-truth labels.

The demo simulator (`simulator.replies`) writes the letters our reader expects; real trusts
do not. This package answers the housing-staff round-robin (`examples/mh-housing-staff.toml`)
the ways real replies do: counts in words, policies with contents pages full of numbers,
answers in the body, scans, HTML-only mail, "all staff help". Each reply carries the labels
a person reading it would write, so a reader can be measured and its confidence calibrated.
Labels come from what the generator wrote, never from the reader (`extract/`).

    letters = [...]                                   # SentLetter per request sent
    replies = generate_styled_replies(letters, seed=7)
    write_styled_replies(replies, workspace / "inbox")
    write_labels(replies, Path("labels.csv"))

Layers, each only importing those above it: `model` (labels), `questions`, `voice`, `prose`,
`layout` → `render_pdf`, `render_docx`, `scan`, `policy` → `compose` (shared parts) →
`families/` (one function per family) → `mail` → `generate` (the API).
"""

from simulator.styles.families import FAMILIES
from simulator.styles.generate import (
    LABEL_COLUMNS,
    generate_styled_replies,
    html_text,
    read_labels,
    styled_reply,
    write_labels,
    write_styled_replies,
)
from simulator.styles.model import OUTCOMES, STATUSES, Label, StyledReply, outcome_of
from simulator.styles.questions import CAMPAIGN_ID, QUESTIONS, REFERENCE_PREFIX
from simulator.styles.sample import sample_letters
from simulator.styles.voice import mh_trusts

__all__ = [
    "CAMPAIGN_ID",
    "FAMILIES",
    "LABEL_COLUMNS",
    "OUTCOMES",
    "QUESTIONS",
    "REFERENCE_PREFIX",
    "STATUSES",
    "Label",
    "StyledReply",
    "generate_styled_replies",
    "html_text",
    "mh_trusts",
    "outcome_of",
    "read_labels",
    "sample_letters",
    "styled_reply",
    "write_labels",
    "write_styled_replies",
]
