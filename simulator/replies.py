"""Demo simulator: authorities that answer, refuse or ignore a campaign's letters by email."""

from __future__ import annotations

import hashlib
import random
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

from simulator.letters import (
    SentLetter,
    SimQuestion,
    Voice,
    answer_text,
    compose_letter,
    render_docx,
    render_pdf,
)

LONDON = ZoneInfo("Europe/London")
# Outlook and NHSmail do not fold long Message-ID headers; a folded one parses with a leading space.
_WIRE = SMTP.clone(max_line_length=998)

# Share of letters per scenario, in percent.
SCENARIOS: tuple[tuple[str, int], ...] = (
    ("pdf_restated", 30), ("pdf_numbered", 15), ("pdf_table", 8), ("docx", 10),
    ("body_only", 7), ("refused_s12", 6), ("not_held", 6), ("partial", 4), ("silent", 14),
)
_OUTCOMES = {
    "refused_s12": "refused", "not_held": "not_held", "partial": "partially_successful",
    "silent": "no_response",
}
__all__ = ["SentLetter", "SimQuestion", "SimulatedReply", "simulate_replies", "write_replies"]

_DOCX = "vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class SimulatedReply:
    """What one authority sends back, with the truth its letter states."""

    reference: str
    scenario: str
    outcome: str
    truth: dict[str, str | None]
    sections: tuple[str, ...]
    messages: tuple[bytes, ...]
    replied_at: datetime | None


def simulate_replies(
    letters: Sequence[SentLetter], questions: Sequence[SimQuestion], *, seed: int = 2016
) -> list[SimulatedReply]:
    """Simulate every authority's correspondence in reply to our letters."""
    ordered = sorted(questions, key=lambda q: q.number)
    _check_questions(ordered)
    return [_simulate_one(letter, ordered, seed) for letter in letters]


def write_replies(replies: Sequence[SimulatedReply], directory: Path) -> list[Path]:
    """Write each simulated message as '<reference>-<n>.eml' and return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for reply in replies:
        stem = re.sub(r"[^\w.-]", "_", reply.reference)
        for n, raw in enumerate(reply.messages, start=1):
            path = directory / f"{stem}-{n}.eml"
            path.write_bytes(raw)
            paths.append(path)
    return paths


def _check_questions(questions: Sequence[SimQuestion]) -> None:
    """Reject question sets the simulator cannot answer consistently."""
    types = {q.key: q.type for q in questions}
    for q in questions:
        if q.only_if is not None and types.get(q.only_if) != "yes_no":
            raise ValueError(
                f"question {q.number} ({q.key}) depends on {q.only_if!r}, "
                "which is not a yes_no question of this campaign"
            )
        if q.type == "choice" and not q.choices:
            raise ValueError(f"question {q.number} ({q.key}) is a choice with no choices")


def _rng_for(seed: int, authority_id: str) -> random.Random:
    """A per-authority RNG that is stable across processes (unlike hash())."""
    digest = hashlib.sha256(authority_id.encode("utf-8")).digest()
    return random.Random(seed + int.from_bytes(digest[:8], "big"))


def _simulate_one(
    letter: SentLetter, questions: Sequence[SimQuestion], seed: int
) -> SimulatedReply:
    """Decide one authority's scenario and truth, then write its messages."""
    rng = _rng_for(seed, letter.authority_id)
    names, weights = zip(*SCENARIOS, strict=True)
    scenario = rng.choices(names, weights=weights)[0]
    asked_on = letter.sent_at.astimezone(LONDON).date()
    forced = _withholdable(questions) if scenario == "partial" else ()
    facts = _facts(questions, asked_on, rng, forced)
    outcome = _OUTCOMES.get(scenario, "successful")
    if scenario == "silent":
        truth: dict[str, str | None] = dict.fromkeys(facts)
        return SimulatedReply(letter.reference, scenario, outcome, truth, (), (), None)
    sections: tuple[str, ...] = ()
    truth = dict(facts)
    if scenario == "refused_s12":
        truth, sections = dict.fromkeys(facts, "refused"), ("s12",)
    elif scenario == "not_held":
        truth = dict.fromkeys(facts, "not_held")
    elif scenario == "partial":
        truth[_withheld_key(questions, facts)] = "refused"
        sections = ("s43",)
    voice = _voice(letter, rng)
    replied_at = _reply_time(letter.sent_at, rng)
    messages = []
    if rng.random() < 0.15:
        messages.append(_acknowledgement(letter, voice, rng))
    messages.append(_response(letter, questions, truth, scenario, voice, replied_at, rng))
    return SimulatedReply(
        letter.reference, scenario, outcome, truth, sections, tuple(messages), replied_at
    )


