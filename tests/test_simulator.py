"""The demo simulator writes realistic, reproducible replies whose letters state the truth."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import re
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from email.utils import parseaddr
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pdfplumber
import pytest

from simulator.replies import (
    SCENARIOS,
    SentLetter,
    SimQuestion,
    SimulatedReply,
    simulate_replies,
    write_replies,
)

CCGS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ccgs-2016.csv"
SENT_AT = datetime(2016, 6, 6, 10, 30, tzinfo=ZoneInfo("Europe/London"))
QUESTIONS = (
    SimQuestion(1, "delegated", "Did the CCG take on fully delegated responsibility for "
                "commissioning GP services from 1 April 2016?", "yes_no"),
    SimQuestion(2, "local_scheme", "If yes, does the CCG plan to replace the Quality and "
                "Outcomes Framework (QOF) with a local scheme?", "yes_no", only_if="delegated"),
    SimQuestion(3, "scheme_budget", "If so, what is the annual budget for the local scheme?",
                "money", only_if="local_scheme"),
    SimQuestion(4, "practices", "How many GP practices are members of the CCG?", "count"),
    SimQuestion(5, "strategy_start", "When did the CCG's current primary care strategy start?",
                "date"),
    SimQuestion(6, "spec", "Please provide a copy of the local scheme specification.",
                "document", only_if="local_scheme"),
)
OTHER_TYPES = (
    SimQuestion(1, "level", "Which level of co-commissioning has the CCG adopted?", "choice",
                choices=("Greater involvement", "Joint commissioning", "Delegated")),
    SimQuestion(2, "wte", "How many whole-time equivalent staff work on primary care?", "number"),
    SimQuestion(3, "governance", "Who oversees the scheme?", "text"),
    SimQuestion(4, "spend", "What did the CCG spend on enhanced services in 2015/16?", "money"),
)
WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)
TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def sent_letters(n: int) -> list[SentLetter]:
    """Our letters to the first n CCGs of 2016, as the sending code would record them."""
    if not CCGS.exists():
        pytest.skip(f"{CCGS} is missing")
    with CCGS.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:n]
    return [
        SentLetter(
            reference=f"QOF16-{row['ods_code']}", authority_id=row["ods_code"],
            authority_name=row["name"],
            authority_email=f"foi@{row['ods_code'].lower()}.ccg.example",
            requester_name="Jane Reporter", requester_email="jane+foi@news.example",
            message_id=f"<qof16-{row['ods_code'].lower()}@foitrack.example>",
            subject=f"Freedom of Information request QOF16-{row['ods_code']}: "
                    "primary care incentive schemes",
            sent_at=SENT_AT,
        )
        for row in rows
    ]


@cache
def replies_209() -> tuple[tuple[SentLetter, SimulatedReply], ...]:
    """The demo's 209 letters and the simulated replies for seed 2016."""
    letters = sent_letters(209)
    return tuple(zip(letters, simulate_replies(letters, QUESTIONS), strict=True))


def parse(raw: bytes) -> EmailMessage:
    """Parse one raw message the way ingestion does."""
    return email.message_from_bytes(raw, policy=email.policy.default)


@cache
def reply_text(raw: bytes) -> str:
    """All readable text of a message: body plus PDF/DOCX/CSV attachments, spaces collapsed."""
    msg = parse(raw)
    texts = [msg.get_body(preferencelist=("plain",)).get_content()]
    for part in msg.iter_attachments():
        data = part.get_content()
        name = part.get_filename() or ""
        if name.endswith(".pdf"):
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                for page in pdf.pages:
                    texts.append(page.extract_text() or "")
                    page.close()
        elif name.endswith(".docx"):
            document = docx.Document(io.BytesIO(data))
            texts += [p.text for p in document.paragraphs]
            texts += [c.text for t in document.tables for r in t.rows for c in r.cells]
        else:
            texts.append(data if isinstance(data, str) else data.decode("utf-8"))
    return " ".join(" ".join(texts).split())


def amounts(text: str) -> set[Decimal]:
    """Every sterling amount written in the text, normalised to pounds."""
    found = set()
    for number, unit in re.findall(r"£([\d,]+(?:\.\d+)?)\s?(m\b|million|k\b)?", text):
        value = Decimal(number.replace(",", ""))
        found.add(value * {"m": 1_000_000, "million": 1_000_000, "k": 1000}.get(unit, 1))
    return found


