"""The parts every family assembles: greetings, quoted requests, covering letters, emails."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from simulator.letters import SentLetter
from simulator.styles.layout import Block, Bullets, Grid, LetterDoc, Para
from simulator.styles.model import BODY, Truth
from simulator.styles.policy import Policy
from simulator.styles.prose import (
    extra_notes,
    ico_paragraphs,
    reuse_paragraphs,
    review_paragraphs,
)
from simulator.styles.questions import (
    LETTER_DEFINITION,
    LETTER_INTRO,
    POLICY,
    QUESTIONS,
    Question,
)
from simulator.styles.voice import TrustVoice, long_date

LETTER, POLICY_DOC = "letter", "policy"


@dataclass(frozen=True)
class Attachment:
    """A document of the reply before rendering; `format` is pdf, docx, scan or policy."""

    id: str
    filename: str
    content: LetterDoc | Policy
    format: str


@dataclass
class Draft:
    """What a family writes: the email body (plain or HTML), attachments and the truth."""

    body: str | None = None
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    truths: list[Truth] = field(default_factory=list)


@dataclass(frozen=True)
class Ctx:
    """One reply being written: the letter it answers, the trust's voice, its dice."""

    family: str
    letter: SentLetter
    voice: TrustVoice
    rng: random.Random
    policy: Policy

    def pick(self, options: Sequence[str]) -> str:
        """One of the options."""
        return self.rng.choice(list(options))

    def chance(self, p: float) -> bool:
        """True with probability p."""
        return self.rng.random() < p


Answer = tuple[str | Sequence[Block], Truth]


def blocks_of(content: str | Sequence[Block], anchor: str = "") -> list[Block]:
    """An answer's blocks, each carrying the anchor."""
    if isinstance(content, str):
        return [Para(content, anchor=anchor)]
    out: list[Block] = []
    for block in content:
        if isinstance(block, Para):
            out.append(Para(block.text, block.style, anchor))
        elif isinstance(block, Bullets):
            out.append(Bullets(block.items, anchor))
        else:
            out.append(Grid(block.rows, block.header, anchor, block.widths))
    return out


def text_of(content: str | Sequence[Block]) -> str:
    """An answer as plain email text."""
    if isinstance(content, str):
        return content
    lines: list[str] = []
    for block in content:
        if isinstance(block, Para):
            lines.append(block.text)
        elif isinstance(block, Bullets):
            lines += [f"• {item}" for item in block.items]
        else:
            lines += ["    ".join(row) for row in block.rows]
    return "\n".join(lines)


def greeting(ctx: Ctx) -> str:
    """How the trust addresses us."""
    first, _, last = ctx.letter.requester_name.partition(" ")
    return ctx.pick([f"Dear {ctx.letter.requester_name}", f"Dear {first}", "Dear Sir/Madam",
                     f"Dear Mx {last or first}", "Dear Requester", f"Dear {first},"]).rstrip(",")


def received_sentence(ctx: Ctx) -> str:
    """The 'thank you for your request received on' opening."""
    day = long_date(ctx.voice.received, ctx.rng)
    return ctx.pick([
        f"Thank you for your request for information under the Freedom of Information Act 2000, "
        f"which was received on {day}.",
        f"I am writing in response to your request for information, made under the Freedom of "
        f"Information Act 2000, which was received by {ctx.voice.name} on {day}.",
        f"Thank you for your email dated {day}. Your questions and the Trust's responses are "
        "below.",
        f"Further to your Freedom of Information request received on {day}, please find our "
        "response below.",
        f"I can confirm that {ctx.voice.name} has now completed its search for the information "
        f"you requested on {day}.",
        f"Firstly, we would like to apologise for the delay in responding to your request "
        f"received on {day} and for any inconvenience this may have caused.",
    ])


def quoted_request(ctx: Ctx, questions: Sequence[Question] = QUESTIONS,
                   style: str = "normal") -> list[Block]:
    """Our request quoted back: an intro line and the numbered questions."""
    intro = ctx.pick(["You requested the following information:", "Your request:",
                      "Information Requested:", "FOI request:", "You asked:",
                      "Request Description:"])
    numbering = ctx.pick(["{n}. ", "{n}) ", "Question {n}. ", "Q{n} - ", "{n} - "])
    blocks: list[Block] = [Para(intro, "bold")]
    if ctx.chance(0.3):
        blocks.append(Para(LETTER_INTRO, style))
    blocks += [Para(numbering.format(n=q.number) + q.text, style) for q in questions]
    if ctx.chance(0.4):
        blocks.append(Para(LETTER_DEFINITION, style))
    return blocks


