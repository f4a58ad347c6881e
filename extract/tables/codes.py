"""Labels as authorities write them matched to the codes of a campaign's code list.

A code the file gives wins; then a person's mapping of that exact label (kept and reused for
every authority that writes it); then the list's own label, spelled out ("MH" is "mental
health") and without its explanation in brackets (or "e.g.", "aka" ...); then a label cut
short; then a label that shortens one code's label and no other's: its first word, the
others in order, half its words at least ("Night shelter/Hostel" is "Night
shelter/emergency hostel/Direct access hostel"); then the closest label by rapidfuzz, when it
is close enough. Anything else waits for a person. A guess never takes a code another row of the
same table has too (extract/tables/tidy.py). A block that gives codes on its rows is never
guessed for a row without one: that row is the authority's own category.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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


LEVEL_MARK = ": "   # a hierarchy's code: its level, this mark, its name ('Sub class: Rape')


def parse_hierarchy(text: str, levels: Sequence[str], source: str = "hierarchy"
                    ) -> tuple[Code, ...]:
    """The names of a hierarchy (CSV, one column a level, broadest first) as codes: each
    distinct name of each level once, its code the level and the name."""
    reader = csv.DictReader(io.StringIO(text))
    fields = {f.strip().casefold(): f for f in reader.fieldnames or []}
    missing = [lv for lv in levels if lv.strip().casefold() not in fields]
    if missing:
        raise CodeListError(f"{source}: no column {', '.join(map(repr, missing))} "
                            f"(it has {', '.join(map(repr, fields.values()))})")
    columns = [fields[lv.strip().casefold()] for lv in levels]
    seen: dict[str, Code] = {}
    for row in reader:
        for level, column in zip(levels, columns, strict=True):
            name = " ".join((row.get(column) or "").split())
            key = f"{level}{LEVEL_MARK}{name}".casefold()
            if name and key not in seen:
                seen[key] = Code(f"{level}{LEVEL_MARK}{name}", name)
    if not seen:
        raise CodeListError(f"{source}: no names in the columns {', '.join(levels)}")
    order = {lv: i for i, lv in enumerate(levels)}
    return tuple(sorted(seen.values(), key=lambda c: order[c.code.split(LEVEL_MARK)[0]]))


def level_of(code: str | None) -> str | None:
    """The level of a hierarchy's code, None for a code of a flat list."""
    return code.split(LEVEL_MARK, 1)[0] if code and LEVEL_MARK in code else None


