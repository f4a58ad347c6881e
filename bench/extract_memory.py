"""Peak memory of `foi extract` reading one reply that carries a long PDF, beside a plain
pdfplumber loop over the same file in a process of its own.

    python bench/extract_memory.py [--pages 200] [--tiny]

Builds a demo-like workspace (bench/harness.py: the 209 CCGs, the QOF example, one letter
sent) where the authority has replied with a PDF of --pages letter pages, each with text and a
ruled table (reportlab), ingested and not yet read. Then runs, each in fresh processes on a
fresh copy of that workspace, sampling every 20 ms the summed RSS and PSS (smaps_rollup: a
page shared between processes is split between them) of the process and all its children:

  plain         python -c: pdfplumber.open, each page extract_text + extract_tables, close
  foi extract   the real command, as a reporter runs it
  extract core  extract_replies() in a bare interpreter: `foi extract` less the CLI's imports

and what the main process holds before reading anything: the interpreter with the modules
the CLI imports (flows.cli), with those the extract step imports (flows.steps.extract), and
with DuckDB alone, the warehouse open (the least any process working on it holds). Ratios
are against plain; the target is at most 1.5x. Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    FOI,
    TreeMemory,
    demo_workspace,
    measure_tree,
    parse_args,
    tiny_out,
)

PLAIN = """
import sys, pdfplumber
with pdfplumber.open(sys.argv[1]) as pdf:
    for page in pdf.pages:
        page.extract_text()
        page.extract_tables()
        page.close()
"""
HEAVY = ("pdfplumber", "pdfminer", "pypdfium2", "openpyxl", "matplotlib", "numpy", "PIL",
         "bs4", "lxml", "docx", "extract_msg", "prefect", "xlrd", "reportlab")
CORE = f"""
import sys
from flows.steps.extract import extract_replies
extract_replies(sys.argv[1])
print(" ".join(m for m in {HEAVY!r} if m in sys.modules))
"""
# VmHWM: ru_maxrss would count the parent's peak from before the exec
PEAK = f"""
print(" ".join(m for m in {HEAVY!r} if m in sys.modules))
print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))
"""
IMPORTS = """
import sys
for name in sys.argv[1:]:
    __import__(name)
""" + PEAK
# the least a process working on the warehouse holds: DuckDB with the workspace open
WAREHOUSE = """
import sys, duckdb
duckdb.connect(sys.argv[1], read_only=True).execute("SELECT count(*) FROM requests").fetchall()
""" + PEAK


def long_pdf(path: Path, pages: int) -> Path:
    """A reply of `pages` letter pages: the answers first, then pages of text and a ruled
    table of figures, as an authority's annex of data would be."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    styles = getSampleStyleSheet()
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                       ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)])
    story = [Paragraph("Freedom of Information request: our response", styles["Title"]),
             Paragraph("1. Yes, the CCG took on delegated commissioning in 2016.",
                       styles["Normal"]),
             Paragraph("2. No, the CCG has not replaced QOF with a local scheme.",
                       styles["Normal"]),
             Paragraph("3. Not applicable.", styles["Normal"])]
    for n in range(1, pages + 1):
        if n > 1:
            story.append(PageBreak())
        story.append(Paragraph(f"Annex A, page {n}: practice payments 2015-16", styles["Heading2"]))
        story.append(Paragraph(
            "The table below lists the payments made to each practice under the Quality and "
            "Outcomes Framework and under any local incentive scheme, in pounds, as recorded "
            "in the ledger at the end of the financial year. " * 3, styles["Normal"]))
        rows = [["Practice", "Code", "QOF (GBP)", "Local scheme (GBP)", "List size"]]
        rows += [[f"Practice {n}-{r}", f"P{n:03d}{r:02d}", f"{(n * 37 + r * 911) % 90000:,}",
                  f"{(n * 53 + r * 307) % 20000:,}", f"{(n * 13 + r * 101) % 15000:,}"]
                 for r in range(1, 21)]
        story.append(Table(rows, style=grid))
    SimpleDocTemplate(str(path), pagesize=LETTER).build(story)
    return path


def template(root: Path, pages: int) -> tuple[Path, Path]:
    """The workspace with the one reply ingested, and its PDF."""
    from flows.steps.ingest import ingest_files
    from flows.steps.session import workspace_db

    pdf = long_pdf(root / "reply.pdf", pages)
    home = demo_workspace(root / "ws", letters=1)
    # what is measured is the memory of reading it all: the time limit must not end it first
    # on a slow or busy machine
    settings = home / "foi.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "timeout_seconds = 60", "timeout_seconds = 3600"), encoding="utf-8")
    with workspace_db(home) as (workspace, con):
        reference, to_addr, message_id = con.execute(
            "SELECT reference, to_addr, message_id FROM requests").fetchone()
        msg = EmailMessage()
        msg["From"], msg["To"] = to_addr, "foi-desk@newsroom.example"
        msg["Subject"], msg["In-Reply-To"] = f"RE: FOI {reference}", message_id
        msg.set_content("Please find our response attached.\n")
        msg.add_attachment(pdf.read_bytes(), maintype="application", subtype="pdf",
                           filename="response.pdf")
        inbox = root / "inbox"
        inbox.mkdir()
        (inbox / "reply.eml").write_bytes(msg.as_bytes())
        report = ingest_files(con, workspace, [inbox / "reply.eml"])
        assert len(report.matched) == 1, report
    return home, pdf


