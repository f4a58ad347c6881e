"""The published sentences: plain words over the counts in v_campaign_summary."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import humanize

# How a request's status reads in the published tables.
STATUS_LABELS = {
    "sending": "sending", "awaiting_response": "awaiting response",
    "waiting_clarification": "clarification asked", "extended": "extended",
    "successful": "answered", "partially_successful": "partly answered",
    "not_held": "not held", "refused": "refused", "internal_review": "internal review",
    "error_message": "delivery failed", "withdrawn": "withdrawn",
}


@dataclass(frozen=True)
class Headline:
    """One question's published sentence and the figures behind it."""

    number: int
    key: str
    question: str
    sentence: str
    figures: Mapping[str, Any]


def count_words(n: int) -> str:
    """Newsroom style: words for one to nine, figures from 10."""
    return humanize.apnumber(n) if 0 < n < 10 else humanize.intcomma(n)


def money(value: float | None) -> str:
    """£1.2m, £350,000, £450; a dash when there is no figure."""
    if value is None:
        return "\u2013"
    if value >= 1_000_000:
        return f"£{value / 1_000_000:.1f}m".replace(".0m", "m")
    return f"£{value:,.0f}"


def share(k: int, n: int) -> str:
    """k of n as a whole percentage."""
    return f"{round(100 * k / n)}%" if n else "–"


def headline(row: Mapping[str, Any], noun: str, nouns: str,
             condition: str | None = None) -> Headline:
    """The sentence for one row of v_campaign_summary."""
    asked = row["asked"]
    who = f"{count_words(asked)} {noun if asked == 1 else nouns} {condition or 'that responded'}"
    kind = row["question_type"]
    answered = row["answered"]
    if asked == 0:
        sentence = "No responses to this question yet"
    elif kind == "yes_no":
        sentence = (f"Of the {who}, {count_words(row['yes'])} said yes "
                    f"({share(row['yes'], asked)}) and {count_words(row['no'])} said no")
    elif kind in ("money", "count", "number") and answered and row["total"] is not None:
        fmt: Callable[[float], str] = money if kind == "money" else (
            lambda v: humanize.intcomma(round(v)))
        in_unit = answered - (row.get("other_unit") or 0)
        sentence = (f"Of the {who}, {count_words(in_unit)} gave a figure: "
                    f"{fmt(row['total'])} in total, median {fmt(row['median'])}")
    else:
        sentence = f"Of the {who}, {count_words(answered)} answered"
    extras = []
    for column, words in (("partly", "answered only in part"),
                          ("suppressed", "withheld a figure as too small to publish"),
                          ("not_held", "said the information was not held"),
                          ("refused", "refused to answer"),
                          ("not_applicable", "said the question did not apply"),
                          ("unclear", "gave an answer that was not clear"),
                          ("other_unit", "gave a figure in another unit than asked, left out "
                                         "of the total"),
                          ("unanswered", "gave no answer we could read")):
        if asked and row.get(column):
            extras.append(f"{count_words(row[column])} {words}")
    if extras:
        sentence += "; " + (extras[0] if len(extras) == 1
                            else ", ".join(extras[:-1]) + " and " + extras[-1])
    return Headline(row["question_number"], row["question_key"], row["question_text"],
                    sentence + ".", dict(row))


def headlines(summary: Sequence[Mapping[str, Any]], noun: str, nouns: str) -> list[Headline]:
    """Every question's sentence; a dependent question names its condition."""
    by_key = {r["question_key"]: r for r in summary}
    out = []
    for row in summary:
        condition = None
        parent = by_key.get(row["only_if"] or "")
        if parent is not None:
            condition = (f"{parent['yes_means']} that responded" if parent["yes_means"]
                         else f"that responded and said yes to question "
                              f"{parent['question_number']}")
        out.append(headline(row, noun, nouns, condition))
    return out
