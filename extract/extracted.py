"""What extraction yields for one question: a typed answer with its provenance."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExtractedAnswer:
    """The answer found for one question, with where it came from and how sure we are."""

    question_key: str
    status: str  # 'answered' | 'not_held' | 'refused' | 'not_applicable' | 'unanswered'
    value: str | None
    confidence: float
    document_id: str | None
    page: int | None
    snippet: str | None
    method: str
    sections: tuple[str, ...] = ()
