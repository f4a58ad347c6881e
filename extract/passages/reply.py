"""A reply as a person reads it: the body, the covering letter, then the other documents,
each given a role, with the page furniture that never answers anything taken out."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from extract.passages.text import normalise_text

ROLES = ("body", "covering_letter", "answer_document", "data", "supporting")
# Roles whose text may answer a question other than a document or data question.
ANSWERING_ROLES = ("body", "covering_letter", "answer_document")
DATA_KINDS = ("xlsx", "xls", "csv")


@dataclass(frozen=True)
class PageText:
    """The text of one page of one document of a reply ('body' for the email body)."""

    document_id: str
    page: int
    text: str
    filename: str = ""
    part: int = 0  # 0 is the email body, then the attachments in order
    kind: str = ""  # the document's kind: pdf, docx, xlsx, csv, text ...
    ocr: bool = False  # read by OCR: its digits are less sure ('1.' read as '4.')


@dataclass(frozen=True)
class QuestionSpec:
    """A numbered question of the request letter."""

    number: int
    key: str
    text: str
    type: str
    choices: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    unit: str | None = None   # a count's unit as the campaign asks it


@dataclass(frozen=True)
class ReplyPart:
    """One document of a reply, its role, and its pages without furniture."""

    document_id: str
    filename: str
    kind: str
    role: str
    pages: tuple[PageText, ...]


@dataclass(frozen=True)
class Reply:
    """The documents of one reply in the order a person reads them."""

    parts: tuple[ReplyPart, ...]

    def pages(self, roles: Sequence[str] = ROLES) -> list[PageText]:
        """The cleaned pages of the parts with these roles, in reading order."""
        return [p for part in self.parts if part.role in roles for p in part.pages]

    def role_of(self, document_id: str | None) -> str | None:
        """The role of one document of the reply."""
        return next((p.role for p in self.parts if p.document_id == document_id), None)


# ---------------------------------------------------------------------------
# Page furniture: lines that are never an answer

_TOC_LINE = re.compile(r"(?:\.{3,}|\u2026{2,}|(?:\.\s){3,}|_{4,}|-{4,})\s*\d{1,3}\s*$")
_NUMBERED_HEADING_WITH_PAGE = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.?|appendix\s+\w+)\s+"
                                         r"[A-Za-z][^\d]{2,90}?\s+\d{1,3}\s*$", re.I)
_CONTENTS_HEADING = re.compile(r"^\s*(?:table\s+of\s+)?contents?\s*:?\s*(?:page)?\s*$", re.I)
_PAGE_NUMBER_LINE = re.compile(
    r"^\s*[-\u2013]?\s*(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*[-\u2013]?\s*$", re.I)
_PAGE_X_OF_Y = re.compile(r"\bpage\s+\d{1,4}\s+(?:of|/)\s+\d{1,4}\b", re.I)
_SIGN_OFF = re.compile(r"^\s*(?:yours\s+(?:sincerely|faithfully|truly)|kind(?:est)?\s+regards"
                       r"|best\s+(?:wishes|regards)|many\s+thanks|regards|with\s+thanks)\W*$", re.I)
_QUOTED_THREAD = re.compile(
    r"^\s*(?:-{2,}\s*original\s+message\s*-{2,}|_{8,}\s*$|from:\s.+\n\s*(?:sent|date):\s"
    r"|on\s.{5,120}\swrote:\s*$)",
    re.I | re.M)


def _shape(line: str) -> str:
    """A line with its digits blurred, so 'Page 3 of 9' and 'Page 4 of 9' look alike."""
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def _running_lines(pages: Sequence[str]) -> set[str]:
    """Shapes of the header and footer lines repeated on most pages of a document."""
    if len(pages) < 3:
        return set()
    seen: Counter[str] = Counter()
    for text in pages:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        seen.update({_shape(ln) for ln in lines[:4] + lines[-4:]})
    return {shape for shape, n in seen.items() if n >= max(3, len(pages) // 2) and shape}


def _without_contents(lines: list[str]) -> list[str]:
    """Lines without a table of contents: dotted leaders, or headings ending in a page number
    under a 'Contents' heading."""
    kept: list[str] = []
    in_contents = False
    for line in lines:
        if _CONTENTS_HEADING.match(line):
            in_contents = True
            continue
        if _TOC_LINE.search(line):
            continue
        if in_contents:
            if _NUMBERED_HEADING_WITH_PAGE.match(line) or not line.strip():
                continue
            in_contents = False
        kept.append(line)
    return kept


def _without_signature(lines: list[str]) -> list[str]:
    """Lines without a sign-off and the short name, title and contact lines under it."""
    kept: list[str] = []
    skipping = 0
    for line in lines:
        if _SIGN_OFF.match(line):
            skipping = 6
            continue
        if skipping and len(line.strip()) < 70 and not re.match(r"^\s*(?:Q|question)?\s*\d", line):
            skipping -= 1
            continue
        skipping = 0
        kept.append(line)
    return kept


def strip_quoted_thread(text: str) -> str:
    """An email body without the earlier messages quoted below it."""
    match = _QUOTED_THREAD.search(text)
    body = text[: match.start()] if match and match.start() > 0 else text
    return "\n".join(ln for ln in body.splitlines() if not ln.lstrip().startswith(">"))


def clean_pages(pages: Sequence[str]) -> list[str]:
    """Each page without contents lines, running headers and footers, page numbers and
    signatures."""
    running = _running_lines(pages)
    cleaned = []
    for text in pages:
        raw = text.splitlines()
        filled = [n for n, ln in enumerate(raw) if ln.strip()]
        # a page number heads or foots its page; a bare figure between lines is an answer ("1")
        edges = set(filled[:2] + filled[-2:])
        lines = [ln for n, ln in enumerate(raw)
                 if _shape(ln) not in running
                 and not (n in edges and _PAGE_NUMBER_LINE.match(ln))
                 and not (_PAGE_X_OF_Y.search(ln) and len(ln) < 90)]
        cleaned.append("\n".join(_without_signature(_without_contents(lines))))
    return cleaned


# ---------------------------------------------------------------------------
# Roles

_LETTER_MARKS = (
    re.compile(r"\bdear\b", re.I),
    re.compile(r"\byours\s+(?:sincerely|faithfully)\b|\bkind\s+regards\b", re.I),
    re.compile(r"\b(?:our|your)\s+ref(?:erence)?\b|\bFOI\s*(?:ref|no|number)?\s*[:\-]?\s*\w*\d",
               re.I),
    re.compile(r"\bfreedom\s+of\s+information\b|\byour\s+(?:request|email|e-mail)\b", re.I),
    re.compile(r"\b(?:response|answer|reply)\b", re.I),
)
_POLICY_MARKS = re.compile(
    r"\b(?:table\s+of\s+contents|contents|policy|procedure|protocol|guidance|guideline"
    r"|version\s+\d|review\s+date|ratified|approved\s+by|scope|purpose|equality\s+impact"
    r"|document\s+control|definitions|responsibilities)\b", re.I)
_QA_HEADER = re.compile(r"\b(?:question|request)\b.{0,40}\b(?:response|answer|reply)\b", re.I)


def _numeric_lines_share(text: str) -> float:
    """The share of non-empty lines holding three or more numbers: a table of figures."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return 0.0
    numeric = sum(1 for ln in lines if len(re.findall(r"(?<![\w.])\d[\d,.]*", ln)) >= 3)
    return numeric / len(lines)