def _facts(
    questions: Sequence[SimQuestion], asked_on: date, rng: random.Random,
    forced_yes: Sequence[str] = (),
) -> dict[str, str]:
    """Draw the authority's true answers, honouring only_if conditions."""
    facts: dict[str, str] = {}
    for q in questions:
        if q.key in forced_yes:
            facts[q.key] = "yes"
        elif q.only_if is not None and facts.get(q.only_if) != "yes":
            # Authorities outside the condition often just say "No" to a dependent yes/no.
            said_no = q.type == "yes_no" and rng.random() < 0.3
            facts[q.key] = "no" if said_no else "not_applicable"
        else:
            facts[q.key] = _draw_value(q, asked_on, rng)
    return facts


def _draw_value(q: SimQuestion, asked_on: date, rng: random.Random) -> str:
    """Draw one plausible normalised value for a question's type."""
    if q.type == "yes_no":
        return "yes" if rng.random() < (0.10 if q.only_if else 0.55) else "no"
    if q.type == "count":
        return "0" if rng.random() < 0.08 else str(rng.randint(1, 80))
    if q.type == "number":
        return str(Decimal(rng.randint(5, 400)) / 10)
    if q.type == "money":
        pounds = rng.randint(50, 2500) * 1000
        roll = rng.random()
        if roll < 0.25:
            return f"{max(round(pounds, -5), 100000):.2f}"
        if roll < 0.75:
            return f"{pounds:.2f}"
        return f"{Decimal(rng.randint(5_000_000, 250_000_000)) / 100:.2f}"
    if q.type == "date":
        return (asked_on - timedelta(days=rng.randint(30, 730))).isoformat()
    if q.type == "choice":
        return rng.choice(q.choices)
    if q.type == "document":
        return "yes"
    return rng.choice(_TEXT_ANSWERS)


def _withholdable(questions: Sequence[SimQuestion]) -> tuple[str, ...]:
    """The conditions that must hold for a partial reply to have a budget to withhold."""
    by_key = {q.key: q for q in questions}
    target = next((q for q in questions if q.type == "money"), None)
    chain: list[str] = []
    while target is not None and target.only_if in by_key:
        chain.append(target.only_if)
        target = by_key[target.only_if]
    return tuple(chain)


def _withheld_key(questions: Sequence[SimQuestion], facts: dict[str, str]) -> str:
    """Pick the answer a partial reply withholds: the budget if it applies."""
    live = [q for q in questions if facts[q.key] != "not_applicable"]
    for wanted in (("money",), ("count", "number", "document", "text", "date", "choice")):
        found = [q for q in live if q.type in wanted]
        if found:
            return found[-1].key
    return (live or list(questions))[-1].key


_TEXT_ANSWERS = (
    "The scheme is overseen by the Primary Care Commissioning Committee.",
    "This is reviewed annually by the Governing Body.",
    "Arrangements are under review and no decision has been made.",
    "The CCG follows the national guidance issued by NHS England.",
)
_OFFICERS = (
    "Sarah Whitfield", "James Okafor", "Helen Marsh", "Priya Patel", "David Lowe",
    "Claire Dunmore", "Mohammed Iqbal", "Rachel Greaves", "Gareth Pugh", "Joanne Hollis",
)
_TEAMS = (
    "Freedom of Information Team", "Information Governance Team", "Corporate Affairs Team",
    "Information Governance Team (Commissioning Support Unit)",
)


