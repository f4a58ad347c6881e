"""FOIA/FOISA sections and EIR regulations a reply cites as reasons to refuse."""

from __future__ import annotations

import re

# Only sections that are reasons to refuse are counted. A whitelist does the filtering:
# FOIA/FOISA s12 (cost limit), s14 (vexatious/repeated) and the Part II exemptions s21-s44
# (FOISA's exemptions s25-s41 fall inside that range); EIR regulations 12 and 13.
# Procedural sections in every letter are thereby never counted: s1 (right of access),
# s8/s10/s11 (valid request, time, means), s16 (advice and assistance), s17 (refusal notice),
# s45/s46 (codes of practice), s50 (appeal to the ICO), s77 (offence), reg 14 (EIR notice).
# A citation followed by "of the <other> Act" (Data Protection Act, Equality Act …) is dropped.
_EXEMPTION_SECTIONS = frozenset({12, 14, *range(21, 45)})
_EIR_REGULATIONS = frozenset({12, 13})

_SUBSECTION = r"(?:\s?\(\s?[0-9a-z]{1,4}\s?\))*"
_SECTION_RE = re.compile(
    r"(?<![\w'\u2019])(?:sections?|ss?\.?)\s?(?P<list>\d{1,2}(?!\d)"
    + _SUBSECTION
    + r"(?:\s?(?:,|and|&|or)\s?(?:s\.?\s?)?\d{1,2}(?!\d)"
    + _SUBSECTION
    + r")*)",
    re.I,
)
_REGULATION_RE = re.compile(
    r"(?<![\w'])(?:regulations?|regs?\.?|r\.)\s?(?P<list>\d{1,2}(?!\d)"
    + _SUBSECTION
    + r"(?:\s?(?:,|and|&|or)\s?\d{1,2}(?!\d)"
    + _SUBSECTION
    + r")*)",
    re.I,
)
_ITEM_RE = re.compile(r"(\d{1,2})(?!\d)(" + _SUBSECTION + ")")
_OTHER_ACT_RE = re.compile(
    r"^\s*(?:of|under)\s+the\s+(?!freedom\s+of\s+information|environmental\s+information)"
    r"[A-Z][\w ]{0,60}?\s(?:Act|Regulations)\b",
    re.I,
)
# "Section 12 - Supplementary Financial Information", "section 3 of the questionnaire":
# a part of a form or report, not a statute.
_NOT_STATUTE_RE = re.compile(
    r"^\s*(?:[-\u2013\u2014:]\s+[A-Z]|(?:of|in|to)\s+(?:the|this|our)\s+(?:questionnaire|form"
    r"|guidance|report|document|letter|return|template|policy|plan|spreadsheet|appendix)\b)",
)


def _normal_item(prefix: str, number: str, subsection: str) -> str:
    parts = re.findall(r"\(\s?([0-9a-z]{1,4})\s?\)", subsection, re.I)
    return prefix + number + "".join(f"({p.lower()})" for p in parts)


def cited_sections(text: str) -> tuple[str, ...]:
    """FOIA/FOISA sections and EIR regulations cited as reasons to refuse, normalised, in order."""
    clean = " ".join(text.replace("\u2019", "'").split())
    found: list[str] = []
    for pattern, prefix, allowed in (
        (_SECTION_RE, "s", _EXEMPTION_SECTIONS),
        (_REGULATION_RE, "reg", _EIR_REGULATIONS),
    ):
        for m in pattern.finditer(clean):
            after = clean[m.end() : m.end() + 90]
            if _OTHER_ACT_RE.match(after) or _NOT_STATUTE_RE.match(after):
                continue
            for item in _ITEM_RE.finditer(m.group("list")):
                if int(item.group(1)) in allowed:
                    section = _normal_item(prefix, item.group(1), item.group(2))
                    if section not in found:
                        found.append(section)
    return tuple(found)
