"""Judging an answer: a confidence that is a probability of being right, and the reason for it.

The rule that located the passage and the rule that read the value make a key; the share of
answers with that key that were right on labelled replies (extract/judging/calibration.json,
written by bench/calibrate.py from the tuning halves) becomes the confidence, shrunk towards
the rules' own estimate and taken at the lower end of an interval, so a key few labelled
answers share is less certain.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

PRIOR_WEIGHT = 4.0  # labelled answers the rules' own estimate is worth
# how far below the share right a confidence sits: the lower end of a 90% interval
# (EVALUATION.md), so a key few labelled answers share is less certain than one many share
INTERVAL_Z = 1.645
DEFAULT_REVIEW_THRESHOLD = 0.6


@dataclass(frozen=True)
class Evidence:
    """What is known about how one answer was found and read."""

    method: str  # how the passage was located: numbered, restated, response-block, ...
    role: str  # the role of the document it came from
    rule: str  # the rule that read the value
    status: str
    base: float  # the locating rule's own estimate
    reading: float  # the reading rule's own estimate
    competing: tuple[str, ...] = ()  # other values other passages gave
    ocr: bool = False  # read from an OCR'd page


def rule_family(rule: str) -> str:
    """A reading rule without its particulars ('number with its noun, 2 other ...' -> first)."""
    return re.sub(r"\d+", "#", re.split(r",|\(", rule, maxsplit=1)[0].strip())


def calibration_key(evidence: Evidence) -> str:
    """The key under which answers like this one are counted."""
    competing = "competing" if evidence.competing else "alone"
    return f"{evidence.method}|{rule_family(evidence.rule)}|{evidence.status}|{competing}"


_OVERRIDE: list[dict[str, object]] = []


@cache
def _calibration_file() -> dict[str, object]:
    if _OVERRIDE:
        return _OVERRIDE[-1]
    try:
        text = resources.files("extract.judging").joinpath("calibration.json").read_text("utf-8")
    except FileNotFoundError:
        return {}
    loaded: dict[str, object] = json.loads(text)
    return loaded


def calibration() -> dict[str, tuple[int, int]]:
    """key -> (right, total) on the labelled replies; empty before any calibration."""
    counts = _calibration_file().get("counts", {})
    assert isinstance(counts, dict)
    return {key: (int(v[0]), int(v[1])) for key, v in counts.items()}


def calibration_digest() -> str:
    """A short digest of the calibration in use: answers judged with another one are stale."""
    text = json.dumps(_calibration_file(), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def review_threshold() -> float:
    """The confidence below which an answer goes to review: where the answers above it were
    right at least 95% of the time on the labelled real replies."""
    value = _calibration_file().get("review_threshold", DEFAULT_REVIEW_THRESHOLD)
    return float(value)  # type: ignore[arg-type]


def reload_calibration(replacement: dict[str, object] | None = None) -> None:
    """Read extract/judging/calibration.json again, or use a replacement (to measure a
    calibration on replies it was not made from)."""
    _OVERRIDE.clear()
    if replacement is not None:
        _OVERRIDE.append(replacement)
    _calibration_file.cache_clear()
    _counts.cache_clear()


@cache
def _counts() -> dict[str, tuple[int, int]]:
    return calibration()


def prior(evidence: Evidence) -> float:
    """The rules' own estimate, before calibration."""
    estimate = min(evidence.base, evidence.reading) if evidence.reading else 0.0
    if evidence.status == "answered" and evidence.reading <= 0.3:
        estimate = min(estimate, 0.3) or 0.25
    if evidence.competing:
        estimate -= 0.15
    if evidence.ocr:
        estimate -= 0.1
    return max(0.0, estimate)


# rules that found two readings of one answer (a denial and a count, a headcount where an FTE
# may be meant, a figure in another unit than asked, a thing planned): doubts by construction
DOUBT_RULES = ("doubtful", "unit differs", "a denial, then")


def is_doubt(rule: str) -> bool:
    """Whether the rule that read an answer found it doubtful by construction."""
    return rule.startswith(DOUBT_RULES)


def judge(evidence: Evidence) -> tuple[float, str]:
    """(confidence, reason): a probability of being right, and why."""
    estimate = prior(evidence)
    right, total = _counts().get(calibration_key(evidence), (0, 0))
    if is_doubt(evidence.rule):
        right = total = 0   # two readings: a person decides, however often one was right
    probability = lower_end(right + PRIOR_WEIGHT * estimate, total + PRIOR_WEIGHT)
    reason = f"{evidence.method} passage in the {evidence.role.replace('_', ' ')}; {evidence.rule}"
    if evidence.competing:
        reason += f"; other passages say {', '.join(evidence.competing[:3])}"
    if evidence.ocr:
        reason += "; read by OCR"
    if total:
        reason += f"; {right} of {total} such answers were right"
    return round(probability, 2), reason


def interval_z() -> float:
    """How many standard errors below the share right a confidence sits (0: the share itself)."""
    return float(_calibration_file().get("interval_z", INTERVAL_Z))  # type: ignore[arg-type]


def lower_end(right: float, total: float) -> float:
    """The lower end of the interval around a share right out of total (normal approximation of
    the Beta posterior): the fewer answers, the further below the share."""
    share = right / total
    return max(0.0, share - interval_z() * math.sqrt(share * (1 - share) / (total + 1)))


def answer_key(method: str, status: str, reason: str) -> str:
    """The calibration key of a judged answer, from the reason judge() wrote."""
    parts = reason.split("; ")
    rule = parts[1] if len(parts) > 1 else method
    competing = "competing" if any(p.startswith("other passages say") for p in parts) else "alone"
    return f"{method}|{rule_family(rule)}|{status}|{competing}"
