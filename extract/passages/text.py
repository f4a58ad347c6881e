"""Text as every reader compares it: straight quotes and dashes, collapsed whitespace."""

from __future__ import annotations

import re

TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\t": " ",
        "\r": " ",
        "\u00a3": "£",
    }
)


def normalise_text(text: str) -> str:
    """Lower-case, straight quotes and dashes, one space: for fuzzy comparison."""
    return " ".join(text.translate(TRANSLATE).lower().split())


def clean_text(text: str) -> str:
    """Straight quotes and dashes, whitespace collapsed: the form every parser reads."""
    return " ".join(text.translate(TRANSLATE).split())


def sentences(text: str) -> list[str]:
    """A clean text cut into sentences."""
    clean = " ".join(text.split())
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\u2018\u201c])", clean) if s]


SNIPPET_CHARS = 300


def snippet(text: str) -> str:
    """The start of a passage, clean, as an answer cites it."""
    return clean_text(text)[:SNIPPET_CHARS]


# an answer that is only a link (a footnote marker before it, as mail converters write one)
LINK_ONLY_RE = re.compile(r"^\W{0,4}(?:\[\d+\])?(?:https?://|www\.)\S+\s*$", re.I)


# an answer that starts by saying yes or no
LEADING_YES = re.compile(r"^\W{0,3}(yes|yeah|yep|correct|affirmative)\b", re.I)
LEADING_NO = re.compile(r"^\W{0,3}no\b(?!\.?\s*(?:\d|of\b))", re.I)