def fresh_copy(home: Path, root: Path, name: str) -> Path:
    """A copy of the workspace for one run (a run reads the document once, then it is read)."""
    copy = root / name
    shutil.copytree(home, copy)
    return copy


def read_whole(home: Path, pages: int) -> None:
    """Stop unless the run read every document, the PDF to its last page: a run cut short
    (a time-out, a crash) would measure less than the work."""
    import duckdb

    con = duckdb.connect(str(home / "foi.duckdb"), read_only=True)
    try:
        found = con.execute("SELECT status, error, page_count FROM documents").fetchall()
    finally:
        con.close()
    if any(status != "ok" for status, _, _ in found) or max(n for *_, n in found) != pages:
        sys.exit(f"the reply was not read whole in {home}: {found}")


def peak_of(script: str, *args: str) -> tuple[float, str]:
    """Peak RSS (MB) of an interpreter running the script, and the heavy modules it loaded."""
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                          text=True, check=True, cwd=ROOT)
    heavy, peak = done.stdout.splitlines()[-2:]
    return int(peak) / 1024, heavy


def main() -> None:
    """Build, measure each side, print the table and save it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--out", type=Path,
                        default=ROOT / "bench" / "results" / "extract_memory.json")
    args = parse_args(parser, pages=3, out=tiny_out("extract_memory.json"))
    root = Path(tempfile.mkdtemp(prefix="foitrack-extract-memory-"))
    home, pdf = template(root, args.pages)
    runs: dict[str, TreeMemory] = {"plain": measure_tree([sys.executable, "-c", PLAIN, str(pdf)])}
    cli_home = fresh_copy(home, root, "ws-cli")
    runs["foi extract"] = measure_tree([FOI, "extract", "--home", str(cli_home)],
                                       stdout=subprocess.DEVNULL)
    read_whole(cli_home, args.pages)
    core_home = fresh_copy(home, root, "ws-core")
    with (root / "core.out").open("w+") as said:
        runs["extract core"] = measure_tree([sys.executable, "-c", CORE, str(core_home)],
                                            stdout=said, cwd=ROOT)
        said.seek(0)
        core_heavy = said.read().split()
    read_whole(core_home, args.pages)
    bare_mb, _ = peak_of(IMPORTS, "duckdb")
    floor_mb, _ = peak_of(WAREHOUSE, str(home / "foi.duckdb"))
    cli_mb, cli_heavy = peak_of(IMPORTS, "flows.cli")
    step_mb, step_heavy = peak_of(IMPORTS, "flows.steps.extract")
    size_mb = pdf.stat().st_size / 1e6
    shutil.rmtree(root)

    plain = runs["plain"]
    print(f"one reply with a {args.pages}-page PDF ({size_mb:.1f} MB): peak "
          "memory of the process and its children, sampled every 20 ms")
    print(f"{'':14} {'seconds':>8} {'RSS MB':>7} {'x plain':>8} {'PSS MB':>7} {'x plain':>8} "
          f"{'main RSS':>9} {'processes':>9}")
    for name, r in runs.items():
        print(f"{name:14} {r.seconds:8.1f} {r.peak_rss_mb:7.0f} "
              f"{r.peak_rss_mb / plain.peak_rss_mb:7.2f}x {r.peak_pss_mb:7.0f} "
              f"{r.peak_pss_mb / plain.peak_pss_mb:7.2f}x {r.peak_main_rss_mb:9.0f} "
              f"{r.most_processes:9}")
    target = 1.5 * plain.peak_rss_mb
    for name in ("foi extract", "extract core"):
        met = "met" if runs[name].peak_rss_mb <= target else "not met"
        print(f"target for {name}: at most 1.5x plain RSS ({target:.0f} MB): {met}")
    print("the main process before reading (peak RSS of an interpreter importing, and the "
          "heavy modules it loads):")
    print(f"  duckdb alone        {bare_mb:5.0f} MB; with the warehouse open and one query "
          f"{floor_mb:.0f} MB ({floor_mb / plain.peak_rss_mb:.2f}x plain)")
    print(f"  flows.cli           {cli_mb:5.0f} MB  {cli_heavy or '-'}")
    print(f"  flows.steps.extract {step_mb:5.0f} MB  {step_heavy or '-'}")
    print(f"  extract core, after the run: {' '.join(core_heavy) or '-'}")
    results = {"pages": args.pages, "runs": {k: vars(v) for k, v in runs.items()},
               "imports_mb": {"duckdb": bare_mb, "duckdb_open": floor_mb, "flows.cli": cli_mb,
                              "flows.steps.extract": step_mb},
               "heavy_modules": {"flows.cli": cli_heavy, "flows.steps.extract": step_heavy,
                                 "extract core after the run": " ".join(core_heavy)}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
