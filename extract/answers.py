"""The reader's entry: arrange a reply, read and judge each answer, classify the reply."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from extract.interpreting.extracted import ExtractedAnswer
from extract.interpreting.interpret import Reading, read_answer
from extract.interpreting.reply_wide import apply_whole_request, clause_answer, whole_text_answer
from extract.interpreting.statuses import answer_status
from extract.judging.confidence import Evidence, judge
from extract.judging.outcomes import ReplyOutcome, classify_reply
from extract.passages.locate import (
    STRONG_METHODS,
    Segment,
    candidates,
    cross_reference,
    find_segments,
)
from extract.passages.reply import ANSWERING_ROLES, PageText, QuestionSpec, Reply, arrange_reply
from extract.passages.text import clean_text, sentences, snippet

ANSWER_TYPES = ("yes_no", "count", "number", "money", "date", "choice", "document", "text")


_CONDITIONAL_ON_YES = re.compile(
    r"^\W*if\s+(?:the\s+answer\s+(?:to\s+(?:the\s+)?(?:above|previous|question\s+\d+)\s+)?"
    r"is\s+|so\b|yes\b)",
    re.I,
)


def _gives_information(answer: ExtractedAnswer) -> bool:
    """An answer with a value whose text is no refusal, 'not applicable' or 'not held'."""
    # A refusal of the follow-up says nothing about the question before it ("we are not
    # obliged to comply with your request"), nor does "not applicable".
    if answer.status != "answered" or answer.value is None or answer.method == "whole-text":
        return False
    return answer_status(answer.snippet or "") is None


def _infer_from_follow_up(
    questions: Sequence[QuestionSpec], answers: list[ExtractedAnswer]
) -> list[ExtractedAnswer]:
    """'If yes, please send …' answered or provided implies the yes/no before it was yes."""
    out = list(answers)
    for i in range(len(questions) - 1):
        follow_up = questions[i + 1]
        if (
            questions[i].type == "yes_no"
            and out[i].status == "unanswered"
            and _CONDITIONAL_ON_YES.match(follow_up.text)
            and _gives_information(out[i + 1])
        ):
            source = out[i + 1]
            out[i] = ExtractedAnswer(
                questions[i].key,
                "answered",
                "yes",
                0.4,
                source.document_id,
                source.page,
                source.snippet,
                "inferred",
            )
    return out


@dataclass(frozen=True)
class ReplyReading:
    """What one reply says: an answer per question and the outcome of the whole reply."""

    answers: list[ExtractedAnswer]
    outcome: ReplyOutcome
    reply: Reply  # the arranged reply the answers were read from


def read_whole_reply(pages: Sequence[PageText], questions: Sequence[QuestionSpec]
                     ) -> ReplyReading:
    """Arrange a reply, answer each question, and classify the reply from the parts that may
    answer (a policy's 'not held' or 'exempt' is not the authority's)."""
    reply = arrange_reply(pages, questions)
    answers = read_reply(reply, questions)
    text = "\n".join(p.text for p in reply.pages(ANSWERING_ROLES))
    return ReplyReading(answers, classify_reply(text, answers), reply)


def extract_answers(
    pages: Sequence[PageText], questions: Sequence[QuestionSpec]
) -> list[ExtractedAnswer]:
    """One answer per question, in order, found across all pages of a reply."""
    return read_reply(arrange_reply(pages, questions), questions)


def _located(index: int, question: QuestionSpec, segments: Sequence[Segment], n_questions: int
             ) -> tuple[ExtractedAnswer, tuple[str, ...], int | None] | None:
    """The answer of the first useful candidate passage, the values other passages give, and
    the question it refers to instead of answering, if it does."""
    chosen: tuple[Segment, str, float, Reading] | None = None
    others: list[str] = []
    for segment, method, base in candidates(index, question, segments, n_questions):
        reading = read_answer(segment.answer, question)
        if chosen is not None:
            said = reading.value if reading.status == "answered" else reading.status
            if said is not None and said not in others:
                others.append(said)
            continue
        useful = reading.status != "answered" or (
            reading.value is not None and reading.confidence >= 0.7
        )
        if useful or method in STRONG_METHODS:
            chosen = (segment, method, base, reading)
    if chosen is None:
        return None
    segment, method, base, reading = chosen
    mine = reading.value if reading.status == "answered" else reading.status
    competing = tuple(o for o in others if o != mine)
    confidence = round(min(base, reading.confidence) if reading.confidence else 0.0, 2)
    if reading.status == "answered" and reading.value is None:
        confidence = min(confidence, 0.3) or 0.25
    refers = None
    first = sentences(clean_text(segment.answer))[:1]
    if first and reading.status in ("answered", "unclear") and (
            reading.value is None or read_answer(first[0], question).value is None):
        refers = cross_reference(first[0], question.number)  # "see our response to Q1"
        if refers is not None:
            reading = read_answer(first[0], question)
    answer = ExtractedAnswer(question.key, reading.status, reading.value, confidence,
                             segment.document_id, segment.page, snippet(segment.answer), method,
                             reading.sections, reading.rule, reading.detail, reading.unit)
    return answer, competing, refers


def _follow(answer: ExtractedAnswer, target: ExtractedAnswer, number: int) -> ExtractedAnswer:
    """An answer that says 'see question N' takes question N's answer, citing its own passage."""
    if target.status == "unanswered":
        return answer
    return replace(answer, status=target.status, value=target.value, sections=target.sections,
                   confidence=round(min(0.8, target.confidence), 2), method="cross-reference",
                   reason=f"refers to question {number}: {target.reason}", detail=target.detail,
                   unit=target.unit)


