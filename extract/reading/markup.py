"""Visible text of markup: HTML bodies and RTF bodies."""

from __future__ import annotations

import re

from extract.reading.document_text import decode_text

MAX_HTML_CHARS = 8_000_000  # the text cap is far below; lxml parses this in well under 1 s
_HIDDEN = ("script", "style", "head", "title", "noscript", "template")


def html_to_text(markup: str) -> str:
    """Visible text of an HTML body, one block per line."""
    import lxml.etree
    import lxml.html

    # lxml refuses str input that declares its own encoding
    markup = re.sub(r"^\s*<\?xml[^>]*>", "", markup[:MAX_HTML_CHARS])
    if not markup.strip():
        return ""
    try:
        root = lxml.html.document_fromstring(markup)
    except (lxml.etree.ParserError, ValueError):
        return ""
    for hidden in list(root.iter(*_HIDDEN, lxml.etree.Comment)):
        hidden.drop_tree()  # keeps the text that follows it
    lines = (" ".join(line.split()) for line in "\n".join(root.itertext()).splitlines())
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
