"""Families about the file itself: a scanned letter that needs OCR, an HTML-only email."""

from __future__ import annotations

from html import escape

from simulator.styles.compose import (
    Ctx,
    Draft,
    greeting,
    numbered_reply,
    policy_attachment,
    received_sentence,
    text_of,
)
from simulator.styles.families.common import (
    community,
    draw_count,
    plain_count,
    q2_any,
    ward,
)
from simulator.styles.model import Truth
from simulator.styles.questions import (
    COMMUNITY,
    INPATIENT,
    LETTER_DEFINITION,
    LETTER_INTRO,
    POLICY,
    QUESTIONS,
)
from simulator.styles.voice import LONDON


def scanned(ctx: Ctx) -> Draft:
    """The covering letter is printed, signed and scanned: an image-only PDF."""
    answers = {
        INPATIENT: plain_count(ctx, INPATIENT, draw_count(ctx), ward(ctx)),
        POLICY: q2_any(ctx),
        COMMUNITY: plain_count(ctx, COMMUNITY, draw_count(ctx), community(ctx)),
    }
    return numbered_reply(ctx, answers, "scan")


def _nbsp(text: str, ctx: Ctx) -> str:
    """Escape for HTML, gluing a number to its noun with &nbsp; as Outlook does."""
    out = escape(text)
    if ctx.chance(0.6):
        out = out.replace(" ", "&nbsp;", 1)
    return out


def html_body(ctx: Ctx) -> Draft:
    """Only an HTML body: a table or <br>-separated answers, &nbsp;, our letter quoted below."""
    answers = {
        INPATIENT: plain_count(ctx, INPATIENT, draw_count(ctx), ward(ctx)),
        POLICY: q2_any(ctx),
        COMMUNITY: plain_count(ctx, COMMUNITY, draw_count(ctx), community(ctx)),
    }
    parts = [f"<p>{escape(greeting(ctx))},</p>", "<p>&nbsp;</p>",
             f"<p>{escape(received_sentence(ctx))}</p>"]
    if ctx.chance(0.6):
        rows = "".join(
            f"<tr><td valign=top>{q.number}.&nbsp;{escape(q.text)}</td>"
            f"<td valign=top>{_nbsp(text_of(answers[q.key][0]), ctx)}</td></tr>"
            for q in QUESTIONS)
        parts.append("<table border=1 cellspacing=0 cellpadding=4 style='border-collapse:"
                     "collapse'><tr><td><b>Question</b></td><td><b>Response</b></td></tr>"
                     f"{rows}</table>")
    else:
        parts += [f"<p><b>{q.number}. {escape(q.text)}</b><br>"
                  f"<span style='color:#1F497D'>{_nbsp(text_of(answers[q.key][0]), ctx)}"
                  "</span></p>" for q in QUESTIONS]
    lines = "<br>".join(escape(line) for line in ctx.voice.signature())
    parts += ["<p>&nbsp;</p>", f"<p>Kind regards<br><br>{lines}</p>", _quoted_letter(ctx)]
    html = ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=utf-8'>"
            "<style>p{margin:0cm;font-family:Calibri,sans-serif}</style></head><body>"
            + "\n".join(parts) + "</body></html>")
    truths: list[Truth] = [answers[q.key][1] for q in QUESTIONS]
    draft = Draft(html=html, truths=truths)
    if answers[POLICY][1].status == "answered":
        draft.attachments.append(policy_attachment(ctx))
    return draft


def _quoted_letter(ctx: Ctx) -> str:
    """Our letter as Outlook quotes it under a reply."""
    letter = ctx.letter
    sent = letter.sent_at.astimezone(LONDON)
    questions = "<br>".join(f"{q.number}. {escape(q.text)}" for q in QUESTIONS)
    return (
        "<div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'>"
        f"<p><b>From:</b> {escape(letter.requester_name)} &lt;{escape(letter.requester_email)}"
        f"&gt;<br><b>Sent:</b> {sent:%d %B %Y %H:%M}<br><b>To:</b> FOI &lt;"
        f"{escape(letter.authority_email)}&gt;<br><b>Subject:</b> {escape(letter.subject)}"
        "</p></div><p>&nbsp;</p>"
        f"<p>Dear {escape(letter.authority_name)},</p><p>{escape(LETTER_INTRO)}</p>"
        f"<p>{questions}</p><p>{escape(LETTER_DEFINITION)}</p>"
        f"<p>Yours faithfully,<br>{escape(letter.requester_name)}</p>"
    )
