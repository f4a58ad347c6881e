"""Locating each question's passage in a reply: numbered items, restated questions, response
headings, cross-references ("see question 1") and clauses that name what a question asks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from extract.passages.reply import PageText, QuestionSpec
from extract.passages.text import (
    LEADING_NO,
    LEADING_YES,
    LINK_ONLY_RE,
    TRANSLATE,
    clean_text,
    normalise_text,
)

SEGMENT_CHARS = 1500
RESTATED_MIN_SCORE = 78.0


_MARKER_RE = re.compile(
    r"""^[ \t"'\u201c\u2018*•>]*
    (?:
        (?:Q(?:uestion)?|Request|Item)\s*\.?\s*(?P<q>\d{1,2})\s*(?:[.):\-\u2013\u2014|]|\s)
      | \(\s*(?P<paren>\d{1,2})\s*\)
      | (?P<num>\d{1,2})\s*(?:[.):](?!\d)|\s[\-\u2013\u2014](?=\s)|\s*\|)
      | \(?(?P<letter>[a-hA-H])\)
    )[ \t]*""",
    re.X | re.I,
)
# "Our response:", "Trust response", "Answer -" at the start of a line: the answer to the
# questions restated above it (a number makes it the answer to that question).
_RESPONSE_HEADING_RE = re.compile(
    r"^[ \t*\u2022]*(?:(?:our|the|trust|trust's|council's|ccg's|board's|organisation's)\s+)?"
    r"(?:response|answer|reply)s?(?:\s+to\s+(?:question|q|request)\s*\.?\s*(?P<n>\d{1,2}))?"
    r"\s*(?:[:\-\u2013]+[ \t]*|$)",
    re.I | re.M,
)
_INLINE_MARKER_RE = re.compile(r"(?<=[.!?:;])\s+(?:Q\s*)?(\d{1,2})[.)]\s+(?=\S)")
_LABEL_RE = re.compile(
    r"^(?:[\s|:;,.\-?\"')\]]|\u201d)*"
    r"(?:(?:our\s+|the\s+)?(?:response|answer|reply|a)\s*(?:\d{1,2}\s*)?[:.\-\u2013]+\s*"
    # "CCG response:", "Council's answer -": who answers, then the label, then a colon or dash
    r"|(?:(?!(?:yes|no|not|nil|none)\b)[A-Za-z][\w'\u2019]*\s+){1,3}(?:response|answer|reply)"
    r"\s*(?:\d{1,2}\s*)?[:\-\u2013]+\s*)?",
    re.I,
)
_BOILERPLATE_RE = re.compile(
    r"\bif\s+you\s+are\s+(?:not\s+satisfied|unhappy|dissatisfied)"
    r"|\byou\s+(?:have\s+the\s+right|may\s+(?:ask|request|apply))\b.{0,80}"
    r"(?:review|complain|commissioner)"
    r"|\binternal\s+review\b|\binformation\s+commissioner\b|\byours\s+(?:sincerely|faithfully)\b"
    r"|\bkind\s+regards\b|\bre-?use\s+of\s+(?:public\s+sector\s+)?information\b"
    r"|\bcopyright\b.{0,40}\b(?:council|trust|crown|owned)\b",
    re.I | re.S,
)


@dataclass(frozen=True)
class Segment:
    """A stretch of one document between two anchors (numbers or restated questions)."""

    document_id: str
    page: int
    position: int  # order across the whole reply
    number: int | None  # the digit it was numbered with
    letter: int | None  # 'a)' -> 1
    restates: int | None  # index of the question its start restates
    restated_score: float
    text: str  # after the marker
    answer: str  # after the marker, the restated question and any 'Answer:' label
    response: bool = False  # starts at a response heading


def _restatement(question_norm: str, text: str) -> tuple[float, int]:
    """How well a text starts with a question (0-100) and where the restatement ends in it."""
    if not question_norm:
        return 0.0, 0
    window = text[: int(len(question_norm) * 1.3) + 40]
    norm_window = normalise_text(window)
    if len(norm_window) < min(20, len(question_norm)) * 0.6:
        return 0.0, 0
    alignment = fuzz.partial_ratio_alignment(
        question_norm, norm_window, score_cutoff=RESTATED_MIN_SCORE
    )
    if alignment is None or alignment.dest_start > 6 or alignment.src_start > 15:
        return 0.0, 0  # a restatement starts where the question starts, not in its middle
    start = alignment.dest_start
    if fuzz.ratio(question_norm[:30], norm_window[start:start + 30]) < 60:
        return 0.0, 0  # only the question's tail is alike
    covered = (alignment.src_end - alignment.src_start) / len(question_norm)
    score = alignment.score * min(1.0, covered / 0.8)
    return score, _raw_offset(window, alignment.dest_end)


def _raw_offset(raw: str, norm_offset: int) -> int:
    """Map an offset in normalise_text(raw) back to an offset in raw."""
    seen = 0
    in_space = True
    for i, ch in enumerate(raw.translate(TRANSLATE)):
        if ch.isspace():
            if not in_space:
                seen += 1
                in_space = True
        else:
            seen += 1
            in_space = False
        if seen >= norm_offset:
            return i + 1
    return len(raw)


def _strip_restatement(text: str, end: int) -> str:
    """Drop the restated question, finishing its sentence if it stopped just short."""
    rest = text[end:]
    tail = re.match(r"^[^\n.?!|£]{0,25}[?.!]+", rest)
    if tail and not re.search(r"\b(?:yes|no)\b", tail.group(0), re.I):
        rest = rest[tail.end() :]
    return rest


def cut_boilerplate(text: str) -> str:
    m = _BOILERPLATE_RE.search(text)
    return text[: m.start()] if m else text


def _anchors(text: str) -> list[tuple[int, int, int | None, int | None]]:
    """(start, content start, number, letter) of each numbered item in a document's text."""
    found: list[tuple[int, int, int | None, int | None]] = []
    offset = 0
    last_number = 0
    for line in text.splitlines(keepends=True):
        m = _MARKER_RE.match(line)
        if m:
            digits = m.group("q") or m.group("paren") or m.group("num")
            letter = m.group("letter")
            number = int(digits) if digits else None
            if number is not None and number > 0:
                found.append((offset, offset + m.end(), number, None))
                last_number = number
            elif letter is not None:
                found.append((offset, offset + m.end(), None, ord(letter.lower()) - 96))
        for inline in _INLINE_MARKER_RE.finditer(line):
            number = int(inline.group(1))
            if number == last_number + 1:  # only a continuing sequence, not any '2.' in prose
                found.append((offset + inline.start(), offset + inline.end(), number, None))
                last_number = number
        offset += len(line)
    return found