def _voice(letter: SentLetter, rng: random.Random) -> Voice:
    """Draw how one authority's FOI office presents itself."""
    name = letter.authority_name
    place = re.sub(r"^NHS |\s+(CCG|Clinical Commissioning Group)$", "", name)
    place = re.split(r",| and ", place)[0].strip()
    noun = "the CCG" if "CCG" in name else "the Trust" if "Trust" in name else "the authority"
    return Voice(
        name=name, noun=noun, place=place, our_ref=f"FOI/2016/{rng.randint(100, 9999)}",
        officer=rng.choice(_OFFICERS), team=rng.choice(_TEAMS),
        domain=letter.authority_email.rpartition("@")[2] or "example.org",
    )


def _reply_time(sent_at: datetime, rng: random.Random) -> datetime:
    """A working-day office-hours moment 5–30 days after we sent the letter."""
    sent = sent_at.astimezone(LONDON).date()
    days = [d for d in range(5, 31) if (sent + timedelta(days=d)).weekday() < 5]
    day = sent + timedelta(days=rng.choice(days))
    minute = rng.randint(8 * 60 + 30, 17 * 60 + 30)
    return datetime(day.year, day.month, day.day, minute // 60, minute % 60,
                    rng.randint(0, 59), tzinfo=LONDON)


# ---- letters and emails -------------------------------------------------------------

def _answers(
    questions: Sequence[SimQuestion], truth: dict[str, str | None], voice: Voice,
    rng: random.Random,
) -> dict[str, str]:
    """Word every answer of one reply."""
    numbers = {q.key: q.number for q in questions}
    return {
        q.key: answer_text(q, truth[q.key], voice,
                            numbers.get(q.only_if) if q.only_if else None, rng)
        for q in questions
    }


def _response(
    letter: SentLetter, questions: Sequence[SimQuestion], truth: dict[str, str | None],
    scenario: str, voice: Voice, replied_at: datetime, rng: random.Random,
) -> bytes:
    """Build the real reply email, with its letter attached unless answered in the body."""
    answers = _answers(questions, truth, voice, rng)
    style = rng.choices(["thread", "own_subject", "letter_only"], weights=[80, 15, 5])[0]
    if scenario == "body_only" and style == "letter_only":
        style = "own_subject"
    attachments: list[tuple[str, bytes, str, str]] = []
    for q in questions:
        if q.type == "document" and truth[q.key] == "yes":
            table = f"item,value\r\n{q.key},provided\r\nauthority,{voice.name}\r\n"
            attachments.append((f"Appendix - question {q.number}.csv",
                                table.encode("utf-8"), "text", "csv"))
    greeting = rng.choice([f"Dear {letter.requester_name}", "Dear Sir/Madam",
                           f"Dear {letter.requester_name.split()[0]}"])
    if scenario == "body_only":
        body = _body_answers(questions, answers, greeting, voice, rng)
    else:
        body = _cover_note(greeting, voice, rng)
        show_ref = style != "thread" or rng.random() < 0.6
        reply_letter = compose_letter(letter, questions, answers, scenario, voice, replied_at,
                                      greeting, show_ref, rng)
        stem = rng.choice([f"FOI {voice.our_ref[9:]} Response",
                           f"FOI-2016-{voice.our_ref[9:]} Final Response",
                           f"{letter.reference} response letter"])
        if scenario == "docx":
            attachments.insert(0, (f"{stem}.docx", render_docx(reply_letter), "application", _DOCX))
        else:
            attachments.insert(0, (f"{stem}.pdf", render_pdf(reply_letter), "application", "pdf"))
    if style == "own_subject":
        body = body.replace("\n\n", f"\n\nYour reference: {letter.reference}\n\n", 1)
    elif style == "thread" and rng.random() < 0.4:
        body = body.replace("\n\n", f"\n\nRe: your request {letter.reference}\n\n", 1)
    subject = (f"RE: {letter.subject}" if style == "thread"
               else rng.choice([f"FOI {voice.our_ref[4:]} – Response",
                                f"Freedom of Information Request - {voice.our_ref} - Response"]))
    return _email(letter, voice, subject, body, replied_at, style == "thread", attachments, rng)