def read_hierarchy(path: Path, levels: Sequence[str]) -> tuple[Code, ...]:
    """A hierarchy's names from a CSV file (UTF-8)."""
    try:
        return parse_hierarchy(path.read_text(encoding="utf-8-sig"), levels, str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise CodeListError(f"{path}: cannot read it: {exc}") from exc


def parse_aliases(text: str, known: frozenset[str], source: str = "aliases"
                  ) -> dict[str, str]:
    """Labels and the codes they mean (CSV label,code; an empty code: a category of the
    authority's own), each code one of the list's."""
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "label" not in fields or "code" not in fields:
        raise CodeListError(f"{source}: needs a header row with columns 'label' and 'code'")
    found: dict[str, str] = {}
    for n, row in enumerate(reader, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if not row["label"]:
            raise CodeListError(f"{source} line {n}: a code without a label")
        if row["code"] and row["code"] not in known:
            raise CodeListError(f"{source} line {n}: {row['code']!r} is not a code of the list")
        found[row["label"]] = row["code"]
    return found


def read_aliases(path: Path, known: frozenset[str]) -> dict[str, str]:
    """Aliases from a CSV file (UTF-8)."""
    try:
        return parse_aliases(path.read_text(encoding="utf-8-sig"), known, str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise CodeListError(f"{path}: cannot read it: {exc}") from exc


def read_categories(path: Path, levels: Sequence[str] = ()) -> tuple[Code, ...]:
    """A table question's categories from its file: a hierarchy's names when it has levels,
    else a code list."""
    return read_hierarchy(path, levels) if levels else read_code_list(path)


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
            "rehab": "rehabilitation", "crim": "criminal",
            "nfa": "no fixed abode", "l'lord": "landlord", "lord": "landlord", "mgt":
            "management", "org": "organisation", "lgh": "length", "arm": "arms", "&": "and"}
_BRACKETS = re.compile(r"\([^)]*\)")
_EG = re.compile(r"\s+(e\.?g\.?|aka|a\.k\.a\.?|also known as|such as)\s.*$", re.I)
_WORD = re.compile(r"[a-z0-9']+|&")


def normalise(label: str) -> str:
    """A label compared by its words: lower case, abbreviations spelled out, no punctuation."""
    words = _WORD.findall(label.replace("\xa0", " ").lower().replace("/", " "))
    return " ".join(_SPELLED.get(w, w) for w in words)


def _bare(label: str) -> str:
    """A label without its explanation: brackets, "e.g. ...", "such as ...", "aka ..." out."""
    return _EG.sub("", _BRACKETS.sub(" ", label))


_NUMBERED = re.compile(r"^\s*(?:NFIB\s*)?\d+[A-Z]?(?:/\d+)?\s+(?=[A-Za-z])")   # '105A Assault …'


def _variants(label: str) -> set[str]:
    return {v for v in (normalise(label), normalise(_bare(label)),
                        normalise(_NUMBERED.sub("", label))) if v}


# words a body adds to or drops from a hierarchy's names ('Drug Offence' for 'Drug Offences',
# 'Fraud' for 'NFIB Fraud', 'Theft Offence' for 'Theft'), and words in any order
_GENERIC = frozenset({"offence", "offences", "crime", "crimes", "nfib", "the", "of", "and",
                      "or", "a"})


def loose(label: str) -> str:
    """A hierarchy name compared loosely: no generic words, no plural s, words sorted."""
    words = {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
             for w in normalise(_NUMBERED.sub("", label)).split() if w not in _GENERIC}
    return " ".join(sorted(words))


SIMILAR = 90   # token_sort_ratio of two labels kept as sent that a person should see together


def similar_groups(labels: Sequence[str], score: float = SIMILAR) -> list[list[str]]:
    """Labels kept as sent that read alike ('Investigation complete - no suspect identified',
    '…– No Suspect Identified'), grouped so a person sees them together; groups of two or
    more, each in its labels' order."""
    keys = [loose(label) or normalise(label) for label in labels]
    group = list(range(len(labels)))

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for i in range(len(labels)):
        for j in range(i + 1, len(labels)):
            if _alike(keys[i], keys[j], score):
                group[root(j)] = root(i)
    found: dict[int, list[str]] = {}
    for i, label in enumerate(labels):
        found.setdefault(root(i), []).append(label)
    return [g for g in found.values() if len(g) > 1]


# words a place's name may carry or drop ('Darlington Memorial' and '… Hospital')
_PLACE_WORDS = frozenset({"hospital", "hospitals", "general", "nhs", "site", "campus", "the",
                          "of", "and", "&"})


def _alike(a: str, b: str, score: float) -> bool:
    if _negations(a) != _negations(b):   # 'victim supportive', 'victim not supportive'
        return False
    if a == b or fuzz.token_sort_ratio(a, b) >= score:
        return True
    shorter, longer = sorted((set(a.split()), set(b.split())), key=len)
    return len(shorter) >= 2 and shorter <= longer and longer - shorter <= _PLACE_WORDS


@dataclass(frozen=True)
class Matcher:
    """A code list ready to match labels, with the mappings people have made."""

    codes: tuple[Code, ...]
    mappings: Mapping[str, str]      # normalised label -> code (a person's correction)
    by_variant: Mapping[str, str]
    # code -> the words of each variant of its label (with and without its explanation)
    variant_words: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    # a hierarchy's names compared loosely (loose()) -> code; empty for a code list
    by_loose: Mapping[str, str] = field(default_factory=dict)

    @property
    def free(self) -> bool:
        """Free categories: no list, every label kept as written."""
        return not self.codes

    @property
    def known(self) -> frozenset[str]:
        """Every code of the list."""
        return frozenset(c.code for c in self.codes)


def matcher(codes: Sequence[Code], mappings: Mapping[str, str] | None = None) -> Matcher:
    """A matcher for this code list (or hierarchy, broadest level first: a name at two levels
    is the broader) and these people's mappings (label as written -> code)."""
    by_variant: dict[str, str] = {}
    by_loose: dict[str, str] = {}
    for c in codes:
        for v in _variants(c.label):
            by_variant.setdefault(v, c.code)
        if LEVEL_MARK in c.code and (k := loose(_NUMBERED.sub("", c.label))):
            by_loose.setdefault(k, c.code)
    # each part of a label of alternatives ('DVD/Blu Ray') names its code, if no other label
    # has that part too
    parts: dict[str, set[str]] = {}
    for c in codes:
        if "/" in c.label and LEVEL_MARK not in c.code:
            for part in _bare(c.label).split("/"):
                if len(key := normalise(part)) >= 3:
                    parts.setdefault(key, set()).add(c.code)
    for key, found in parts.items():
        if len(found) == 1:
            by_variant.setdefault(key, found.pop())
    mapped = {normalise(label): code for label, code in (mappings or {}).items()}
    return Matcher(tuple(codes), mapped, by_variant,
                   {c.code: tuple(tuple(v.split()) for v in sorted(_variants(c.label), key=len))
                    for c in codes}, by_loose)


@dataclass(frozen=True)
class Match:
    """The code a label was given, how, and how close a guess was (100 when not a guess)."""

    code: str | None
    method: str          # file, mapping, label, prefix, words, fuzzy, own (the file's own
                         # category), free (no list to match), none
    score: float


def match_label(m: Matcher, label: str, code: str | None, *, coded_block: bool) -> Match:
    """The code for a label as written, with the file's own code first."""
    key = normalise(label)
    if code:
        if code in m.known:
            return Match(code, "file", 100.0)
        if key in m.mappings:   # a person said what this code not in the list means
            return Match(m.mappings[key] or None, "mapping", 100.0)
        # a code not in the list (one retired since) with the list's label beside it: the label
        # says which code ('CJ09 Oth acc with criminal justice support' is CJ12 now)
        sure = [m.by_variant[k] for k in dict.fromkeys((key, normalise(_bare(label))))
                if k in m.by_variant and normalise(code) != key]
        return Match(sure[0], "label", 100.0) if sure else Match(None, "none", 0.0)
    if key in m.mappings:
        mapped = m.mappings[key]
        return Match(mapped or None, "mapping", 100.0)
    # the list's own label always matches, whatever other rows of the block hold
    for k in dict.fromkeys((key, normalise(_bare(label)))):
        if k in m.by_variant:
            return Match(m.by_variant[k], "label", 100.0)
    if m.by_loose:   # a hierarchy of many similar names: its own names only, never a guess
        k = loose(label)
        return Match(m.by_loose[k], "label", 100.0) if k in m.by_loose else \
            Match(None, "none", 0.0)
    if coded_block:
        return Match(None, "own", 0.0)
    if m.free:
        return Match(None, "free", 100.0)
    if len(key.split()) >= 3:  # a label cut short ('Tenant - Local Authority/Arms Length Or')
        longer = {code for v, code in m.by_variant.items() if v.startswith(key)}
        if len(longer) == 1:
            return Match(longer.pop(), "prefix", 100.0)
    found = _contraction(m, tuple(key.split()))
    if found:
        return Match(found, "words", 100.0)
    best = process.extractOne(key, list(m.by_variant), scorer=fuzz.token_sort_ratio)
    if best and best[1] >= FUZZY_AT_LEAST and _negations(key) == _negations(best[0]):
        return Match(m.by_variant[best[0]], "fuzzy", float(best[1]))
    return Match(None, "none", float(best[1]) if best else 0.0)


_NEGATIONS = frozenset({"not", "non", "no", "other", "without"})


def _in_order(words: tuple[str, ...], label: tuple[str, ...]) -> bool:
    """Whether words start label and the rest follow in it in order ('night shelter hostel'
    in 'night shelter emergency hostel direct access hostel')."""
    if not words or not label or words[0] != label[0]:
        return False
    rest = iter(label[1:])
    return all(w in rest for w in words[1:])


def _contraction(m: Matcher, words: tuple[str, ...]) -> str | None:
    """The one code whose label (without its explanation) the words shorten: its first word,
    the others in order, at least half of its words, the same negations; None when no label,
    or several (with their explanations), fit."""
    if len(words) < 2:
        return None
    fits = {code for code, variants in m.variant_words.items()
            if any(_in_order(words, v) for v in variants)}
    if len(fits) != 1:
        return None
    code = fits.pop()
    bare = m.variant_words[code][0]   # the shortest: without its explanation
    same = _negations(" ".join(words)) == _negations(" ".join(bare))
    return code if same and _in_order(words, bare) and 2 * len(words) >= len(set(bare)) else None


def _negations(words: str) -> frozenset[str]:
    """The words that turn a label into its opposite: a guess must keep every one."""
    return frozenset(w for w in words.split() if w in _NEGATIONS)
