"""Write styled replies to sent letters, render their files, and resolve their labels."""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from simulator.letters import SentLetter
from simulator.styles.compose import Attachment, Ctx, Draft
from simulator.styles.families import FAMILIES
from simulator.styles.layout import LetterDoc, block_text
from simulator.styles.mail import html_of, reply_email
from simulator.styles.model import (
    BODY,
    Label,
    StyledReply,
    Truth,
    as_row,
    check_label,
    outcome_of,
)
from simulator.styles.policy import Policy, render_policy, trust_policy
from simulator.styles.questions import QUESTIONS
from simulator.styles.render_docx import render_letter_docx
from simulator.styles.render_pdf import render_letter_pdf
from simulator.styles.scan import render_scan
from simulator.styles.voice import draw_voice

LABEL_COLUMNS = ("family", "reference", "question_key", "status", "value", "acceptable",
                 "sections", "detail", "document", "page", "evidence", "outcome")


@dataclass(frozen=True)
class _Rendered:
    """One attachment's bytes, the page of each anchor, and the text we put in it."""

    filename: str
    data: bytes
    anchors: dict[str, int]
    text: str
    scanned_pages: tuple[str, ...] = ()


def generate_styled_replies(letters: Sequence[SentLetter], *, seed: int,
                            families: Sequence[str] | None = None) -> list[StyledReply]:
    """One reply per letter, cycling through the families in order; same seed, same bytes."""
    names = list(families) if families is not None else list(FAMILIES)
    unknown = [name for name in names if name not in FAMILIES]
    if unknown or not names:
        raise ValueError(f"unknown reply families {unknown or names!r}: choose from "
                         f"{', '.join(FAMILIES)}")
    return [styled_reply(letter, names[n % len(names)], seed=seed)
            for n, letter in enumerate(letters)]


def styled_reply(letter: SentLetter, family: str, *, seed: int) -> StyledReply:
    """The reply of one family to one letter."""
    rng = random.Random(f"{seed}:{family}:{letter.reference}:{letter.message_id}")
    voice = draw_voice(letter, rng)
    policy = trust_policy(seed, letter.authority_id, voice.name, voice.short)
    ctx = Ctx(family, letter, voice, rng, policy)
    draft = FAMILIES[family](ctx)
    rendered = {a.id: _render(a, ctx) for a in draft.attachments}
    body_text = draft.body if draft.body is not None else html_text(draft.html or "")
    labels = tuple(_label(ctx, truth, rendered, body_text) for truth in _ordered(draft))
    html = draft.html
    if draft.body is not None and html is None and ctx.chance(0.25):
        html = html_of(draft.body)
    eml = reply_email(ctx, body=draft.body, html=html,
                      attachments=[(r.filename, r.data) for r in rendered.values()])
    scans = {r.filename: r.scanned_pages for r in rendered.values() if r.scanned_pages}
    return StyledReply(family, letter.reference, eml, labels,
                       outcome_of([label.status for label in labels]), scans)


def _ordered(draft: Draft) -> list[Truth]:
    """The truths in question order, exactly one per question."""
    by_key = {t.key: t for t in draft.truths}
    if len(by_key) != len(draft.truths) or set(by_key) != {q.key for q in QUESTIONS}:
        raise AssertionError(f"a family must state one truth per question: {draft.truths}")
    return [by_key[q.key] for q in QUESTIONS]


def _render(attachment: Attachment, ctx: Ctx) -> _Rendered:
    """Render one attachment to bytes in its format."""
    content = attachment.content
    if isinstance(content, Policy):
        data = render_policy(content)
        return _Rendered(attachment.filename, data, {}, content.title)
    assert isinstance(content, LetterDoc)
    text = "\n".join([*content.letterhead, *content.meta,
                      *(block_text(b) for b in content.blocks)])
    if attachment.format == "pdf":
        data, anchors = render_letter_pdf(content, ctx.pick(["Helvetica", "Times-Roman"]))
        return _Rendered(attachment.filename, data, anchors, text)
    if attachment.format == "docx":
        return _Rendered(attachment.filename, render_letter_docx(content), {}, text)
    data, anchors, pages = render_scan(content, ctx.rng)
    return _Rendered(attachment.filename, data, anchors, "\n".join(pages), pages)


def _label(ctx: Ctx, truth: Truth, rendered: dict[str, _Rendered], body: str) -> Label:
    """Resolve a truth's document and page, checking its evidence is really there."""
    if truth.where == BODY:
        document, page, text = BODY, 1, body
    else:
        target = rendered[truth.where]
        document, text = target.filename, target.text
        page = target.anchors.get(truth.anchor, 1)
    if truth.evidence and squash(truth.evidence) not in squash(text):
        raise AssertionError(f"{ctx.family} {ctx.letter.reference} {truth.key}: evidence "
                             f"{truth.evidence!r} is not in {document}")
    label = Label(ctx.family, ctx.letter.reference, truth.key, truth.status, truth.value,
                  truth.acceptable, truth.sections, truth.detail, document, page,
                  truth.evidence)
    check_label(label)
    return label


def squash(text: str) -> str:
    """Text with every run of whitespace (including no-break spaces) made one space."""
    return " ".join(text.split())


class _TextOfHtml(HTMLParser):
    """Collects the text of an HTML body, breaking lines at block elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "p", "div", "tr", "td", "li", "table"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(html: str) -> str:
    """The readable text of an HTML body (style and head content dropped)."""
    html = re.sub(r"(?is)<(style|head)\b.*?</\1>", " ", html)
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def write_styled_replies(replies: Sequence[StyledReply], inbox: Path) -> None:
    """Write each reply as '<reference>-<family>.eml' in the inbox."""
    inbox.mkdir(parents=True, exist_ok=True)
    for reply in replies:
        stem = re.sub(r"[^\w.-]", "_", f"{reply.reference}-{reply.family}")
        (inbox / f"{stem}.eml").write_bytes(reply.eml)


def write_labels(replies: Sequence[StyledReply], path: Path) -> None:
    """Write every label as one CSV row, with its reply's outcome."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=LABEL_COLUMNS)
        writer.writeheader()
        for reply in replies:
            for label in reply.labels:
                writer.writerow(as_row(label, reply.outcome))


def read_labels(path: Path) -> list[tuple[Label, str]]:
    """Read a labels CSV back: each label with its reply's outcome."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [(Label(
            row["family"], row["reference"], row["question_key"], row["status"], row["value"],
            tuple(v for v in row["acceptable"].split("|") if v),
            tuple(v for v in row["sections"].split(";") if v), row["detail"], row["document"],
            int(row["page"]), row["evidence"]), row["outcome"]) for row in csv.DictReader(handle)]
