"""What extraction yields for one question: a typed answer with its provenance."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExtractedAnswer:
    """The answer found for one question, with where it came from and how sure we are."""

    question_key: str
    # 'answered' | 'partly' | 'suppressed' | 'not_held' | 'refused' | 'not_applicable'
    # | 'unclear' | 'unanswered' (the reply does not address the question: missing)
    status: str
    value: str | None
    confidence: float
    document_id: str | None
    page: int | None
    snippet: str | None
    method: str
    sections: tuple[str, ...] = ()
    reason: str = ""  # why this confidence: the rule that read it, what competed with it
    detail: str | None = None  # a total's breakdown, or why information is not held
    unit: str | None = None  # a count's unit as the answer gave it: people, posts, fte, hours