def _echoes_as_answer(question_norm: str, text: str, end: int) -> bool:
    """Whether a question's words at the start of a text are an answer stating it back."""
    # "Yes - the Trust did ...", "The Council does not hold ... ." repeat the question's words
    # but as a statement: a restated question is still a question.
    if LEADING_YES.match(text.lstrip()) or LEADING_NO.match(text.lstrip()):
        return True
    if not question_norm.endswith("?"):
        return False
    tail = re.match(r"^[^\n.?!|]{0,25}[?.!]", text[end:])
    restated = text[: end + (tail.end() if tail else 0)]
    return "?" not in restated


def question_head(text: str) -> str:
    """The part of a question a reply restates: a long question's first sentence."""
    norm = normalise_text(text)
    if len(norm) <= 160:
        return norm
    match = re.search(r"[.?](?=\s+[a-z(])", norm[40:])
    return norm[: 40 + match.end()] if match else norm[:160]


def _words(text: str) -> set[str]:
    """Words of a text without plural s ('section 117' as 's117')."""
    text = re.sub(r"\bsection\s+(\d+)", r"s\1", text.lower())
    return {w if len(w) < 5 else w.rstrip("s") for w in re.findall(r"[a-z][a-z0-9]{2,}|s\d+", text)}


def _distinctive_words(heads: Sequence[str], keywords: Sequence[Sequence[str]] = ()
                       ) -> list[set[str]]:
    """Per question, the words of its head no other question's head has, and its keywords."""
    words = [_words(h) for h in heads]
    extra = [_words(" ".join(k)) for k in keywords] or [set() for _ in heads]
    return [(w - set().union(*(o for j, o in enumerate(words) if j != i))) | extra[i]
            for i, w in enumerate(words)]