def _cover_note(greeting: str, voice: Voice, rng: random.Random) -> str:
    """The short email that carries an attached letter."""
    opener = rng.choice([
        "Please find attached our response to your request.",
        "Please find attached our response to your Freedom of Information request.",
        f"Please see attached the response from {voice.name} to your recent request.",
    ])
    return f"{greeting},\n\n{opener}\n\n{_signature(voice)}"


def _signature(voice: Voice) -> str:
    """An FOI office's email sign-off, with the NHSmail-style footer."""
    return (f"Kind regards\n\n{voice.officer}\n{voice.team}\n{voice.name}\n\n"
            "This message may contain confidential information. If you are not the intended "
            "recipient please inform the sender that you have received the message in error "
            "before deleting it.")


def _body_answers(
    questions: Sequence[SimQuestion], answers: dict[str, str], greeting: str, voice: Voice,
    rng: random.Random,
) -> str:
    """Answers written straight into the email body, compact or restated."""
    if rng.random() < 0.5:
        lines = [f"{q.number}. {answers[q.key]}" for q in questions]
    else:
        lines = [f"{q.number}. {q.text}\n{answers[q.key]}\n" for q in questions]
    intro = rng.choice(["In response to your request:",
                        f"{voice.name} can provide the following response to your request:"])
    return f"{greeting},\n\n{intro}\n\n" + "\n".join(lines) + f"\n\n{_signature(voice)}"


def _acknowledgement(letter: SentLetter, voice: Voice, rng: random.Random) -> bytes:
    """The automatic acknowledgement some FOI mailboxes send within minutes."""
    when = (letter.sent_at + timedelta(minutes=rng.randint(1, 25))).astimezone(LONDON)
    threaded = rng.random() < 0.5
    subject = (f"Automatic reply: {letter.subject}" if threaded
               else f"Acknowledgement of your FOI request {letter.reference}")
    body = ("Thank you for your email, which has been received by the Freedom of Information "
            f"team at {voice.name}.\n\nWe aim to respond within 20 working days of receipt, as "
            "required by the Freedom of Information Act 2000.\n\nThis is an automated message; "
            "please do not reply to it.")
    return _email(letter, voice, subject, body, when, threaded, [], rng, auto=True)


def _token(rng: random.Random, length: int) -> str:
    """Random upper-case/digit text from the authority's RNG."""
    return "".join(rng.choices(string.ascii_uppercase + string.digits, k=length))


def _email(
    letter: SentLetter, voice: Voice, subject: str, body: str, when: datetime, threaded: bool,
    attachments: Sequence[tuple[str, bytes, str, str]], rng: random.Random, *, auto: bool = False,
) -> bytes:
    """Serialise one message with fixed Message-ID, Date and MIME boundaries."""
    msg = EmailMessage()
    msg["From"] = formataddr((f"{voice.name} FOI", letter.authority_email))
    msg["To"] = letter.requester_email
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    if rng.random() < 0.5:
        host = f"{rng.choice(['AM3PR03MB', 'DB6PR0301MB', 'LO2P265MB'])}{rng.randint(100, 9999)}"
        msg["Message-ID"] = f"<{_token(rng, 32)}@{host}.eurprd03.prod.outlook.com>"
    else:
        msg["Message-ID"] = f"<{_token(rng, 20).lower()}.foi@{voice.domain}>"
    if threaded:
        msg["In-Reply-To"] = letter.message_id
        msg["References"] = letter.message_id
    if auto:
        msg["Auto-Submitted"] = "auto-replied"
        msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content(body, cte="quoted-printable")
    if not auto and rng.random() < 0.3:
        html = "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in body.split("\n\n"))
        msg.add_alternative(f"<html><body>{html}</body></html>", subtype="html",
                            cte="quoted-printable")
    for filename, data, maintype, subtype in attachments:
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    for n, part in enumerate(msg.walk()):
        if part.is_multipart():
            part.set_boundary(f"_{n:03d}_{_token(rng, 24)}_")
    return msg.as_bytes(policy=_WIRE)
