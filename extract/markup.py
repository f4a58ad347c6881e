"""Visible text of markup: HTML bodies and RTF bodies."""

from __future__ import annotations

import re

from extract.document_text import decode_text

MAX_HTML_BYTES = 8 * 1024 * 1024  # parsed HTML costs ~10x its size; the text cap is far below


def html_to_text(markup: str) -> str:
    """Visible text of an HTML body, one block per line."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup[:MAX_HTML_BYTES], "html.parser")
    for hidden in soup(["script", "style", "head", "title", "noscript"]):
        hidden.decompose()
    lines = (" ".join(line.split()) for line in soup.get_text("\n").splitlines())
    return "\n".join(line for line in lines if line)


def rtf_text(rtf: bytes) -> str:
    """Text of an RTF body: the text or HTML it encapsulates, else RTF stripped of markup."""
    try:
        from RTFDE.deencapsulate import DeEncapsulator

        unwrapped = DeEncapsulator(rtf)
        unwrapped.deencapsulate()
        if unwrapped.content_type == "html":
            html = unwrapped.html
            return html_to_text(html.decode("utf-8", "replace") if isinstance(html, bytes)
                                else str(html))
        text = unwrapped.text
        return (decode_text(text) if isinstance(text, bytes) else str(text)).strip()
    except Exception:  # not encapsulated, or RTFDE cannot parse it: strip the markup
        return _strip_rtf(decode_text(rtf))


def _strip_rtf(rtf: str) -> str:
    text = re.sub(r"\{\\\*[^{}]*\}", "", rtf)
    text = re.sub(r"\\(par|line)\b ?", "\n", text)
    text = re.sub(r"\\'([0-9a-fA-F]{2})", lambda m: bytes([int(m.group(1), 16)]).decode("cp1252",
                  "replace"), text)
    text = re.sub(r"\\[a-zA-Z]+-?\d* ?|[{}]", "", text)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