def _restates_a_question(text: str, questions: Sequence[QuestionSpec]) -> bool:
    """Whether a text repeats the start of one of the questions."""
    norm = normalise_text(text[:20000])
    for question in questions:
        start = normalise_text(question.text)[:60]
        if len(start) >= 20 and fuzz.partial_ratio(start, norm, score_cutoff=85):
            return True
    return False


def role_of(part: int, kind: str, pages: Sequence[str],
            questions: Sequence[QuestionSpec]) -> str:
    """What one document of a reply is: body, covering letter, answer document, data or
    supporting material (a policy, a guide, a report)."""
    if part == 0:
        return "body"
    if kind in DATA_KINDS or any(p.startswith("[Sheet: ") for p in pages[:1]):
        return "data"
    text = "\n".join(pages)
    if text.strip() and _numeric_lines_share(text) > 0.5:
        return "data"
    first = "\n".join(pages[:2])[:6000]
    letter_marks = sum(1 for mark in _LETTER_MARKS if mark.search(first))
    policy_marks = len(set(m.group(0).lower() for m in _POLICY_MARKS.finditer(first)))
    if letter_marks >= 3 and len(pages) <= 8 and policy_marks < 4:
        return "covering_letter"
    if len(pages) <= 12 and (_QA_HEADER.search(first) or _restates_a_question(text, questions)):
        return "answer_document"
    if policy_marks >= 3 or len(pages) > 12:
        return "supporting"
    return "covering_letter" if letter_marks >= 2 else "answer_document"


def _kind_by_name(filename: str) -> str:
    """A document's kind guessed from its file name, when the reader did not say."""
    match = re.search(r"\.(xlsx|xlsm|xls|csv|pdf|docx|doc|txt|html?)$", filename.lower())
    if not match:
        return ""
    return {"xlsm": "xlsx", "txt": "text", "htm": "html"}.get(match.group(1), match.group(1))


_ORDER = {role: n for n, role in enumerate(ROLES)}


def arrange_reply(pages: Sequence[PageText], questions: Sequence[QuestionSpec]) -> Reply:
    """The reply's documents, each with its role and cleaned pages, in reading order."""
    by_document: dict[str, list[PageText]] = {}
    for page in pages:
        by_document.setdefault(page.document_id, []).append(page)
    parts: list[tuple[int, int, ReplyPart]] = []
    for arrival, (document_id, doc_pages) in enumerate(by_document.items()):
        doc_pages.sort(key=lambda p: p.page)
        first = doc_pages[0]
        part_number = first.part if first.filename or first.part else (
            0 if document_id == "body" else arrival + 1)
        texts = [p.text.replace("\r\n", "\n") for p in doc_pages]
        if part_number == 0:
            texts = [strip_quoted_thread(t) for t in texts]
        kind = first.kind or _kind_by_name(first.filename or document_id)
        role = role_of(part_number, kind, texts, questions)
        cleaned = clean_pages(texts) if role != "data" else texts
        parts.append((_ORDER[role], arrival, ReplyPart(
            document_id, first.filename or document_id, kind, role,
            tuple(replace(p, text=t) for p, t in zip(doc_pages, cleaned, strict=True)))))
    parts.sort(key=lambda item: (item[0], item[1]))
    return Reply(tuple(part for _order, _arrival, part in parts))
