"""Word and lay out simulated authorities' reply letters; render them as PDF and Word files."""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

_LONDON = ZoneInfo("Europe/London")
_HOUSES = ("Riverside House", "Civic Centre", "Woodland House", "Trinity House", "Bridge Court")
_STREETS = ("Market Street", "Station Road", "High Street", "Church Lane", "Victoria Road")

@dataclass(frozen=True)
class SimQuestion:
    """One numbered question of the campaign, as the simulator needs it."""

    number: int
    key: str
    text: str
    type: str
    choices: tuple[str, ...] = ()
    only_if: str | None = None


@dataclass(frozen=True)
class SentLetter:
    """One request letter we sent, as the simulated authority receives it."""

    reference: str
    authority_id: str
    authority_name: str
    authority_email: str
    requester_name: str
    requester_email: str
    message_id: str
    subject: str
    sent_at: datetime



# Word files are zips: fixing member timestamps makes the bytes reproducible.
_ZIP_TIME = (2016, 1, 1, 0, 0, 0)
_DOC_TIME = datetime(2016, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Heading:
    """A bold line inside a letter body."""

    text: str


@dataclass(frozen=True)
class QATable:
    """A ruled question/response table; the first row is the header."""

    rows: tuple[tuple[str, ...], ...]


Block = str | Heading | QATable


@dataclass(frozen=True)
class ReplyLetter:
    """An authority's reply letter, independent of file format."""

    author: str
    letterhead: tuple[str, ...]
    meta: tuple[str, ...]
    body: tuple[Block, ...]


def render_pdf(letter: ReplyLetter) -> bytes:
    """Render a letter as a text PDF whose bytes depend only on the letter."""
    styles = getSampleStyleSheet()
    normal = ParagraphStyle("letter", parent=styles["Normal"], fontSize=10.5, leading=13.5)
    bold = ParagraphStyle("heading", parent=normal, fontName="Helvetica-Bold", spaceBefore=4)
    head = ParagraphStyle("letterhead", parent=normal, alignment=TA_RIGHT)
    cell = ParagraphStyle("cell", parent=normal, fontSize=9.5, leading=12)
    flow: list = [Paragraph(escape(line), head) for line in letter.letterhead]
    flow.append(Spacer(1, 6 * mm))
    flow += [Paragraph(escape(line), normal) for line in letter.meta]
    flow.append(Spacer(1, 5 * mm))
    for block in letter.body:
        if isinstance(block, Heading):
            flow.append(Paragraph(escape(block.text), bold))
        elif isinstance(block, QATable):
            flow.append(_pdf_table(block, cell))
        else:
            flow.append(Paragraph(escape(block).replace("\n", "<br/>"), normal))
        flow.append(Spacer(1, 2.5 * mm))
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, invariant=1, title="Freedom of Information response",
        author=letter.author, leftMargin=22 * mm, rightMargin=22 * mm,
    )
    doc.build(flow)
    return out.getvalue()


def _pdf_table(table: QATable, style: ParagraphStyle) -> Table:
    """Build a gridded reportlab table with wrapped cells."""
    width = 166 * mm
    ncols = len(table.rows[0])
    widths = [12 * mm, (width - 12 * mm) * 0.55, (width - 12 * mm) * 0.45]
    widths = widths[-ncols:] if ncols == 3 else [width * 0.55, width * 0.45]
    data = [[Paragraph(escape(text), style) for text in row] for row in table.rows]
    result = Table(data, colWidths=widths, repeatRows=1)
    result.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return result


def render_docx(letter: ReplyLetter) -> bytes:
    """Render a letter as a Word document whose bytes depend only on the letter."""
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    props = document.core_properties
    props.author = props.last_modified_by = letter.author
    props.title = "Freedom of Information response"
    props.created = props.modified = _DOC_TIME
    props.revision = 1
    for line in letter.letterhead:
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for line in letter.meta:
        document.add_paragraph(line)
    for block in letter.body:
        if isinstance(block, Heading):
            document.add_paragraph().add_run(block.text).bold = True
        elif isinstance(block, QATable):
            grid = document.add_table(rows=len(block.rows), cols=len(block.rows[0]))
            grid.style = "Table Grid"
            for row, texts in zip(grid.rows, block.rows, strict=True):
                for target, text in zip(row.cells, texts, strict=True):
                    target.text = text
        else:
            document.add_paragraph(block)
    out = io.BytesIO()
    document.save(out)
    return _fixed_zip_times(out.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite a zip with constant member timestamps, keeping member order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info))
    return out.getvalue()


@dataclass(frozen=True)
class Voice:
    """How one authority writes: names, references and habits drawn once per letter."""

    name: str
    noun: str
    place: str
    our_ref: str
    officer: str
    team: str
    domain: str


