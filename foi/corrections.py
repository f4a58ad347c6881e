"""A person's correction of an answer, checked and normalised the way answers are stored."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

# What an answer, extracted or corrected, can say of one question.
ANSWER_STATUSES = ("answered", "partly", "suppressed", "not_held", "refused", "not_applicable",
                   "unclear", "unanswered")

_SECTION_RE = re.compile(r"^(s|reg)(\d{1,2})((?:\([0-9a-z]{1,4}\))*)$")
_YES_NO = {"yes": "yes", "y": "yes", "no": "no", "n": "no"}


class CorrectionError(ValueError):
    """A correction that cannot be recorded as given; the message says how to fix it."""


@dataclass(frozen=True)
class Correction:
    """What a person says the answer is."""

    status: str
    value: str | None
    sections: tuple[str, ...] | None   # None: keep the sections read from the reply


def correction(question_type: str, status: str, value: str | None,
               sections: str | None = None, choices: tuple[str, ...] = ()) -> Correction:
    """Check a correction against the question's type and normalise its value and sections."""
    status = status.strip().lower()
    if status not in ANSWER_STATUSES:
        raise CorrectionError(f"status {status!r}: use {', '.join(ANSWER_STATUSES)}")
    value = (value or "").strip() or None
    if status == "answered" and value is None:
        raise CorrectionError("an answered correction needs a value")
    return Correction(status, None if value is None else typed(question_type, value, choices),
                      parse_sections(sections))


def typed(question_type: str, value: str, choices: tuple[str, ...] = ()) -> str:
    """A value as answers of this question type are stored: yes/no, a plain number, an ISO
    date, one of the choices, or the text."""
    if question_type == "yes_no":
        if value.lower() not in _YES_NO:
            raise CorrectionError(f"{value!r}: a yes/no question takes yes or no")
        return _YES_NO[value.lower()]
    if question_type in ("count", "number", "money"):
        try:
            number = Decimal(re.sub(r"[£,\s]", "", value))
        except InvalidOperation as exc:
            raise CorrectionError(f"{value!r} is not a number") from exc
        if question_type == "count" and (number != number.to_integral() or number < 0):
            raise CorrectionError(f"{value!r}: a count is a whole number, 0 or more")
        return format(number.normalize(), "f")
    if question_type == "date":
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.strptime(value, fmt).date().isoformat()
            except ValueError:
                pass
        raise CorrectionError(f"{value!r} is not a date: use 2016-04-01 or 01/04/2016")
    if question_type == "choice" and choices:
        for choice in choices:
            if choice.lower() == value.lower():
                return choice
        raise CorrectionError(f"{value!r}: choose one of {', '.join(choices)}")
    return value


def parse_sections(text: str | None) -> tuple[str, ...] | None:
    """'s12, section 40(2); reg 12(4)(b)' -> ('s12', 's40(2)', 'reg12(4)(b)'); blank: None."""
    if text is None or not text.strip():
        return None
    found = []
    for item in re.split(r"[,;]|\band\b", text):
        word = re.sub(r"\s+", "", item.lower())
        word = re.sub(r"^(?:section|sec|s\.)", "s", word)
        word = re.sub(r"^(?:regulation|reg\.|r\.)", "reg", word)
        if word.isdigit() or re.match(r"^\d", word):
            word = f"s{word}"
        if not word:
            continue
        if not _SECTION_RE.match(word):
            raise CorrectionError(f"{item.strip()!r} is not a section: write s12, s40(2) or "
                                  "reg12(4)(b)")
        found.append(word)
    return tuple(dict.fromkeys(found))