def spelled(n: int) -> str:
    """A count in words, as letters spell it."""
    if n < 20:
        return WORDS[n]
    tens, units = divmod(n, 10)
    return TENS[tens - 2] + (f"-{WORDS[units]}" if units else "")


def states(text: str, question: SimQuestion, value: str) -> bool:
    """Whether the reply text states this (non yes/no) truth in one of the usual ways."""
    if value == "not_applicable":
        return "N/A" in text or "Not applicable" in text
    if value == "not_held":
        return "does not hold" in text
    if value == "refused":
        return "section 12" in text or "section 43(2)" in text
    if question.type == "money":
        return Decimal(value) in amounts(text)
    if question.type == "count":
        lowered = text.lower()
        return (re.search(rf"(?<![\d/£,.]){value}\b", text) is not None
                or spelled(int(value)) in lowered
                or (value == "0" and re.search(r"\b(None|Nil)\b", text) is not None))
    if question.type == "date":
        day = datetime.strptime(value, "%Y-%m-%d")
        return any(form in text for form in (
            f"{day.day} {day:%B %Y}", f"{day:%d/%m/%Y}", f"{day:%B %Y}"))
    if question.type == "document":
        return "attached" in text
    return value in text


def test_same_seed_gives_identical_bytes_and_another_seed_differs() -> None:
    letters = sent_letters(60)
    first = simulate_replies(letters, QUESTIONS)
    again = simulate_replies(letters, QUESTIONS)
    other = simulate_replies(letters, QUESTIONS, seed=7)
    assert [r.messages for r in first] == [r.messages for r in again]
    assert first == again
    assert [r.scenario for r in first] != [r.scenario for r in other]


def test_every_scenario_appears_in_roughly_its_share() -> None:
    counts = Counter(reply.scenario for _, reply in replies_209())
    for scenario, percent in SCENARIOS:
        assert counts[scenario] >= 1, scenario
        assert abs(counts[scenario] / 209 - percent / 100) < 0.08, (scenario, counts)


def test_outcome_truth_and_sections_match_the_scenario() -> None:
    delegated = Counter()
    for _, reply in replies_209():
        values = set(reply.truth.values())
        assert set(reply.truth) == {q.key for q in QUESTIONS}
        if reply.scenario == "silent":
            assert (reply.outcome, reply.messages, reply.replied_at) == ("no_response", (), None)
            assert values == {None}
            continue
        assert reply.messages and reply.replied_at is not None
        if reply.scenario == "refused_s12":
            assert (reply.outcome, values, reply.sections) == ("refused", {"refused"}, ("s12",))
        elif reply.scenario == "not_held":
            assert (reply.outcome, values, reply.sections) == ("not_held", {"not_held"}, ())
        elif reply.scenario == "partial":
            assert reply.outcome == "partially_successful" and reply.sections == ("s43",)
            assert list(reply.truth.values()).count("refused") == 1
        else:
            assert reply.outcome == "successful" and reply.sections == ()
            assert not values & {None, "refused", "not_held"}
        if reply.truth["delegated"] in ("yes", "no"):
            delegated[reply.truth["delegated"]] += 1
            if reply.truth["delegated"] == "no":
                assert reply.truth["local_scheme"] in ("no", "not_applicable")
                assert reply.truth["scheme_budget"] == "not_applicable"
    assert 0.4 < delegated["yes"] / sum(delegated.values()) < 0.7


def test_emails_parse_with_right_addresses_dates_and_threading() -> None:
    threaded = replying = acknowledged = 0
    for letter, reply in replies_209():
        replying += bool(reply.messages)
        for n, raw in enumerate(reply.messages, start=1):
            msg = parse(raw)
            assert parseaddr(msg["From"])[1] == letter.authority_email
            assert parseaddr(msg["To"])[1] == letter.requester_email
            assert msg["Message-ID"].startswith("<") and msg["Date"].datetime.tzinfo
            if msg["In-Reply-To"] is not None:
                assert msg["In-Reply-To"] == letter.message_id == msg["References"]
            automatic = msg["Auto-Submitted"] == "auto-replied"
            assert automatic == (n < len(reply.messages))
            acknowledged += automatic
            if automatic:
                continue
            threaded += msg["In-Reply-To"] is not None
            when = msg["Date"].datetime
            assert when == reply.replied_at and when.weekday() < 5
            assert timedelta(days=5) <= when - letter.sent_at <= timedelta(days=31)
            if not msg["In-Reply-To"] and letter.reference not in msg["Subject"]:
                assert letter.reference in reply_text(raw), reply.reference
    assert 0.6 < threaded / replying < 0.95
    assert 0.05 < acknowledged / replying < 0.3


