"""What an incoming message is, and the evidence that says so.

A reply (the authority's response: its documents are read for answers), an auto-reply or
out-of-office (never moves the clock), a bounce (the letter never arrived: the server's words
are the evidence) or a delay warning, an acknowledgement (with the authority's own case
reference), a clarification request, an extension notice (with the new date) or a fees
notice. Headers and delivery reports decide first, then the sender's own words (quoted mail
taken out); a message with documents attached, or numbered answers, is a reply whatever
else it says. The evidence is kept so a person can check, and override, the reading.

    kind = classify_message(headers, subject, from_addr, body_text, attachments, raw, tree)
    kind.kind, kind.evidence, kind.case_reference, kind.until
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.message import Message

KINDS = ("reply", "auto_reply", "bounce", "delivery_delay", "acknowledgement",
         "clarification", "extension", "fee_notice")


@dataclass(frozen=True)
class MessageKind:
    """What a message is, why, and what it tells beyond that."""

    kind: str
    evidence: str                        # the header, report field or words that decided
    case_reference: str | None = None    # the authority's own reference for the request
    until: date | None = None            # an extension's new due date


_AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(matic)?[ -]?(response|reply)|out of (the )?office|autoreply|"
    r"away from (the )?office|auto:)", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(
    r"(undeliverable|undelivered mail|delivery status notification|mail delivery failed|"
    r"delivery failure|failure notice|returned mail|delivery has failed)", re.IGNORECASE)
_DELAY_SUBJECT = re.compile(r"\(delay\)|delayed|delivery delay|warning", re.IGNORECASE)
_BOUNCE_SENDER = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)
_DSN_FIELD = re.compile(rb"^(Action|Status|Diagnostic-Code|Final-Recipient):[ \t]*"
                        rb"([^\r\n]*(?:\r?\n[ \t]+[^\r\n]*)*)", re.IGNORECASE | re.MULTILINE)
# Where quoted earlier mail starts in a body: it is not the sender's own words.
_QUOTE_START = re.compile(
    r"^(-{2,}\s*original message\s*-{2,}|-{3,} ?this is a copy of the message|"
    r"on .{5,80} wrote:|from: .{3,200}\n(sent|date): |_{10,}\s*$|-{5,} ?forwarded message)",
    re.IGNORECASE | re.MULTILINE)
_NUMBERED = re.compile(r"^\s*(q(uestion)?\s*)?\d{1,2}[.):]\s+\S", re.IGNORECASE | re.MULTILINE)
_RESPONSE = re.compile(
    r"please find (attached|enclosed|below|our response|the information)|"
    r"(our|the) response (to your request )?(is|follows|as follows)|in response to your "
    r"(request|questions)[^.]{0,80}(is|are) as follows|\b(do|does|did) not hold\b|"
    r"\bdon'?t hold\b|\bnot held\b|\bis exempt\b|\bwe are (refusing|withholding)\b|"
    r"\b(the )?answers? (to|is|are)\b", re.IGNORECASE)
_OOF = re.compile(r"out of (the )?office|on (annual )?leave|away from (the |my )?(office|desk)|"
                  r"limited access to (my )?e-?mail", re.IGNORECASE)
_FEES = re.compile(r"\bfees? notice\b|\bsection 9\b|\b(pay|payment of|fee of)\b[^.]{0,40}(£|"
                   r"\bfee\b)|\bcheque[^.]{0,60}payable", re.IGNORECASE)
_EXTENSION = re.compile(
    r"\b(extend\w*|extension)\b[^.]{0,80}\b(time|deadline|response|period|date)\b|"
    r"public interest test|\bsection 10\(3\)", re.IGNORECASE)
_CLARIFICATION = re.compile(
    r"\b(please|could you|can you|would you|kindly)\b[^.?]{0,80}\bclarif\w*|"
    r"\bclarification\b[^.]{0,60}\b(request|needed|required|of)\b|\bsection 1\(3\)|"
    r"(further|more) (information|details?) (is |are )?(required|needed)", re.IGNORECASE)
_ACKNOWLEDGEMENT = re.compile(
    r"\b(acknowledge|confirm)\w* (the )?receipt\b|\bhas been (logged|registered|received)\b|"
    r"\b(we|I) (have )?received your (request|e-?mail|freedom of information)|"
    r"\bthank you for your (request|e-?mail|freedom of information)[^.]{0,120}\b(received|"
    r"logged)\b|\b(aim|will|expect) to (respond|reply)[^.]{0,80}\b(20|twenty) working days",
    re.IGNORECASE)
_CASE_REFERENCE = re.compile(
    r"\b(?:our ref(?:erence)?|case (?:ref(?:erence)?|number|no\.?)|(?:request|reference) "
    r"(?:number|no\.?)|ref(?:erence)?(?: no\.?| number)?|FOI (?:ref(?:erence)?|number))"
    r"\s*(?:is|:|-|–)?\s*([A-Za-z0-9][A-Za-z0-9/_.-]{1,30}\d[A-Za-z0-9/_-]*)", re.IGNORECASE)
_MONTHS = {m: n for n, m in enumerate(("january", "february", "march", "april", "may", "june",
                                       "july", "august", "september", "october", "november",
                                       "december"), start=1)}
_DATE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)? (january|february|march|april|may|june|july|august|"
    r"september|october|november|december),? (\d{4})\b|\b(\d{1,2})/(\d{1,2})/(\d{4})\b|"
    r"\b(\d{4})-(\d{2})-(\d{2})\b", re.IGNORECASE)
_BOILERPLATE = re.compile(
    r"this (message was created automatically|is an automatically generated)[^.]*\.|"
    r"a message that you sent could not be delivered[^.]*\.|this is a permanent error\.|"
    r"the following address\(es\) failed:|delivery to the following recipients? "
    r"(failed|has been delayed)\.?|(your|the) message (was|could) not (be )?delivered[^.:]*[.:]",
    re.IGNORECASE)
# Longer than this, a message a person wrote is not read as a notice or acknowledgement.
MAX_NOTICE_CHARS = 2500


def classify_message(headers: Message, subject: str, from_addr: str, body_text: str,
                     attachments: Sequence[str], raw: bytes,
                     failures: tuple[set[str], set[str]] = (set(), set()),
                     first_text: str | None = None) -> MessageKind:
    """What the message is: headers and delivery reports first, then the sender's words.
    `attachments` are the attached files' media types; `failures` the (temporary, permanent)
    failed recipients a bounce detector found; `first_text` the first text part alone (a
    bounce's own words, before the returned letter)."""
    bounce = _bounce(headers, subject, from_addr,
                     body_text if first_text is None else first_text, raw, failures)
    if bounce:
        return bounce
    auto = _auto_evidence(headers, subject)
    own = own_words(body_text)
    words = f"{subject}\n{own}"
    documents = [t for t in attachments if not t.startswith("image/")]
    if documents or len(_NUMBERED.findall(own)) >= 2 or _RESPONSE.search(own):
        why = (f"{len(documents)} document(s) attached" if documents
               else "numbered answers" if len(_NUMBERED.findall(own)) >= 2
               else f"says {_RESPONSE.search(own).group(0)!r}")  # type: ignore[union-attr]
        return MessageKind("auto_reply" if auto and not documents else "reply",
                           f"{auto}; {why}" if auto and not documents else why)
    if auto and _OOF.search(words):
        return MessageKind("auto_reply", f"{auto}; says {_OOF.search(words).group(0)!r}")  # type: ignore[union-attr]
    reference = case_reference(words)
    for kind, pattern in (("fee_notice", _FEES), ("extension", _EXTENSION),
                          ("clarification", _CLARIFICATION),
                          ("acknowledgement", _ACKNOWLEDGEMENT)):
        found = pattern.search(words)
        # a person's long message is more likely a reply that mentions these things
        if found and (auto or len(own) <= MAX_NOTICE_CHARS):
            evidence = f"says {_sentence(words, found)!r}" + (f" ({auto})" if auto else "")
            until = _latest_date(own, _day(headers)) if kind == "extension" else None
            return MessageKind(kind, evidence, reference, until)
    if auto:
        return MessageKind("auto_reply", auto)
    return MessageKind("reply", "none of the signs of another kind")


def might_be_bounce(headers: Message) -> bool:
    """Whether a message shows any sign of coming from a mail system rather than a person:
    the null sender delivery reports are sent from (RFC 5321), a daemon's address, a report
    or a failure header, an automatic or bounce-like subject."""
    sender = str(headers.get("From") or "").lower()
    subject = str(headers.get("Subject") or "")
    return (str(headers.get("Return-Path") or "").strip() == "<>"
            or any(word in sender for word in ("mailer-daemon", "postmaster", "mail delivery"))
            or "multipart/report" in str(headers.get("Content-Type") or "").lower()
            or "X-Failed-Recipients" in headers or "Auto-Submitted" in headers
            or bool(_BOUNCE_SUBJECT.search(subject) or _AUTO_SUBJECT.search(subject)
                    or _DELAY_SUBJECT.search(subject)))


def own_words(body_text: str) -> str:
    """The body without the earlier mail it quotes."""
    lines = [line for line in body_text.splitlines() if not line.lstrip().startswith(">")]
    text = "\n".join(lines)
    cut = _QUOTE_START.search(text)
    return text[:cut.start()] if cut else text


def case_reference(text: str) -> str | None:
    """The first case reference the text gives, as written."""
    found = _CASE_REFERENCE.search(text)
    return found.group(1).rstrip(".-/") if found else None


def _bounce(headers: Message, subject: str, from_addr: str, body_text: str, raw: bytes,
            failures: tuple[set[str], set[str]]) -> MessageKind | None:
    content_type = str(headers.get("Content-Type") or "").lower()
    report = "multipart/report" in content_type and "delivery-status" in content_type
    fields: dict[str, str] = {}
    for name, value in _DSN_FIELD.findall(raw[:512 * 1024]):
        fields.setdefault(name.decode().lower(), " ".join(
            value.decode("utf-8", "replace").split()))
    temporary, permanent = failures
    action = fields.get("action", "").lower()
    status = fields.get("status", "")
    named = bool(_BOUNCE_SENDER.match(from_addr) or _BOUNCE_SUBJECT.search(subject))
    if not (report or permanent or temporary or named or "x-failed-recipients" in headers):
        return None
    delayed = (action == "delayed" or status.startswith("4") or
               (temporary and not permanent) or
               (not action and not permanent and bool(_DELAY_SUBJECT.search(subject))))
    recipients = sorted(permanent | temporary)
    if not recipients and fields.get("final-recipient"):
        recipients = [fields["final-recipient"].rpartition(";")[2].strip()]
    words = fields.get("diagnostic-code") or _explanation(body_text, recipients)
    detail = "; ".join(p for p in (
        f"Status {status}" + (f" ({action})" if action else "") if status else "",
        f"for {', '.join(recipients)}" if recipients else "", words) if p)
    return MessageKind("delivery_delay" if delayed else "bounce",
                       detail or f"delivery report from {from_addr}: {subject}")


def _explanation(text: str, recipients: Sequence[str]) -> str:
    """A bounce's own words: the first paragraph of its first text that is more than the
    boilerplate every mail server wraps them in, or the failed address."""
    for paragraph in re.split(r"\n\s*\n", own_words(text)):
        words = _BOILERPLATE.sub(" ", " ".join(paragraph.split()))
        for address in recipients:
            words = re.sub(re.escape(address), " ", words, flags=re.IGNORECASE)
        words = " ".join(words.split()).strip(" :;,.-")
        if words:
            return words[:300]
    return ""


def _auto_evidence(headers: Message, subject: str) -> str:
    auto = str(headers.get("Auto-Submitted") or "no").strip().lower()
    if auto != "no":
        return f"Auto-Submitted: {auto}"
    for name in ("X-Autoreply", "X-Autorespond"):
        if headers.get(name):
            return f"{name} header"
    precedence = str(headers.get("Precedence") or "").strip().lower()
    if precedence in ("auto_reply", "bulk", "junk"):
        return f"Precedence: {precedence}"
    if "autoresponder" in str(headers.get("X-POST-MessageClass") or "").lower():
        return "X-POST-MessageClass: Autoresponder"
    if _AUTO_SUBJECT.search(subject):
        return f"subject {subject[:80]!r}"
    return ""


def _sentence(text: str, found: re.Match[str]) -> str:
    start = max(text.rfind(".", 0, found.start()), text.rfind("\n", 0, found.start())) + 1
    ends = [i for i in (text.find(".", found.end()), text.find("\n", found.end())) if i >= 0]
    return " ".join(text[start:min(ends) + 1 if ends else len(text)].split())[:300]


def _day(headers: Message) -> date | None:
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(str(headers.get("Date"))).date()
    except (TypeError, ValueError, IndexError):
        return None


def _latest_date(text: str, after: date | None) -> date | None:
    found: list[date] = []
    for m in _DATE.finditer(text):
        try:
            if m.group(1):
                found.append(date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))))
            elif m.group(4):
                found.append(date(int(m.group(6)), int(m.group(5)), int(m.group(4))))
            else:
                found.append(datetime.strptime(m.group(0), "%Y-%m-%d").date())
        except ValueError:
            continue
    later = [d for d in found if after is None or d > after]
    return max(later) if later else None