def response_label(ctx: Ctx) -> str:
    """The label before an answer."""
    return ctx.pick(["Response: ", "Answer: ", "Trust response: ", "Our response: ",
                     "RESPONSE: ", "", "A: ", "Reply: "])


def signature_blocks(ctx: Ctx) -> list[Block]:
    """The sign-off and signature."""
    close = ctx.pick(["Yours sincerely", "Yours sincerely,", "Kind regards", "Yours faithfully"])
    return [Para(close), Para("\n".join(ctx.voice.signature()))]


def closing_blocks(ctx: Ctx) -> list[Block]:
    """Everything after the answers: notes, re-use, review, ICO and the signature."""
    voice, rng = ctx.voice, ctx.rng
    paragraphs = [*extra_notes(voice, rng), *reuse_paragraphs(voice, rng),
                  *review_paragraphs(voice, rng), *ico_paragraphs(rng)]
    if ctx.chance(0.5):  # some sign before the boilerplate, most after
        return [*signature_blocks(ctx), *(Para(p, "small") for p in paragraphs)]
    return [*(Para(p) for p in paragraphs), *signature_blocks(ctx)]


def letter_doc(ctx: Ctx, middle: Sequence[Block], *, filename: str,
               opening: Sequence[Block] | None = None) -> LetterDoc:
    """A covering letter around the family's middle part."""
    voice, rng = ctx.voice, ctx.rng
    head = (voice.name, *voice.address, f"Tel: {voice.phone}", f"Email: {voice.email}",
            f"Web: {voice.website}")
    ref_line = ctx.pick([f"Our ref: {voice.our_ref}", f"Reference number: {voice.our_ref}",
                         f"Our reference: {voice.our_ref}"])
    meta = [ref_line]
    if ctx.chance(0.6):
        meta.append(f"Your ref: {ctx.letter.reference}")
    meta += [f"Date: {long_date(voice.replied_at.date(), rng)}", ctx.letter.requester_name,
             f"By email: {ctx.letter.requester_email}"]
    title = ctx.pick([
        "Freedom of Information Act 2000 – Request for Information",
        f"Re: Freedom of Information Request – Ref: {voice.our_ref}",
        "FREEDOM OF INFORMATION REQUEST",
        f"RE: FREEDOM OF INFORMATION ACT 2000 – INFORMATION REQUEST - REF: {voice.our_ref}",
    ])
    start = list(opening) if opening is not None else [Para(received_sentence(ctx))]
    footer: tuple[str, ...] = ()
    if ctx.chance(0.6):
        footer = (f"Chair: {voice.chair}    Chief Executive: {voice.chief_executive}",
                  f"{voice.name}, {', '.join(voice.address)}")
        if voice.tagline:
            footer = (voice.tagline[:110], *footer)
    return LetterDoc(
        filename=filename, author=voice.name, letterhead=head, meta=tuple(meta),
        blocks=(Para(f"{greeting(ctx)},"), Para(title, "bold"), *start, *middle,
                *closing_blocks(ctx)),
        footer=footer, page_numbers=ctx.chance(0.5),
        head_layout="columns" if ctx.chance(0.3) else "right",
    )


def letter_filename(ctx: Ctx, extension: str) -> str:
    """What trusts call their response letter."""
    ref = ctx.voice.our_ref
    when = ctx.voice.replied_at
    return ctx.pick([
        f"{ref} - Response Letter.{extension}", f"{ref.replace(' ', '')}FinalResponse.{extension}",
        f"{when:%Y%m%d} {ref} ResponseV1.{extension}", f"{ref} Response.{extension}",
        f"FOI Response {ref}.{extension}", f"{ctx.letter.reference} response.{extension}",
        f"{ref} Response_.{extension}x.{extension}" if extension == "docx"
        else f"Freedom of Information Response {ref}.{extension}",
    ]).replace("/", "-")


def scan_filename(ctx: Ctx) -> str:
    """What a scanned, signed letter is called."""
    when = ctx.voice.replied_at
    return ctx.pick([f"Scan_{when:%Y%m%d_%H%M}.pdf", f"{ctx.voice.our_ref} Response (signed).pdf",
                     f"DOC{when:%y%m%d}{ctx.rng.randint(100, 999)}.pdf",
                     "FOI response signed.pdf"]).replace("/", "-")