def test_every_reply_states_exactly_its_truth() -> None:
    questions = {q.key: q for q in QUESTIONS}
    for _, reply in replies_209():
        if not reply.messages:
            continue
        text = reply_text(reply.messages[-1])
        for key, value in reply.truth.items():
            if questions[key].type != "yes_no" or value not in ("yes", "no"):
                assert states(text, questions[key], value), (reply.reference, key, value)
            if questions[key].type == "document" and value == "yes":
                assert f"{key},provided" in text, reply.reference
        yes_no = Counter(reply.truth[q.key] for q in QUESTIONS if q.type == "yes_no")
        assert len(re.findall(r"\bYes\b|I can confirm that", text)) >= yes_no["yes"]
        assert len(re.findall(r"\bNo\b|\bnot\b", text)) >= yes_no["no"]


def test_table_letters_put_each_answer_beside_its_question() -> None:
    checked = 0
    for _, reply in replies_209():
        if reply.scenario != "pdf_table":
            continue
        attachment = next(parse(reply.messages[-1]).iter_attachments())
        with pdfplumber.open(io.BytesIO(attachment.get_content())) as pdf:
            rows = [row for page in pdf.pages for table in page.extract_tables() for row in table]
        numbered = [(re.match(r"\d+", row[0] or ""), row[-1]) for row in rows]
        answers = {int(n.group()): " ".join(cell.split()) for n, cell in numbered if n}
        assert len(answers) == len(QUESTIONS)
        for q in QUESTIONS:
            value = reply.truth[q.key]
            if q.type == "yes_no" and value == "yes":
                assert re.match(r"Yes|I can confirm", answers[q.number])
            elif q.type == "yes_no" and value == "no":
                assert re.match(r"No\b| not ", answers[q.number]) or " not " in answers[q.number]
            else:
                assert states(answers[q.number], q, value), (reply.reference, q.key, value)
            checked += 1
    assert checked


def test_refusal_letters_cite_section_12_and_the_review_rights() -> None:
    refusals = [reply for _, reply in replies_209() if reply.scenario == "refused_s12"]
    assert refusals
    for reply in refusals:
        text = reply_text(reply.messages[-1])
        for phrase in ("section 12", "£450", "section 16", "internal review", "section 50"):
            assert phrase in text, (reply.reference, phrase)


def test_word_letters_open_with_python_docx() -> None:
    opened = 0
    for _, reply in replies_209():
        for part in parse(reply.messages[-1]).iter_attachments() if reply.messages else ():
            if (part.get_filename() or "").endswith(".docx"):
                document = docx.Document(io.BytesIO(part.get_content()))
                assert document.paragraphs and reply.scenario == "docx"
                opened += 1
    assert opened == sum(reply.scenario == "docx" for _, reply in replies_209())


def test_other_answer_types_are_written_as_their_truth() -> None:
    letters = sent_letters(40)
    for reply in simulate_replies(letters, OTHER_TYPES, seed=11):
        if reply.outcome != "successful":
            continue
        text = reply_text(reply.messages[-1])
        for q in OTHER_TYPES:
            assert states(text, q, reply.truth[q.key]), (reply.reference, q.key)


def test_write_replies_names_one_file_per_message(tmp_path: Path) -> None:
    replies = [reply for _, reply in replies_209()][:30]
    paths = write_replies(replies, tmp_path / "inbox")
    expected = [f"{r.reference}-{n}.eml" for r in replies for n in range(1, len(r.messages) + 1)]
    assert [p.name for p in paths] == expected
    assert [p.read_bytes() for p in paths] == [raw for r in replies for raw in r.messages]


def test_dependency_on_a_question_that_is_not_yes_no_is_rejected() -> None:
    broken = (*QUESTIONS, SimQuestion(7, "extra", "If so, how much?", "money", only_if="spend"))
    with pytest.raises(ValueError, match="not a yes_no question"):
        simulate_replies(sent_letters(1), broken)
