"""Request references: the short code that ties every message to its request."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

_SHORT_ID = re.compile(r"^[A-Za-z0-9]{1,8}$")


def make_reference(prefix: str, authority_id: str) -> str:
    """The reference of a campaign's request to one authority, e.g. QOF16-00C."""
    if _SHORT_ID.match(authority_id):
        return f"{prefix}-{authority_id.upper()}"
    # Long slugs would make unwieldy subjects; a stable 6-character digest stays short.
    digest = hashlib.sha256(authority_id.encode()).hexdigest()[:6].upper()
    return f"{prefix}-{digest}"


def find_references(text: str, prefixes: Iterable[str]) -> list[str]:
    """Every reference with one of the prefixes that the text mentions, in order."""
    alternatives = "|".join(sorted({re.escape(p) for p in prefixes}, key=len, reverse=True))
    if not alternatives:
        return []
    pattern = re.compile(
        rf"(?<![A-Za-z0-9])({alternatives})[-‐–/ ]?([A-Za-z0-9]{{1,8}})(?![A-Za-z0-9])",
        re.IGNORECASE,
    )
    found: list[str] = []
    for m in pattern.finditer(text):
        ref = f"{m.group(1).upper()}-{m.group(2).upper()}"
        if ref not in found:
            found.append(ref)
    return found
