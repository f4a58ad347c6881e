"""The passage an answer was read from: the words to highlight (where they sit on a PDF page is
extract.reading.page_image's, drawn in the reader worker)."""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*|£?\d[\d,]*(?:\.\d+)?%?")
_STOPWORDS = frozenset((
    "does", "have", "with", "that", "this", "from", "which", "what", "your", "please", "provide",
    "many", "much", "their", "there", "were", "been", "into", "about", "under", "each", "other",
    "copy", "number", "information", "will", "would", "could", "should", "they", "them", "than",
    "also", "such", "these", "those", "following", "request"))
_YES_NO = {"yes": ("yes",), "no": ("no", "not", "none")}


def _stem(word: str) -> str:
    return word.lower().strip("'’-").rstrip("s")


def _number(word: str) -> str | None:
    digits = word.lstrip("£").rstrip("%").replace(",", "")
    try:
        return f"{float(digits):g}"
    except ValueError:
        return None


def question_head(text: str) -> str:
    """A long question's first sentence, the part a reader takes in at a glance."""
    text = " ".join(text.split())
    if len(text) <= 160:
        return text
    match = re.search(r"[.?](?=\s+[A-Z0-9(])", text[40:])
    return text[: 40 + match.end()] if match else text


def matched_words(question: str, keywords: Iterable[str] = (), value: str | None = None
                  ) -> set[str]:
    """The stems of the question's own words and keywords, and the value read, as tokens."""
    wanted = {_stem(w) for w in re.findall(r"[A-Za-z]{4,}", question)
              if w.lower() not in _STOPWORDS}
    wanted |= {_stem(w) for k in keywords for w in re.findall(r"[A-Za-z]{3,}", k)}
    if value:
        number = _number(value)
        if number is not None:
            wanted.add(f"#{number}")
        wanted.update(_YES_NO.get(value.lower(), ()))
    return wanted


def marked(passage: str, wanted: set[str]) -> list[tuple[str, bool]]:
    """The passage cut into runs of text, each with whether it is a matched word."""
    runs: list[tuple[str, bool]] = []
    at = 0
    for m in _WORD_RE.finditer(passage):
        word = m.group()
        number = _number(word) if word[0].isdigit() or word[0] == "£" else None
        hit = (f"#{number}" in wanted) if number is not None else (
            _stem(word) in wanted or word.lower() in wanted)
        if not hit:
            continue
        if m.start() > at:
            runs.append((passage[at:m.start()], False))
        runs.append((word, True))
        at = m.end()
    if at < len(passage):
        runs.append((passage[at:], False))
    return runs
