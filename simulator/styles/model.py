"""What a styled reply is: its email bytes, its ground-truth labels and its outcome."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

STATUSES = ("answered", "partly", "suppressed", "not_held", "refused", "unclear", "unanswered")
OUTCOMES = ("successful", "partially_successful", "refused", "not_held")
BODY = "body"  # the document name of an answer that sits in the email body


@dataclass(frozen=True)
class Label:
    """The truth for one question of one reply, as a person reading it would record it."""

    family: str
    reference: str
    question_key: str
    status: str
    value: str = ""  # a count as stated ("3", "2.6"), "provided" for a document, else ""
    acceptable: tuple[str, ...] = ()  # other values a careful reader may give
    sections: tuple[str, ...] = ()  # FOIA sections cited for this answer, e.g. ("s21",)
    detail: str = ""  # breakdown, the not-held reason, the range, the cross-reference
    document: str = BODY  # attachment filename, or "body"
    page: int = 1  # 1-based page of `document` on which the evidence is
    evidence: str = ""  # verbatim phrase of the document that shows the answer ("" unanswered)


@dataclass(frozen=True)
class StyledReply:
    """One authority's reply in one real style, with the labels of every question."""

    family: str
    reference: str
    eml: bytes
    labels: tuple[Label, ...]
    outcome: str
    # The text drawn into each image-only attachment, page by page (what OCR should find).
    scanned_text: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Truth:
    """A label before layout: where it sits is said by `place`, resolved to a page later."""

    key: str
    status: str
    value: str = ""
    evidence: str = ""
    acceptable: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    detail: str = ""
    where: str = BODY  # which document of the reply: "body", or an attachment's id
    anchor: str = ""  # the anchored block of that document the evidence is in


def outcome_of(statuses: Sequence[str]) -> str:
    """The reply-level outcome a requester records, from its questions' statuses."""
    given = {"answered", "unclear"}
    if all(s in given for s in statuses):
        return "successful"
    if not any(s in given | {"partly", "suppressed"} for s in statuses):
        return "not_held" if all(s == "not_held" for s in statuses) else "refused"
    return "partially_successful"


def check_label(label: Label) -> None:
    """Refuse a label that breaks the vocabulary."""
    if label.status not in STATUSES:
        raise ValueError(f"{label.reference} {label.question_key}: status {label.status!r}")
    if bool(label.evidence) == (label.status == "unanswered"):
        raise ValueError(f"{label.reference} {label.question_key}: an evidence phrase is "
                         "required, except for an unanswered question, which has none")
    if label.page < 1:
        raise ValueError(f"{label.reference} {label.question_key}: page {label.page}")


def as_row(label: Label, outcome: str) -> Mapping[str, str]:
    """One label as a CSV row."""
    return {
        "family": label.family, "reference": label.reference,
        "question_key": label.question_key, "status": label.status, "value": label.value,
        "acceptable": "|".join(label.acceptable), "sections": ";".join(label.sections),
        "detail": label.detail, "document": label.document, "page": str(label.page),
        "evidence": label.evidence, "outcome": outcome,
    }
