"""Consistency check for the hand-written labels in this folder.

The labels were written by reading each document and page image by hand; this
script does not produce any label. It only re-reads the source documents with
plain libraries (pdfplumber, python-docx, openpyxl, xlrd, csv, antiword) and
checks that

* every `evidence` quote occurs verbatim (whitespace collapsed) on the stated
  page / sheet of `answer_document` and is at most 200 characters;
* every cell in mh-accommodation-2021/cells.csv holds the value written down
  (spreadsheet and CSV cells; PDF cells are checked against the page text).

Run:  .venv/bin/python tests/labels/verify_labels.py
It is not a pytest module and imports nothing from extract/, flows/ or foi/.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = Path("/work/shared/corpus")


def ws(s: str) -> str:
    return re.sub(r"\s+", " ", s or "").strip()


def doc_text(path: Path, page: str) -> str:
    suf = path.suffix.lower()
    if suf == ".pdf":
        import pdfplumber

        with pdfplumber.open(path) as pdf:
            return pdf.pages[int(page) - 1].extract_text() or ""
    if suf == ".docx":
        import docx

        d = docx.Document(path)
        parts = [p.text for p in d.paragraphs]
        for t in d.tables:
            for row in t.rows:
                parts.extend(c.text for c in row.cells)
        return "\n".join(parts)
    if suf == ".doc":
        return subprocess.run(["antiword", str(path)], capture_output=True, text=True).stdout
    if suf in (".md", ".csv"):
        return path.read_text(encoding="utf-8-sig", errors="replace")
    if suf == ".xlsx":
        import openpyxl

        sh = openpyxl.load_workbook(path, data_only=True)[page]
        return "\n".join(str(c.value) for row in sh.iter_rows() for c in row if c.value is not None)
    if suf == ".xls":
        import xlrd

        sh = xlrd.open_workbook(str(path)).sheet_by_name(page)
        return "\n".join(str(sh.cell_value(r, c)) for r in range(sh.nrows) for c in range(sh.ncols))
    raise ValueError(path)


def all_letters_text(d: Path) -> list[str]:
    out = []
    for f in sorted(d.iterdir()):
        suf = f.suffix.lower()
        if suf == ".pdf":
            import pdfplumber

            with pdfplumber.open(f) as pdf:
                out.extend(p.extract_text() or "" for p in pdf.pages)
        elif suf in (".docx", ".md", ".doc"):
            out.append(doc_text(f, "1"))
    return out


def check_evidence(csv_path: Path, folder: Path, image_only: set[tuple[str, str]]) -> int:
    bad = 0
    for row in csv.DictReader(csv_path.open(encoding="utf-8")):
        ev = row["evidence"]
        if not ev:
            continue
        if len(ev) > 200:
            print("TOO LONG", csv_path.name, row["authority"], row["question"], len(ev))
            bad += 1
        if (
            "answer_document" not in row
        ):  # outcomes.csv: search every letter / email of the authority
            text = ws(" ".join(all_letters_text(folder / row["authority"])))
        else:
            if (folder / row["authority"]).is_dir():
                path = folder / row["authority"] / row["answer_document"]
            else:
                path = folder / row["answer_document"]
            if (row["answer_document"], str(row["answer_page"])) in image_only:
                continue  # quote read from the rendered page image; no text layer to check against
            text = ws(doc_text(path, str(row["answer_page"])))
        if ws(ev) not in text:
            print("NOT FOUND", csv_path.name, row["authority"], row["question"], repr(ev))
            bad += 1
    return bad


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_csv_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    return list(csv.reader(text.splitlines()))


def check_cells() -> int:
    import openpyxl
    import pdfplumber

    bad = 0
    folder = CORPUS / "mh-accommodation-2021" / "responses"
    books: dict[Path, object] = {}
    for row in csv.DictReader(
        (HERE / "mh-accommodation-2021" / "cells.csv").open(encoding="utf-8")
    ):
        path = folder / row["authority"] / row["file"]
        want = row["value_as_written"]
        cell = row["cell"]
        suf = path.suffix.lower()
        if suf == ".xlsx":
            if path not in books:
                books[path] = openpyxl.load_workbook(path, data_only=True)
            got = books[path][row["sheet"]][cell].value
            got = "" if got is None else str(got)
        elif suf == ".csv":
            m = re.fullmatch(r"row (\d+) col ([A-Z]+)", cell)
            rows = read_csv_rows(path)
            got = rows[int(m.group(1)) - 1][col_index(m.group(2))]
        elif suf == ".pdf":
            m = re.fullmatch(r"page (\d+) table (\d+) row (\d+) col (\d+)", cell)
            with pdfplumber.open(path) as pdf:
                text = pdf.pages[int(m.group(1)) - 1].extract_text() or ""
            label = row["category_as_written"]
            lines = [ln for ln in text.splitlines() if ln.startswith(label)]
            got = (
                want
                if any(want in ln.split() for ln in lines)
                else f'<{want} not on a "{label}" line>'
            )
        else:
            got = "<unsupported>"
        if ws(got) != ws(want):
            print(
                "CELL MISMATCH",
                row["authority"],
                row["file"],
                row["sheet"],
                cell,
                "want",
                repr(want),
                "got",
                repr(got),
            )
            bad += 1
    return bad


def main() -> int:
    bad = 0
    mh = HERE / "mh-accommodation-2021"
    bad += check_evidence(mh / "answers.csv", CORPUS / "mh-accommodation-2021" / "responses", set())
    if (mh / "outcomes.csv").exists():
        bad += check_evidence(
            mh / "outcomes.csv", CORPUS / "mh-accommodation-2021" / "responses", set()
        )
    if (mh / "cells.csv").exists():
        bad += check_cells()
    cf = HERE / "cipfa-libraries-2017" / "answers.csv"
    if cf.exists():
        image_only = {("Aberdeenshire.pdf", "1"), ("BlaenauGwent1.pdf", "1")}
        bad += check_evidence(cf, CORPUS / "cipfa-libraries-2017" / "responses", image_only)
    print("problems:", bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
