"""Answers read from the reply as a whole, when no passage of its own answers a question: a
sentence naming the question, one clause of a sentence answering several, the data file named
for it, or a statement that the whole request is refused or not held."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from extract.interpreting.extracted import ExtractedAnswer
from extract.interpreting.interpret import read_answer
from extract.interpreting.sections import cited_sections
from extract.interpreting.statuses import answer_status
from extract.interpreting.values import typed_value
from extract.passages.locate import CROSS_REFERENCE_RE, cut_boilerplate
from extract.passages.reply import ANSWERING_ROLES, PageText, QuestionSpec, Reply
from extract.passages.text import SNIPPET_CHARS, clean_text, normalise_text, sentences, snippet

_NAMED_QUESTION_RE = re.compile(
    r"\b(?:question|q|part|point|request)\s*\.?\s*(\d{1,2}|one|two|three|four|five|six)\b", re.I)
_ORDINALS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def named_questions(text: str) -> set[int]:
    """The question numbers a sentence names ('question 3', 'Q2', 'part two')."""
    return {int(n) if n.isdigit() else _ORDINALS[n.lower()]
            for n in _NAMED_QUESTION_RE.findall(text)}


def _named_in_text(question: QuestionSpec, pages: Sequence[PageText]) -> ExtractedAnswer | None:
    """A sentence of the body or letter that names this question and answers it ('We are unable
    to answer question 3 as the Trust does not hold ...')."""
    for page in pages:
        for sentence in sentences(cut_boilerplate(clean_text(page.text))):
            if (named_questions(sentence) != {question.number} or "?" in sentence
                    or CROSS_REFERENCE_RE.search(sentence)):
                continue
            reading = read_answer(sentence, question)
            if reading.status != "answered" or reading.value is not None:
                return ExtractedAnswer(question.key, reading.status, reading.value,
                                       round(min(0.7, reading.confidence), 2), page.document_id,
                                       page.page, sentence[:SNIPPET_CHARS], "named-in-text",
                                       reading.sections, reading.rule, reading.detail,
                                       reading.unit)
    return None


def _tokens(text: str) -> set[str]:
    """Words of a file or sheet name or question, with 'section 117' as 's117', 'Q 2' as 'q2'."""
    text = re.sub(r"\bsection\s+(\d+)", r"s\1", text.lower())
    text = re.sub(r"\b(q|question|part)[\s_-]*(\d)\b", r"q\2", text)
    text = re.sub(r"\bpart\s+(one|two|three|four|five|six)\b",
                  lambda m: f"q{_ORDINALS[m.group(1)]}", text)
    return {t for t in re.findall(r"[a-z0-9]+", text) if len(t) >= 3 or re.match(r"q\d", t)}


def _data_for(question: QuestionSpec, questions: Sequence[QuestionSpec], reply: Reply
              ) -> tuple[PageText | None, float, str]:
    """The data page (a file or sheet) named for this question, how sure, and why; no page
    with confidence 0 when the data is named for the other questions only."""
    own = _tokens(question.text) - set().union(
        *(_tokens(q.text) for q in questions if q.key != question.key))
    named_any = False
    loose: PageText | None = None
    for page in reply.pages(("data",)):
        sheet = re.match(r"\[Sheet: ([^\]]*)\]", page.text)
        name = _tokens(page.filename + " " + (sheet.group(1) if sheet else ""))
        numbers = {int(t[1:]) for t in name if re.fullmatch(r"q\d", t)}
        if numbers:
            named_any = True
            if question.number in numbers:
                return page, 0.75, f"data file named for question {question.number}"
            continue
        head = normalise_text(page.text[:600])
        if fuzz.partial_ratio(normalise_text(question.text)[:80], head) >= 90:
            return page, 0.75, "data that restates the question"
        if own & name:
            loose = loose or page
    if loose is not None:
        return loose, 0.6, "data file named with the question's own words"
    if named_any:
        return None, 0.0, "data named for other questions only"
    shared = sum(1 for q in questions if q.type == "document") > 1
    # one file for several questions may answer only some of them: counted apart
    return None, 0.4, ("an attached data file named for no one question" if shared
                       else "an attached data file")


def whole_text_answer(
    question: QuestionSpec, questions: Sequence[QuestionSpec], reply: Reply, used: set[str]
) -> ExtractedAnswer | None:
    """A low-confidence answer from the reply as a whole, when no segment answers a question."""
    n_questions = len(questions)
    pages = reply.pages(ANSWERING_ROLES)
    named = _named_in_text(question, pages)
    if named is not None:
        return named
    for page in pages if not used else ():  # a reply-wide refusal only when nothing else is found
        clean = cut_boilerplate(clean_text(page.text))
        for sentence in re.split(r"(?<=[.!?])\s+", clean):
            if named_questions(sentence) - {question.number}:
                continue  # a sentence about another question
            status = answer_status(sentence)
            if status is None or status[0] not in ("refused", "not_held"):
                continue
            if status[0] == "refused" and not (status[1] or _WHOLE_REFUSAL_RE.search(sentence)):
                continue
            if status[0] == "not_held" and not _WHOLE_NOT_HELD_RE.search(sentence):
                continue  # "not recorded" in a data sheet is not the authority saying so
            return ExtractedAnswer(
                question.key,
                status[0],
                None,
                0.45,
                page.document_id,
                page.page,
                sentence[:SNIPPET_CHARS],
                "whole-text",
                status[1],
                status.rule,
                status.detail,
            )
    if question.type == "document":
        data, confidence, why = _data_for(question, questions, reply)
        if data is None and confidence:
            data = next((p for p in reply.pages(("data", "supporting"))
                         if p.document_id not in used and len(p.text.strip()) > 200), None)
        if data is not None:
            return ExtractedAnswer(question.key, "answered", "provided", confidence,
                                   data.document_id, data.page, snippet(data.text),
                                   "attachment", (), why)
    if n_questions == 1:
        for page in pages:
            body = cut_boilerplate(page.text)
            value, confidence = typed_value(body, question)
            if value is not None:
                return ExtractedAnswer(
                    question.key,
                    "answered",
                    value,
                    min(confidence, 0.45),
                    page.document_id,
                    page.page,
                    snippet(body),
                    "whole-text",
                )
    return None


_WHOLE_REFUSAL_RE = re.compile(
    r"\b(?:decided|unable|not\s+able)\s+(?:not\s+)?to\s+(?:disclose|provide|release)\b"
    r"|\brefus\w*\s+(?:your|this|the)\s+request\b|\bis\s+(?:being\s+)?withheld\b",
    re.I,
)
_WHOLE_NOT_HELD_RE = re.compile(
    r"\b(?:we|I|the\s+\w+(?:\s+\w+)?)\s+(?:do|does|did)\s+not\s+hold\b"
    r"|\b(?:we|I)\s+(?:don't|hold\s+no)\b|\binformation\s+(?:you\s+\w+\s+)?(?:is|was)\s+not\s+held",
    re.I,
)
_REQUEST = r"(?:your|this|the)\s+(?:whole\s+|entire\s+)?request"
_WHOLE_REQUEST_REFUSED_RE = re.compile(
    rf"\bnot\s+(?:obliged|required)\s+to\s+comply\s+with\s+{_REQUEST}"
    rf"|\b(?:refus\w*|decline)\s+(?:to\s+comply\s+with\s+)?{_REQUEST}"
    rf"|\b{_REQUEST}\s+(?:is|has\s+been|is\s+being)\s+refused\b"
    rf"|\bcost\s+of\s+complying\s+with\s+{_REQUEST}\s+would\s+exceed\b"
    rf"|\b{_REQUEST}\s+(?:is|as)\s+(?:vexatious|repeated)\b",
    re.I,
)
_WHOLE_REQUEST_NOT_HELD_RE = re.compile(
    r"\b(?:do|does|did)\s+not\s+hold\s+(?:the|any)\s+(?:recorded\s+)?information\s+"
    r"(?:(?:that\s+)?you\s+(?:have\s+)?(?:requested|asked\s+for)|requested)\b"
    r"|\b(?:none\s+of\s+)?the\s+information\s+(?:(?:that\s+)?you\s+(?:have\s+)?requested\s+)?"
    r"is\s+not\s+held\b|\bnone\s+of\s+the\s+information\s+.{0,40}\bis\s+held\b",
    re.I,
)
_CLAUSE_SPLIT_RE = re.compile(
    r";\s*|[.?]\s+|\s+(?=(?:(?:our|trust|the\s+trust's)\s+)?(?:response|answer)\s*[:\-\u2013])"
    r"|,?\s+(?:and|while|whilst|but|with)\s+(?=(?:a\s+further|another|an\s+additional"
    r"|in\s+addition|we\s+have|there\s+(?:is|are)|the\s+\w+\s+has|has|have|employs?"
    r"|(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b)\b)"
    r"|,\s+(?:and\s+)?(?=(?:a\s+further|another|plus|an\s+additional)\b)",
    re.I,
)
_STOPWORDS = frozenset((
    "does", "have", "with", "that", "this", "from", "which", "what", "your", "please", "provide",
    "many", "much", "trust", "council", "authority", "their", "there", "were", "been", "into",
    "about", "under", "each", "other", "copy", "number", "information"))
_CLAUSE_TYPES = ("count", "number", "money", "yes_no", "document")


def _stems(text: str) -> set[str]:
    return {w.rstrip("s") for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in _STOPWORDS}


def _naming(question: QuestionSpec, questions: Sequence[QuestionSpec], stems: set[str]) -> int:
    """How strongly a clause names what one question asks: its keywords (the campaign's words
    for it) count three times the question's own words no other question uses."""
    others = set().union(*(_stems(q.text) for q in questions if q.key != question.key))
    own = _stems(question.text) - others
    return 3 * len(_stems(" ".join(question.keywords)) & stems) + len(own & stems)


_LABEL_PREFIX_RE = re.compile(
    r"^\W*(?:(?:our|the|trust|trust's|council's)\s+)?(?:response|answer|reply)\s*[:\-\u2013]+\s*",
    re.I)


# "Inpatient wards: 5": the label names what is counted
_LABELLED_FIGURE_RE = re.compile(
    r"^[A-Za-z][^:\d]{2,40}:\s*\d+(?:\.\d+)?\s*(?:WTE|FTE|posts?)?\.?$", re.I)


def _clauses(pages: Sequence[PageText]) -> list[tuple[PageText, str]]:
    """The clauses of the answering pages, without response labels."""
    found = []
    for page in pages:
        # "Inpatient wards: 5" / "Community teams: 3", one per line: a clause each
        text = re.sub(r"\n(?=[A-Z][^:\n]{2,40}:\s*\d)", ".\n", page.text)
        for clause in _CLAUSE_SPLIT_RE.split(cut_boilerplate(clean_text(text))):
            clause = _LABEL_PREFIX_RE.sub("", clause or "").strip()
            if clause:
                found.append((page, clause))
    return found


def clause_answer(question: QuestionSpec, questions: Sequence[QuestionSpec],
                  pages: Sequence[PageText]) -> ExtractedAnswer | None:
    """For a sentence answering several questions at once: the clause that names what this
    question asks about more than any other question does, read in its type."""
    if question.type not in _CLAUSE_TYPES or len(questions) < 2:
        return None
    asked = [normalise_text(q.text) for q in questions]
    scored: list[tuple[int, PageText, str]] = []
    for page, clause in _clauses(pages):
        if "?" in clause or any(fuzz.partial_ratio(q, normalise_text(clause)) >= 80
                                for q in asked):
            continue  # the request quoted back, not an answer
        stems = _stems(clause)
        score = _naming(question, questions, stems)
        others = max((_naming(q, questions, stems) for q in questions if q.key != question.key),
                     default=0)
        if score and score >= others:  # a clause about another question is not this one's
            scored.append((score, page, clause))
    if not scored:
        return None
    best = max(s for s, _p, _c in scored)
    readings = [(p, c, read_answer(c, question)) for s, p, c in scored if s == best]
    valued = [(p, c, r) for p, c, r in readings
              if (r.status == "answered" and r.value is not None
                  and (question.type != "count" or not r.rule.endswith("without a noun")
                       or _LABELLED_FIGURE_RE.match(c)))
              or r.status in ("not_held", "suppressed") or (r.status == "refused" and r.sections)]
    if len({(r.status, r.value) for _p, _c, r in valued}) != 1:
        return None
    page, clause, reading = valued[0]
    return ExtractedAnswer(question.key, reading.status, reading.value,
                           round(min(0.6, reading.confidence), 2), page.document_id, page.page,
                           snippet(clause), "clause", reading.sections, reading.rule,
                           reading.detail, reading.unit)


def _whole_request_statement(
    pages: Sequence[PageText],
) -> tuple[str, tuple[str, ...], PageText, str] | None:
    """(status, sections, page, sentence) where a reply refuses or does not hold it all."""
    for status, pattern in (
        ("refused", _WHOLE_REQUEST_REFUSED_RE),
        ("not_held", _WHOLE_REQUEST_NOT_HELD_RE),
    ):
        for page in pages:
            clean = cut_boilerplate(clean_text(page.text))
            for sentence in re.split(r"(?<=[.!?])\s+", clean):
                if not pattern.search(sentence):
                    continue
                if status == "not_held":
                    return status, (), page, sentence
                return status, cited_sections(sentence) or cited_sections(clean), page, sentence
    return None


def apply_whole_request(
    pages: Sequence[PageText], answers: list[ExtractedAnswer]
) -> list[ExtractedAnswer]:
    """A reply that answers nothing and refuses, or does not hold, the whole request."""
    if any(a.status in ("answered", "not_applicable") for a in answers):
        return answers  # a refusal of one part: the other questions stay as found
    statement = _whole_request_statement(pages)
    if statement is None:
        return answers
    status, sections, page, sentence = statement
    pattern = _WHOLE_REQUEST_REFUSED_RE if status == "refused" else _WHOLE_REQUEST_NOT_HELD_RE
    whole = [
        ExtractedAnswer(
            a.question_key,
            status,
            None,
            0.6,
            page.document_id,
            page.page,
            sentence[:SNIPPET_CHARS],
            "whole-request",
            sections,
        )
        for a in answers
    ]
    # the segment after the last restated question holds the reply-wide statement, not an answer
    return [
        w if a.status == "unanswered" or pattern.search(a.snippet or "") else a
        for a, w in zip(answers, whole, strict=True)
    ]
