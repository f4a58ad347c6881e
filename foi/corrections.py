"""A person's correction of an answer, checked and normalised the way answers are stored: the one
check for `foi override`, the review sheet and the review desk."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

# What an answer, extracted or corrected, can say of one question.
ANSWER_STATUSES = ("answered", "partly", "suppressed", "not_held", "refused", "not_applicable",
                   "unclear", "unanswered")

_SECTION_RE = re.compile(r"^(s|reg)(\d{1,2})((?:\([0-9a-z]{1,4}\))*)$")
_YES_NO = {"yes": "yes", "y": "yes", "no": "no", "n": "no"}
MAX_VALUE_CHARS = 4000
_MAX_DIGITS = 15   # before the point: a quadrillion pounds is a slip of the keyboard
_MAX_PLACES = 6


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
    status = plain_text(status, "the status").strip().lower()
    if status not in ANSWER_STATUSES:
        raise CorrectionError(f"status {status!r}: use {', '.join(ANSWER_STATUSES)}")
    value = (value or "").strip() or None
    if status == "answered" and value is None:
        raise CorrectionError("an answered correction needs a value")
    return Correction(status, None if value is None else typed(question_type, value, choices),
                      parse_sections(sections))


def typed(question_type: str, value: str, choices: tuple[str, ...] = ()) -> str:
    """A value as answers of this question type are stored: yes/no, a plain finite number, an
    ISO date, one of the choices, or the text (no control characters, at most 4,000 of them)."""
    plain_text(value)
    if question_type == "yes_no":
        if value.lower() not in _YES_NO:
            raise CorrectionError(f"{_quoted(value)}: a yes/no question takes yes or no")
        return _YES_NO[value.lower()]
    if question_type in ("count", "number", "money"):
        try:
            number = Decimal(re.sub(r"[£,\s]", "", value))
        except InvalidOperation as exc:
            raise CorrectionError(f"{_quoted(value)} is not a number") from exc
        if not number.is_finite():   # NaN and Infinity parse, and print as "£nan in total"
            raise CorrectionError(f"{_quoted(value)} is not a number: give a finite one")
        if number.adjusted() >= _MAX_DIGITS:
            raise CorrectionError(f"{_quoted(value)}: more than {_MAX_DIGITS} digits before "
                                  "the point")
        number = number.normalize()
        if int(number.as_tuple().exponent) < -_MAX_PLACES:
            raise CorrectionError(f"{_quoted(value)}: more than {_MAX_PLACES} decimal places")
        if question_type == "count" and (number != number.to_integral() or number < 0):
            raise CorrectionError(f"{_quoted(value)}: a count is a whole number, 0 or more")
        return format(number, "f")
    if question_type == "date":
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.strptime(value, fmt).date().isoformat()
            except ValueError:
                pass
        raise CorrectionError(f"{_quoted(value)} is not a date: use 2016-04-01 or 01/04/2016")
    if question_type == "choice" and choices:
        for choice in choices:
            if choice.lower() == value.lower():
                return choice
        raise CorrectionError(f"{_quoted(value)}: choose one of {', '.join(choices)}")
    return value


def parse_sections(text: str | None) -> tuple[str, ...] | None:
    """'s12, section 40(2); reg 12(4)(b)' -> ('s12', 's40(2)', 'reg12(4)(b)'); blank: None."""
    if text is None or not text.strip():
        return None
    plain_text(text, "the sections")
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


def plain_text(text: str, what: str = "the value") -> str:
    """Text as a person typed it, refused when too long or holding control characters (a NUL
    would go raw into answers.csv; an escape sequence into a terminal)."""
    if len(text) > MAX_VALUE_CHARS:
        raise CorrectionError(f"{what} has {len(text):,} characters: at most "
                              f"{MAX_VALUE_CHARS:,}")
    bad = next((c for c in text if c not in "\t\n" and unicodedata.category(c) in ("Cc", "Cs")),
               None)
    if bad is not None:
        raise CorrectionError(f"{what} holds the control character U+{ord(bad):04X}: "
                              "type it again without it")
    return text


def _quoted(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "…")
