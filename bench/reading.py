"""The document reader beside a plain single-process pdfplumber loop, on the same PDFs.

    python bench/reading.py [--pages 300] [--long 200] [--out bench/results/reading.json] [--tiny]

Reports, side by side in one run: pages/s of the plain loop (pdfplumber.open, extract_text,
close, page after page) and of foitrack's reader (read_documents_isolated: PDFium triage,
pdfplumber only for ruled pages, one worker per core), the ratio; how far the words agree
(per page, the word sets of both, as |A & B| / |A | B| over all pages, leaving out the
'|' that separates the cells of a Q/A table read row by row); and the peak memory of all
processes reading one long PDF (RSS summed, and PSS), each side in a fresh interpreter. The
letters are the demo simulator's replies (several seeds until there are enough pages).
Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import TreeMemory, measure_tree, parse_args, tiny_out  # noqa: E402

EXAMPLE = ROOT / "examples" / "qof-local-schemes.toml"

PLAIN = """
import sys, pdfplumber
for path in sys.argv[1:]:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()
"""
OURS = """
import sys
from pathlib import Path
from extract.reading.isolation import ReadJob, read_documents_isolated
read_documents_isolated([ReadJob(p, filename=p, path=Path(p)) for p in sys.argv[1:]])
"""


def letter_pdfs(directory: Path, pages_wanted: int) -> list[Path]:
    """The simulator's PDF replies, seed after seed, until there are enough pages."""
    import pypdfium2 as pdfium

    from foi.authorities import demo_ccgs
    from foi.campaigns import read_campaign
    from simulator.replies import SentLetter, SimQuestion, simulate_replies

    campaign = read_campaign(EXAMPLE)
    questions = [SimQuestion(n, q.key, q.text, q.type, q.choices, q.only_if)
                 for n, q in campaign.numbered()]
    letters = [SentLetter(f"QOF16-{a.id}", a.id, a.name, a.email, "Alex Reporter",
                          "foi-desk@newsroom.example", f"<qof16-{a.id.lower()}@n.example>",
                          f"FOI request QOF16-{a.id}", datetime(2016, 4, 4, 9, tzinfo=UTC))
               for a in demo_ccgs()]
    paths: list[Path] = []
    pages = 0
    seed = 2016
    while pages < pages_wanted:
        for letter in letters:  # one at a time (each is seeded alone): stop once there are enough
            if pages >= pages_wanted:
                break
            [reply] = simulate_replies([letter], questions, seed=seed)
            for raw in reply.messages:
                for part in message_from_bytes(raw, policy=policy.default).iter_attachments():
                    if part.get_content_type() != "application/pdf" or pages >= pages_wanted:
                        continue
                    path = directory / f"{seed}-{len(paths):04d}.pdf"
                    path.write_bytes(part.get_content())
                    paths.append(path)
                    pages += len(pdfium.PdfDocument(path))
        seed += 1
    return paths


def long_pdf(letters: list[Path], pages: int, path: Path) -> Path:
    """One PDF of `pages` pages made of the letters, end to end."""
    import pypdfium2 as pdfium

    merged = pdfium.PdfDocument.new()
    while len(merged) < pages:
        for letter in letters:
            if len(merged) >= pages:
                break
            source = pdfium.PdfDocument(letter)
            merged.import_pages(source, list(range(min(len(source), pages - len(merged)))))
    merged.save(path)
    return path


def plain_texts(paths: list[Path]) -> list[list[str]]:
    """pdfplumber's extract_text of every page: the reference for the words."""
    import pdfplumber

    texts = []
    for path in paths:
        with pdfplumber.open(path) as pdf:
            pages = []
            for page in pdf.pages:
                pages.append(page.extract_text() or "")
                page.close()
            texts.append(pages)
    return texts


def peak_tree(script: str, args: list[str]) -> TreeMemory:
    """Wall seconds and peak memory of a fresh interpreter running `script`, with its
    children."""
    return measure_tree([sys.executable, "-c", script, *args],
                        env={**os.environ, "PYTHONPATH": str(ROOT)})


def main() -> None:
    """Measure both sides and print them side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300, help="letter pages to read")
    parser.add_argument("--long", type=int, default=200, help="pages of the long PDF")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "reading.json")
    args = parse_args(parser, pages=3, long=3, out=tiny_out("reading.json"))
    from extract.reading.isolation import ReadJob, default_workers, read_documents_isolated

    tmp = Path(tempfile.mkdtemp(prefix="foitrack-reading-"))
    paths = letter_pdfs(tmp, args.pages)

    started = time.perf_counter()
    reference = plain_texts(paths)
    plain_s = time.perf_counter() - started
    pages = sum(len(t) for t in reference)

    started = time.perf_counter()
    ours = read_documents_isolated([ReadJob(str(p), filename=p.name, path=p) for p in paths])
    ours_s = time.perf_counter() - started

    common = union = same = 0
    for path, plain in zip(paths, reference, strict=True):
        mine = ours[str(path)].pages
        for a, b in zip(plain, mine, strict=False):
            words_a, words_b = set(a.split()), set(b.split()) - {"|"}  # ours: 'cell | cell'
            common += len(words_a & words_b)
            union += len(words_a | words_b)
            same += words_a == words_b
        union += sum(len(set(a.split())) for a in plain[len(mine):])

    big = long_pdf(paths, args.long, tmp / "long.pdf")
    plain_big, ours_big = peak_tree(PLAIN, [str(big)]), peak_tree(OURS, [str(big)])

    results = {
        "files": len(paths), "pages": pages, "workers": default_workers(),
        "plain_pages_per_s": pages / plain_s, "reader_pages_per_s": pages / ours_s,
        "speed_ratio": plain_s / ours_s,
        "word_agreement": common / union if union else 1.0, "pages_same_words": same / pages,
        "long_pages": args.long, "plain_peak_mb": plain_big.peak_rss_mb,
        "reader_peak_mb": ours_big.peak_rss_mb, "plain_peak_pss_mb": plain_big.peak_pss_mb,
        "reader_peak_pss_mb": ours_big.peak_pss_mb, "plain_long_s": plain_big.seconds,
        "reader_long_s": ours_big.seconds,
    }
    print(f"{pages} letter pages in {len(paths)} PDFs, {results['workers']} reader workers")
    print(f"{'':28} {'plain pdfplumber':>17} {'foitrack reader':>16}")
    print(f"{'pages/s':28} {results['plain_pages_per_s']:>17.1f} "
          f"{results['reader_pages_per_s']:>16.1f}   ratio {results['speed_ratio']:.2f}x")
    print(f"{'word agreement (Jaccard)':28} {'':>17} {results['word_agreement']:>16.4f}   "
          f"pages with the same words {results['pages_same_words']:.1%}")
    print(f"{f'peak MB, {args.long}-page PDF':28} {plain_big.peak_rss_mb:>17.0f} "
          f"{ours_big.peak_rss_mb:>16.0f}   (RSS of all processes, summed)")
    print(f"{f'peak PSS MB, {args.long}-page PDF':28} {plain_big.peak_pss_mb:>17.0f} "
          f"{ours_big.peak_pss_mb:>16.0f}   (shared pages split between them)")
    print(f"{f'seconds, {args.long}-page PDF':28} {plain_big.seconds:>17.2f} "
          f"{ours_big.seconds:>16.2f}   (fresh interpreter each)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