def _plain(value: Decimal) -> str:
    """Format a decimal without exponent or trailing zeros."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# ---- answer wording -----------------------------------------------------------------

_AUX = re.compile(
    r"^(?:if (?:yes|so)[,:]?\s*)?(do|does|did|has|have|is|are|was|will|can)\s+"
    r"(the \w+|your \w+|you)\s+(.+?)[?.]?$",
    re.IGNORECASE,
)
_AUX_3RD = {"do": "does", "have": "has", "are": "is"}
_UNITS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def _statement(q: SimQuestion, voice: Voice, rng: random.Random, negative: bool) -> str | None:
    """Turn 'Does the CCG plan to X?' into 'the CCG plans… / does not plan to X', or None."""
    found = _AUX.match(q.text.strip())
    if not found:
        return None
    aux, _subject, rest = found.groups()
    aux = _AUX_3RD.get(aux.lower(), aux.lower())
    rest = re.sub(r"\byour\b", "its", re.sub(r"\byou\b", "it", rest))
    who = voice.name if rng.random() < 0.4 else voice.noun
    return f"{who} {aux} {'not ' if negative else ''}{rest}"


def _cap(text: str) -> str:
    """Capitalise the first letter only, keeping 'CCG' upper case."""
    return text[:1].upper() + text[1:]


def _words(n: int) -> str:
    """Spell a count below 100 in English words."""
    if n < 20:
        return _UNITS[n]
    tens, units = divmod(n, 10)
    return _TENS[tens - 2] + (f"-{_UNITS[units]}" if units else "")


def _money_text(value: str, rng: random.Random) -> str:
    """Write a money truth the way finance officers do: £1.2m, £350,000, £1,250,000.00."""
    amount = Decimal(value)
    options = [f"£{amount:,.2f}"]
    if amount == amount.to_integral():
        options += [f"£{amount:,.0f}"] * 2
        if amount % 1000 == 0:
            options.append(f"£{amount / 1000:.0f}k")
        if amount % 100000 == 0 and amount >= 1_000_000:
            millions = _plain(amount / 1_000_000)
            options += [f"£{millions}m", f"£{millions} million"]
    return rng.choice(options)


def _date_text(value: str, rng: random.Random) -> str:
    """Write an ISO date as UK letters do."""
    day = date.fromisoformat(value)
    suffix = "th" if 10 <= day.day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(
        day.day % 10, "th")
    return rng.choice([
        f"{day.day} {day:%B %Y}", f"{day:%d/%m/%Y}", f"{day.day}{suffix} {day:%B %Y}",
    ])


def answer_text(
    q: SimQuestion, value: str | None, voice: Voice, condition: int | None, rng: random.Random
) -> str:
    """Word one answer so that it states exactly the given normalised value."""
    pick = rng.choice
    if value == "not_applicable":
        if condition is None:
            return pick(["Not applicable.", "N/A"])
        return pick(["Not applicable.", f"N/A – see answer to question {condition}.",
                     f"Not applicable – please see our response to question {condition}.", "N/A"])
    if value == "refused":
        return ("Withheld – this information is exempt under section 43(2) of the Act "
                "(commercial interests). Please see below.")
    if value == "not_held":
        return f"{_cap(voice.noun)} does not hold this information."
    if value is None:
        return ""
    if q.type == "yes_no":
        stated = _statement(q, voice, rng, negative=value == "no")
        if value == "yes":
            options = ["Yes.", "Yes"] + ([f"Yes – {stated}.", f"Yes, {stated}.",
                                          f"I can confirm that {stated}."] if stated else [])
        else:
            options = ["No.", "No"] + ([f"No, {stated}.", f"No – {stated}.",
                                        f"{_cap(stated)}."] if stated else [])
        return pick(options)
    if q.type == "count":
        n = int(value)
        if n == 0:
            return pick(["None.", "Nil", "0", "Zero (0)."])
        spelled = _words(n).capitalize()
        return pick([value, f"{value}.", f"{spelled} ({value}).", f"A total of {value}.",
                     f"{spelled}."])
    if q.type == "money":
        amount = _money_text(value, rng)
        return pick([amount, f"{amount}.", f"The budget is {amount}.", f"{amount} per annum.",
                     f"The total allocated is {amount}."])
    if q.type == "date":
        return pick(["{}", "{}.", "From {}."]).format(_date_text(value, rng))
    if q.type == "document":
        return pick(["Please see the attached document.", "A copy is attached.",
                     "Please find this attached to this email."])
    if q.type in ("number", "choice"):
        return pick([value, f"{value}."])
    return value


def compose_letter(
    letter: SentLetter, questions: Sequence[SimQuestion], answers: dict[str, str], scenario: str,
    voice: Voice, replied_at: datetime, greeting: str, show_ref: bool, rng: random.Random,
) -> ReplyLetter:
    """Lay out the attached letter for one scenario."""
    sent = letter.sent_at.astimezone(_LONDON)
    postcode = f"{voice.place[:2].upper()}{rng.randint(1, 9)} {rng.randint(1, 9)}AB"
    head = (voice.name, rng.choice(_HOUSES), f"{rng.randint(1, 99)} {rng.choice(_STREETS)}",
            voice.place, postcode, f"Email: {letter.authority_email}")
    meta = (f"Our ref: {voice.our_ref}",) + ((f"Your ref: {letter.reference}",)
                                              if show_ref else ()) + (
        f"Date: {replied_at.day} {replied_at:%B %Y}", "", f"{greeting},")
    title = Heading(rng.choice(["Freedom of Information Act 2000 – Request for Information",
                                f"Re: Freedom of Information Request {voice.our_ref}"]))
    received = f"Thank you for your request for information received on {sent.day} {sent:%B %Y}."
    numbered = [f"{q.number}. {q.text}" for q in questions]
    body: list = [title]
    if scenario == "refused_s12":
        body += [received, "You asked:", "\n".join(numbered), *_s12_paragraphs(voice)]
    elif scenario == "not_held":
        body += [received, *_not_held_paragraphs(voice, rng)]
    elif scenario == "pdf_table" or (scenario == "docx" and rng.random() < 0.5):
        body += [received, "Our response to each question is set out in the table below."]
        wide = rng.random() < 0.4
        header = ("No.", "Question", "Response") if wide else rng.choice(
            [("Question", "Response"), ("Request", "Answer")])
        rows = [(str(q.number), q.text, answers[q.key]) if wide
                else (f"{q.number}. {q.text}", answers[q.key]) for q in questions]
        body.append(QATable((header, *rows)))
    elif scenario == "pdf_numbered" or (scenario == "partial" and rng.random() < 0.5):
        sep = rng.choice([" – ", ". ", ") ", " - "])
        body += [received + " You asked:", "“" + "\n".join(numbered) + "”",
                 "This request has been handled under the Freedom of Information Act 2000.",
                 Heading(rng.choice(["Our response:", "Our Response:-", "Response"]))]
        body += [f"{q.number}{sep}{answers[q.key]}" for q in questions]
    else:
        label = rng.choice(["Response: ", "Answer: ", f"{voice.noun[4:]} response: ", ""])
        bold = rng.random() < 0.5
        body += [received, f"{voice.name} has considered your request and the answers follow."]
        for q, text in zip(questions, numbered, strict=True):
            body += [Heading(text) if bold else text, f"{label}{answers[q.key]}"]
    if scenario == "partial":
        body += _s43_paragraphs(voice)
    body += [*_review_paragraphs(voice, letter.authority_email),
             f"Yours sincerely\n\n{voice.officer}\n{voice.team}"]
    return ReplyLetter(voice.name, head, meta, tuple(body))


def _s12_paragraphs(voice: Voice) -> list[str | Heading]:
    """Refusal under section 12 with the section 16 advice and assistance."""
    return [
        Heading("Section 12 – cost of compliance"),
        f"{_cap(voice.noun)} estimates that the cost of complying with your request "
        "would exceed the appropriate limit of £450, which represents 18 hours of work at £25 "
        "per hour. Under section 12 of the Freedom of Information Act 2000 we are therefore "
        "not obliged to comply with your request.",
        "Locating, retrieving and extracting the information would require a manual review of "
        "contract files and correspondence held across the organisation.",
        "Under section 16 of the Act we have a duty to provide advice and assistance. You may "
        "wish to narrow your request, for example by limiting it to a single financial year "
        "or to one of the questions, so that it can be answered within the cost limit.",
    ]


def _not_held_paragraphs(voice: Voice, rng: random.Random) -> list[str | Heading]:
    """A not-held answer with one of the usual reasons."""
    reason = rng.choice([
        f"{_cap(voice.noun)} was not established at the time covered by your request.",
        "Commissioning of these services is carried out by NHS England, which may hold the "
        "information; you may wish to redirect your request to england.contactus@nhs.net.",
    ])
    return [f"{voice.name} does not hold the information you have requested. {reason}",
            "Under section 1(1)(a) of the Act we are therefore confirming that the "
            "information is not held."]


def _s43_paragraphs(voice: Voice) -> list[str | Heading]:
    """Withholding one answer under section 43(2) with the public interest test."""
    return [
        Heading("Section 43(2) – commercial interests"),
        "Some of the information requested is exempt under section 43(2) of the Freedom of "
        "Information Act 2000, as its disclosure would be likely to prejudice the commercial "
        f"interests of {voice.name} and of the providers with which it contracts.",
        "Section 43(2) is a qualified exemption and we have considered the public interest. "
        "While there is a public interest in transparency about the use of public money, we "
        "have concluded that the public interest in maintaining the exemption outweighs the "
        "public interest in disclosure while procurement is ongoing.",
    ]


def _review_paragraphs(voice: Voice, email: str) -> list[str | Heading]:
    """The internal review and Information Commissioner boilerplate."""
    return [
        "If you are dissatisfied with the handling of your request, you have the right to ask "
        f"for an internal review. Please write to the {voice.team}, {voice.name}, or email "
        f"{email} within 40 working days, quoting the reference above.",
        "If you remain dissatisfied following the internal review, you have the right under "
        "section 50 of the Freedom of Information Act 2000 to apply to the Information "
        "Commissioner, Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF (www.ico.org.uk).",
    ]