def signature_text(ctx: Ctx) -> str:
    """An FOI mailbox's email sign-off with one of the usual footers."""
    lines = "\n".join(ctx.voice.signature())
    footer = ctx.pick([
        "This message may contain confidential information. If you are not the intended "
        "recipient please inform the sender that you have received the message in error before "
        "deleting it.",
        "********************************************************************\nThis message "
        "originated from outside the NHSmail service. Please consider the environment before "
        "printing this email.",
        f"{ctx.voice.name}\n{', '.join(ctx.voice.address)}\nEmail: {ctx.voice.email}",
        "",
    ])
    close = ctx.pick(["Kind regards", "Kind Regards", "Many thanks", "Regards", "Best wishes"])
    return f"{close}\n\n{lines}" + (f"\n\n{footer}" if footer else "")


def email_text(ctx: Ctx, paragraphs: Sequence[str]) -> str:
    """A plain email: greeting, paragraphs, signature."""
    return "\n\n".join([f"{greeting(ctx)},", *paragraphs, signature_text(ctx)]) + "\n"


def cover_note(ctx: Ctx, *, two_lines: bool = False) -> str:
    """The short email that carries the response letter."""
    line = ctx.pick([
        "Please find attached our response to your Freedom of Information request.",
        "Please find attached the response to your FOI request.",
        f"Please see attached the response from {ctx.voice.name} to your recent request.",
        f"Please find attached the Trust's response to your request ({ctx.voice.our_ref}).",
    ])
    if two_lines:
        return f"{greeting(ctx)},\n\n{line}\n\n{ctx.voice.team}\n"
    return email_text(ctx, [line])


def policy_attachment(ctx: Ctx) -> Attachment:
    """The trust's discharge policy as an attachment."""
    return Attachment(POLICY_DOC, ctx.policy.filename, ctx.policy, "policy")


def policy_provided(ctx: Ctx, **extra: str) -> Truth:
    """Q2 answered by attaching the policy: the evidence is its title on page 1."""
    return Truth(POLICY, "answered", "provided", ctx.policy.title, where=POLICY_DOC, **extra)


def numbered_reply(ctx: Ctx, answers: dict[str, Answer], container: str,
                   order: Sequence[Question] = QUESTIONS, *, before: Sequence[Block] = (),
                   after: Sequence[Block] = ()) -> Draft:
    """Answers under the numbered questions, in a letter (pdf, docx, scan) or the body."""
    interleave = ctx.chance(0.6)
    question_style = ctx.pick(["normal", "bold", "italic", "bolditalic"])
    label = response_label(ctx)
    truths: list[Truth] = []
    middle: list[Block] = []
    where = BODY if container == "body" else LETTER
    middle += before
    if not interleave:
        middle += quoted_request(ctx, order, question_style)
        middle.append(Para(ctx.pick(["Response:", "Our response:", "Trust response:",
                                     "RESPONSES", "Answers:"]), "bold"))
    numbering = ctx.pick(["{n}. ", "{n}. ", "Question {n}: ", "Q{n}. "])
    for q in order:
        content, truth = answers[q.key]
        anchor = f"q{q.number}"
        if interleave:
            middle.append(Para(numbering.format(n=q.number) + q.text, question_style))
        blocks = blocks_of(content, anchor)
        first = blocks[0]
        if isinstance(first, Para):
            prefix = label if interleave else f"{q.number}. "
            blocks[0] = Para(prefix + first.text, first.style, anchor)
        middle += blocks
        truths.append(_placed(truth, where, anchor))
    middle += after
    draft = Draft(truths=truths)
    if container == "body":
        paragraphs = [received_sentence(ctx)] + [_block_text(b) for b in middle]
        draft.body = email_text(ctx, paragraphs)
    else:
        filename = scan_filename(ctx) if container == "scan" else letter_filename(ctx, container)
        draft.attachments.append(Attachment(LETTER, filename,
                                            letter_doc(ctx, middle, filename=filename),
                                            container))
        draft.body = cover_note(ctx)
    if any(t.where == POLICY_DOC for t in truths):
        draft.attachments.append(policy_attachment(ctx))
    return draft


def _placed(truth: Truth, where: str, anchor: str) -> Truth:
    """The truth with its document and anchor, unless the family placed it already."""
    if truth.where != BODY:
        return truth
    return replace(truth, where=where, anchor=anchor)


def _block_text(block: Block) -> str:
    """A block as email text."""
    return text_of([block])