def read_reply(reply: Reply, questions: Sequence[QuestionSpec]) -> list[ExtractedAnswer]:
    """One answer per question, from the parts of an arranged reply that may answer it."""
    pages = reply.pages(ANSWERING_ROLES)
    segments = find_segments(pages, questions)
    found: list[ExtractedAnswer | None] = []
    competing: dict[str, tuple[str, ...]] = {}
    refers: dict[int, int] = {}
    used_documents: set[str] = set()
    for index, question in enumerate(questions):
        located = _located(index, question, segments, len(questions))
        if located is None:
            found.append(None)
            continue
        answer, competing[question.key], target = located
        if target is not None:
            refers[index] = target
        found.append(answer)
        used_documents.add(answer.document_id or "")
    numbers = {q.number: i for i, q in enumerate(questions)}
    for index, target in refers.items():
        if target == questions[index].number - 1:  # "as above": the last question of its type
            alike = [q.number for q in questions[:index] if q.type == questions[index].type]
            target = alike[-1] if alike else target
        source = found[numbers[target]] if target in numbers else None
        if source is not None and found[index] is not None:
            found[index] = _follow(found[index], source, target)  # type: ignore[arg-type]
    results: list[ExtractedAnswer] = []
    for question, answer in zip(questions, found, strict=True):
        if answer is None:
            answer = clause_answer(question, questions, pages)
        if answer is None:
            answer = whole_text_answer(question, questions, reply, used_documents)
        if answer is None:
            answer = ExtractedAnswer(
                question.key, "unanswered", None, 0.0, None, None, None, "none"
            )
        results.append(answer)
    results = _infer_from_follow_up(questions, apply_whole_request(pages, results))
    return [_judged(a, reply, competing.get(a.question_key, ())) for a in results]


def _judged(answer: ExtractedAnswer, reply: Reply, competing: tuple[str, ...]) -> ExtractedAnswer:
    """The answer with its confidence calibrated and the reason for it."""
    if answer.status == "unanswered":
        return replace(answer, reason="no passage answers it")
    ocr = any(p.ocr for p in reply.pages()
              if p.document_id == answer.document_id and p.page == answer.page)
    evidence = Evidence(answer.method, reply.role_of(answer.document_id) or "reply",
                        answer.reason or answer.method, answer.status, answer.confidence,
                        answer.confidence, competing, ocr)
    confidence, reason = judge(evidence)
    return replace(answer, confidence=confidence, reason=reason)
