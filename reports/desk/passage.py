"""The passage an answer was read from: the words to highlight, and where they sit on a PDF page."""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

Box = tuple[float, float, float, float]   # x0, top, x1, bottom as shares of the page's size

_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*|£?\d[\d,]*(?:\.\d+)?%?")
_STOPWORDS = frozenset((
    "does", "have", "with", "that", "this", "from", "which", "what", "your", "please", "provide",
    "many", "much", "their", "there", "were", "been", "into", "about", "under", "each", "other",
    "copy", "number", "information", "will", "would", "could", "should", "they", "them", "than",
    "also", "such", "these", "those", "following", "request"))
_YES_NO = {"yes": ("yes",), "no": ("no", "not", "none")}


def _stem(word: str) -> str:
    return word.lower().strip("'’-").rstrip("s")


def _number(word: str) -> str | None:
    digits = word.lstrip("£").rstrip("%").replace(",", "")
    try:
        return f"{float(digits):g}"
    except ValueError:
        return None


def question_head(text: str) -> str:
    """A long question's first sentence, the part a reader takes in at a glance."""
    text = " ".join(text.split())
    if len(text) <= 160:
        return text
    match = re.search(r"[.?](?=\s+[A-Z0-9(])", text[40:])
    return text[: 40 + match.end()] if match else text


def matched_words(question: str, keywords: Iterable[str] = (), value: str | None = None
                  ) -> set[str]:
    """The stems of the question's own words and keywords, and the value read, as tokens."""
    wanted = {_stem(w) for w in re.findall(r"[A-Za-z]{4,}", question)
              if w.lower() not in _STOPWORDS}
    wanted |= {_stem(w) for k in keywords for w in re.findall(r"[A-Za-z]{3,}", k)}
    if value:
        number = _number(value)
        if number is not None:
            wanted.add(f"#{number}")
        wanted.update(_YES_NO.get(value.lower(), ()))
    return wanted


def marked(passage: str, wanted: set[str]) -> list[tuple[str, bool]]:
    """The passage cut into runs of text, each with whether it is a matched word."""
    runs: list[tuple[str, bool]] = []
    at = 0
    for m in _WORD_RE.finditer(passage):
        word = m.group()
        number = _number(word) if word[0].isdigit() or word[0] == "£" else None
        hit = (f"#{number}" in wanted) if number is not None else (
            _stem(word) in wanted or word.lower() in wanted)
        if not hit:
            continue
        if m.start() > at:
            runs.append((passage[at:m.start()], False))
        runs.append((word, True))
        at = m.end()
    if at < len(passage):
        runs.append((passage[at:], False))
    return runs


def _token(word: str) -> str:
    return word.lower().strip(".,;:()[]\"'’“”")


def _tokens(text: str) -> list[str]:
    return [_token(w) for w in text.split()]


def passage_boxes(path: Path, number: int, passage: str) -> list[Box]:
    """Where the passage's words are on page `number` of a PDF, one box per line they fill."""
    import pypdfium2

    wanted = [t for t in _tokens(passage.rstrip("…")) if t]
    if not wanted:
        return []
    pdf = pypdfium2.PdfDocument(path)
    try:
        if not 1 <= number <= len(pdf):
            return []
        page = pdf[number - 1]
        width, height = page.get_size()
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        if len(text) != textpage.count_chars():   # offsets would not be character indices
            return []
        spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        blocks = [b for b in difflib.SequenceMatcher(
            None, [_token(text[a:e]) for a, e in spans], wanted, autojunk=False
        ).get_matching_blocks() if b.size >= min(2, len(wanted))]
        if not blocks:
            return []
        # the passage is one run of text: blocks far from its longest match are chance echoes
        anchor = max(blocks, key=lambda b: b.size)
        start = anchor.a - anchor.b
        rects: list[tuple[float, float, float, float]] = []
        for b in blocks:
            if start - 5 <= b.a - b.b <= start + 5 + len(wanted) // 4:
                first, last = spans[b.a][0], spans[b.a + b.size - 1][1]
                count = textpage.count_rects(first, last - first)
                rects += [textpage.get_rect(i) for i in range(count)]
    finally:
        pdf.close()
    return _lines(rects, width, height)


def _lines(rects: Sequence[tuple[float, float, float, float]], width: float, height: float
           ) -> list[Box]:
    """PDF rectangles (left, bottom, right, top; origin at the foot) merged per line, as shares
    of the page from its top-left corner."""
    boxes: list[list[float]] = []
    for left, bottom, right, top in sorted(rects, key=lambda r: (-round(r[3]), r[0])):
        x0, y0, x1, y1 = left, height - top, right, height - bottom
        last = boxes[-1] if boxes else None
        if last and abs(last[1] - y0) < 0.6 * max(y1 - y0, 1.0):
            last[0], last[2] = min(last[0], x0), max(last[2], x1)
            last[1], last[3] = min(last[1], y0), max(last[3], y1)
        else:
            boxes.append([x0, y0, x1, y1])
    return [(b[0] / width, b[1] / height, b[2] / width, b[3] / height) for b in boxes]


def render_page(path: Path, number: int, boxes: Sequence[Box] = (), width: int = 900
                ) -> bytes | None:
    """Page `number` (1 is the first) of a PDF as JPEG bytes, the boxes outlined."""
    import pypdfium2
    from PIL import ImageDraw

    pdf = pypdfium2.PdfDocument(path)
    try:
        if not 1 <= number <= len(pdf):
            return None
        pdf_page = pdf[number - 1]
        image = pdf_page.render(scale=width / pdf_page.get_width()).to_pil().convert("RGB")
    finally:
        pdf.close()
    if boxes:
        draw = ImageDraw.Draw(image)
        w, h = image.size
        for x0, top, x1, bottom in boxes:
            draw.rectangle((x0 * w - 3, top * h - 3, x1 * w + 3, bottom * h + 3),
                           outline=(214, 40, 40), width=3)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88)   # a tenth of PNG's encoding time
    return out.getvalue()
