"""Labels as authorities write them matched to the codes of a campaign's code list.

A code the file gives wins; then a person's mapping of that exact label (kept and reused for
every authority that writes it); then the list's own label, spelled out ("MH" is "mental
health") and without its explanation in brackets; then the closest label by rapidfuzz, when
it is close enough. Anything else waits for a person. A block that gives codes on its rows
is never guessed for a row without one: that row is the authority's own category.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

# the score (0-100, rapidfuzz token_sort_ratio on spelled-out labels) a guess must reach
FUZZY_AT_LEAST = 88


@dataclass(frozen=True)
class Code:
    """One code of a code list and its label."""

    code: str
    label: str


class CodeListError(ValueError):
    """A code list that cannot be used, with why."""


def parse_code_list(text: str, source: str = "code list") -> tuple[Code, ...]:
    """Codes from CSV text with columns code,label (a header row naming them)."""
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "code" not in fields or "label" not in fields:
        raise CodeListError(f"{source}: needs a header row with columns 'code' and 'label'")
    codes, seen = [], set()
    for n, row in enumerate(reader, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if not row["code"]:
            raise CodeListError(f"{source} line {n}: a label without a code")
        if row["code"] in seen:
            raise CodeListError(f"{source} line {n}: code {row['code']!r} twice")
        seen.add(row["code"])
        codes.append(Code(row["code"], row["label"] or row["code"]))
    if not codes:
        raise CodeListError(f"{source}: no codes")
    return tuple(codes)


def read_code_list(path: Path) -> tuple[Code, ...]:
    """Codes from a CSV file (UTF-8)."""
    try:
        return parse_code_list(path.read_text(encoding="utf-8-sig"), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise CodeListError(f"{path}: cannot read it: {exc}") from exc


_SPELLED = {"mh": "mental health", "la": "local authority", "acc": "accommodation",
            "accom": "accommodation", "accomm": "accommodation", "temp": "temporary",
            "reg": "registered", "oth": "other", "supp": "support", "hc": "healthcare",
            "res": "residential", "facil": "facility", "hosp": "hospital", "diff": "different",
            "nfa": "no fixed abode", "l'lord": "landlord", "lord": "landlord", "mgt":
            "management", "org": "organisation", "lgh": "length", "arm": "arms", "&": "and"}
_BRACKETS = re.compile(r"\([^)]*\)")
_EG = re.compile(r"\s+e\.?g\.?\s.*$", re.I)
_WORD = re.compile(r"[a-z0-9']+|&")


def normalise(label: str) -> str:
    """A label compared by its words: lower case, abbreviations spelled out, no punctuation."""
    words = _WORD.findall(label.replace("\xa0", " ").lower().replace("/", " "))
    return " ".join(_SPELLED.get(w, w) for w in words)


def _variants(label: str) -> set[str]:
    bare = _EG.sub("", _BRACKETS.sub(" ", label))
    return {v for v in (normalise(label), normalise(bare)) if v}


@dataclass(frozen=True)
class Matcher:
    """A code list ready to match labels, with the mappings people have made."""

    codes: tuple[Code, ...]
    mappings: Mapping[str, str]      # normalised label -> code (a person's correction)
    by_variant: Mapping[str, str]

    @property
    def known(self) -> frozenset[str]:
        """Every code of the list."""
        return frozenset(c.code for c in self.codes)


def matcher(codes: Sequence[Code], mappings: Mapping[str, str] | None = None) -> Matcher:
    """A matcher for this code list and these people's mappings (label as written -> code)."""
    by_variant: dict[str, str] = {}
    for c in codes:
        for v in _variants(c.label):
            by_variant.setdefault(v, c.code)
    mapped = {normalise(label): code for label, code in (mappings or {}).items()}
    return Matcher(tuple(codes), mapped, by_variant)


@dataclass(frozen=True)
class Match:
    """The code a label was given, how, and how close a guess was (100 when not a guess)."""

    code: str | None
    method: str          # file, mapping, label, fuzzy, own (the file's own category), none
    score: float


def match_label(m: Matcher, label: str, code: str | None, *, coded_block: bool) -> Match:
    """The code for a label as written, with the file's own code first."""
    if code:
        return Match(code, "file", 100.0) if code in m.known else Match(None, "none", 0.0)
    key = normalise(label)
    if key in m.mappings:
        mapped = m.mappings[key]
        return Match(mapped or None, "mapping", 100.0)
    if coded_block:
        return Match(None, "own", 0.0)
    if key in m.by_variant:
        return Match(m.by_variant[key], "label", 100.0)
    if len(key.split()) >= 3:  # a label cut short ('Tenant - Local Authority/Arms Length Or')
        longer = {code for v, code in m.by_variant.items() if v.startswith(key)}
        if len(longer) == 1:
            return Match(longer.pop(), "prefix", 100.0)
    best = process.extractOne(key, list(m.by_variant), scorer=fuzz.token_sort_ratio)
    if best and best[1] >= FUZZY_AT_LEAST and _negations(key) == _negations(best[0]):
        return Match(m.by_variant[best[0]], "fuzzy", float(best[1]))
    return Match(None, "none", float(best[1]) if best else 0.0)


_NEGATIONS = frozenset({"not", "non", "no", "other", "without"})


def _negations(words: str) -> frozenset[str]:
    """The words that turn a label into its opposite: a guess must keep every one."""
    return frozenset(w for w in words.split() if w in _NEGATIONS)