def _question_lines(text: str, questions_norm: Sequence[str],
                    keywords: Sequence[Sequence[str]] = ()) -> list[tuple[int, int, int, float]]:
    """(start, restatement end, question index, score) where a line starts by restating one."""
    distinctive = _distinctive_words(questions_norm, keywords)
    found: list[tuple[int, int, int, float]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = re.match(
            r"^[\s\"'\u201c\u2018*•>]*(?:(?:Q(?:uestion)?\s*)?\d{1,2}\s*[.):\-\u2013|]?\s*)?"
            r"(?:(?:request|question)\s*[:\-]\s*)?"
            # "Please provide the total number ..." restates "The total number ..."
            r"(?:(?:please\s+)?(?:could\s+you\s+)?(?:please\s+)?(?:provide|supply|send|confirm)"
            r"\s+(?:me\s+)?(?:with\s+)?(?=the\s))?",
            line,
            re.I,
        )
        start = stripped.end() if stripped else 0
        if len(line.strip()) >= 8:
            rest_of_text = text[offset + start : offset + start + 800]
            best: tuple[int, float, int] | None = None
            best_rank = (-1, 0.0)
            for index, q_norm in enumerate(questions_norm):
                score, end = _restatement(q_norm, rest_of_text)
                if score < RESTATED_MIN_SCORE or _echoes_as_answer(q_norm, rest_of_text, end):
                    continue
                # near-identical questions ("... in contact with services", "... on a CPA")
                # are told apart by the words only one of them has
                said = _words(rest_of_text[:end + 20])
                rank = (len(distinctive[index] & said), score)
                if best is None or rank > best_rank:
                    best, best_rank = (index, score, end), rank
            if best is None:
                best = _paraphrase(text[offset + start: offset + start + 300], questions_norm,
                                   distinctive)
            if best is not None:
                found.append((offset, offset + start + best[2], best[0], best[1]))
        offset += len(line)
    return found


_ASKING_RE = re.compile(r"^\W{0,3}(?:how\s+many|how\s+much|what|which|when|does|do|did|is|are"
                        r"|has|have|can|could|please\s+(?:provide|send|supply|confirm)|a\s+copy"
                        r"|copy\s+of)\b", re.I)


def _paraphrase(text: str, questions_norm: Sequence[str], distinctive: Sequence[set[str]]
                ) -> tuple[int, float, int] | None:
    """(question index, score, end) for a question asked back in other words ('How many
    housing staff support patients in the community?'), told apart by each question's own
    words."""
    end = text.find("?")
    if not _ASKING_RE.match(text) or not 20 <= end <= 250:
        return None
    asked = normalise_text(text[: end + 1])
    said = _words(asked)
    ranked = sorted(((len(distinctive[i] & said), fuzz.token_set_ratio(asked, q), i)
                     for i, q in enumerate(questions_norm)), reverse=True)
    own, ratio, index = ranked[0]
    if ratio < 60 or (len(ranked) > 1 and (own, ratio) == ranked[1][:2]):
        return None
    if len(ranked) > 1 and own and ranked[1][0]:
        return None  # one question asking two ("... inpatients, and how many in the community?")
    return index, 70.0, end + 1


def find_segments(pages: Sequence[PageText], questions: Sequence[QuestionSpec]) -> list[Segment]:
    """Cut every document of the reply into numbered or question-anchored segments."""
    questions_norm = [question_head(q.text) for q in questions]
    # the instructions under a long question ("Please use the codes ..."), not its head
    request_lines = [normalise_text(q.text)[len(head):] for q, head in
                     zip(questions, questions_norm, strict=True) if len(q.text) > 160]
    by_document: dict[str, list[PageText]] = {}
    for page in pages:
        by_document.setdefault(page.document_id, []).append(page)
    segments: list[Segment] = []
    position = 0
    for document_id, doc_pages in by_document.items():
        doc_pages = sorted(doc_pages, key=lambda p: p.page)
        starts: list[tuple[int, int]] = []
        text = ""
        for page in doc_pages:
            starts.append((len(text), page.page))
            text += page.text.replace("\r\n", "\n") + "\n"
        numbered = _anchors(text)
        restated = _question_lines(text, questions_norm, [q.keywords for q in questions])
        boundaries: dict[int, tuple[int, int | None, int | None]] = {}
        for start, content, number, letter in numbered:
            boundaries[start] = (content, number, letter)
        for start, _end, _index, _score in restated:
            boundaries.setdefault(start, (start, None, None))
        responses: set[int] = set()
        for m in _RESPONSE_HEADING_RE.finditer(text):
            if m.start() not in boundaries:
                number = int(m.group("n")) if m.group("n") else None
                boundaries[m.start()] = (m.end(), number, None)
                if number is None:
                    responses.add(m.start())
        restated_at = {start: (end, index, score) for start, end, index, score in restated}
        ordered = sorted(boundaries)
        for i, start in enumerate(ordered):
            content, number, letter = boundaries[start]
            stop = ordered[i + 1] if i + 1 < len(ordered) else len(text)
            body = cut_boilerplate(text[content:stop])[:SEGMENT_CHARS]
            restates, score, answer = None, 0.0, body
            if start in restated_at:
                end, restates, score = restated_at[start]
                answer = _strip_restatement(body, max(0, end - content))
            answer = _strip_request_lines(answer, request_lines)
            answer = _LABEL_RE.sub("", answer.strip(), count=1).strip()
            page = max((p for s, p in starts if s <= start), default=doc_pages[0].page)
            segments.append(
                Segment(document_id, page, position, number, letter, restates, score, body, answer,
                        start in responses)
            )
            position += 1
    return segments


def substantive(answer: str) -> bool:
    """Whether a segment's answer part says anything beyond a stray URL or heading."""
    words = re.sub(r"https?://\S+|www\.\S+", " ", answer)
    return len(re.findall(r"[A-Za-z0-9£]+", words)) >= 1


_OCR_DIGITS = {1: (4, 7), 4: (1,), 7: (1,), 3: (8, 5), 5: (6, 3), 6: (5, 8), 8: (3, 6, 0)}


def candidates(
    index: int, question: QuestionSpec, segments: Sequence[Segment], n_questions: int
) -> list[tuple[Segment, str, float]]:
    """Segments that may answer a question, most trusted first, with method and base confidence."""
    restatements = [s for s in segments if s.restates == index]
    after = max((s.position for s in restatements), default=-1)
    own_document = {s.document_id for s in restatements}
    found: list[tuple[Segment, str, float]] = []
    numbered = [
        s
        for s in segments
        if s.number == question.number and s.restates is None and substantive(s.answer)
    ]
    # a restated request is answered later, numbered again: take the first after it
    later = [s for s in numbered if s.position > after]
    same_doc = [s for s in later if not own_document or s.document_id in own_document]
    for s in same_doc or later:
        found.append((s, "numbered", 0.95 if restatements else 0.9))
    for s in reversed(restatements):
        # under its own restated question, a link alone answers it: "here it is"
        if (substantive(s.answer) or LINK_ONLY_RE.match(s.answer.strip())) and answers_something(
                s.answer):
            found.append((s, "restated", 0.9 if s.number == question.number else 0.8))
    # OCR may read '1.' as '4.': a later segment numbered with a confusable digit
    confusable = _OCR_DIGITS.get(question.number, ())
    for s in segments:
        if (
            s.number in confusable
            and s.restates is None
            and ((s.number is not None and s.number > n_questions) or s.position > after >= 0)
            and substantive(s.answer)
        ):
            found.append((s, "numbered-ocr", 0.6))
    for s in segments:
        if s.letter == question.number and s.restates is None and substantive(s.answer):
            found.append((s, "lettered", 0.75))
    block = _response_block(index, segments)
    if block is not None:
        response, covered, restated = block
        if covered == 1:  # "Response:" under its own question: the question restated, answered
            found.append((response, "restated", 0.9 if restated.number == question.number else 0.8))
        else:
            found.append((response, "response-block", 0.75))
    return found


def _response_block(index: int, segments: Sequence[Segment]
                    ) -> tuple[Segment, int, Segment] | None:
    """The response heading after a run of restated questions that includes this one, and how
    many questions the run holds, when the question's own restatement is not answered."""
    for n, segment in enumerate(segments):
        if segment.restates != index:
            continue
        if substantive(segment.answer) and answers_something(segment.answer):
            return None
        run = {index}
        for later in segments[n + 1:]:
            if later.document_id != segment.document_id:
                return None
            if later.response:
                given = substantive(later.answer) or (
                    len(run) == 1 and LINK_ONLY_RE.match(later.answer.strip()))
                return (later, len(run), segment) if given else None
            if later.restates is not None:
                if substantive(later.answer) and answers_something(later.answer):
                    return None  # the questions of this run are answered one by one
                run.add(later.restates)
    return None


STRONG_METHODS = ("numbered", "restated")


_REQUEST_LINE_RE = re.compile(
    r"^\W*(?:please\s+(?:could|would|can|use|provide|send|supply|include|break|give)|could\s+you"
    r"|would\s+you|can\s+you|i\s+would\s+(?:like|be\s+grateful)|\d{1,2}\s+\w+\s+\d{4}\s+to\s)",
    re.I)


def _strip_request_lines(answer: str, request_lines: Sequence[str]) -> str:
    """An answer without the rest of the request quoted before it: lines that repeat the
    letter's own sentences or ask for something."""
    lines = answer.splitlines()
    while lines:
        line = lines[0].strip()
        norm = normalise_text(line)
        if LEADING_YES.match(line) or LEADING_NO.match(line):
            break
        if not line or _REQUEST_LINE_RE.match(line) or line.endswith("?") or any(
                (norm in r) if len(norm) < 12 else
                (len(norm) <= len(r) and fuzz.partial_ratio(norm, r) >= 90)
                for r in request_lines):
            lines.pop(0)
            continue
        break
    return "\n".join(lines)


def answers_something(answer: str) -> bool:
    """A restatement's remainder that reads like an answer rather than more of the request."""
    clean = clean_text(answer)
    if LEADING_YES.match(clean) or LEADING_NO.match(clean):
        return True
    more_request = (r"^\W{0,3}(?:these\s+are|this\s+is|it\s+is\s+important|for\s+example"
                    r"|please(?!\s+(?:see|find|note|refer|be\s+aware)))")
    return not re.match(more_request, clean, re.I)


CROSS_REFERENCE_RE = re.compile(
    r"\b(?:see|refer\s+to|as\s+per|same\s+as|covered\s+(?:by|in)|included\s+in|as\s+(?:in|for))"
    r"\s+(?:the\s+|our\s+|my\s+)?(?:answer|response|reply)?\s*(?:to|for|at|in|given\s+(?:to|in|for))?"
    r"\s*(?:question|q|point|item)\s*\.?\s*(?P<n>\d{1,2})\b"
    r"|^\W*(?P<above>(?:please\s+)?(?:see\s+(?:our\s+)?(?:answer\s+|response\s+)?above|as\s+"
    r"(?:stated\s+|per\s+|mentioned\s+)?above|ditto))\b",
    re.I,
)


def cross_reference(text: str, number: int) -> int | None:
    """The number of the question an answer refers to instead of answering, if it does."""
    m = CROSS_REFERENCE_RE.search(clean_text(text)[:300])
    if m is None:
        return None
    target = int(m.group("n")) if m.group("n") else number - 1
    return target if 0 < target != number else None
