"""Data returns of the real accommodation round-robin: how much is read without a person,
cells against the hand-read labels, labels coded automatically, and the time to read the
corpus beside loading the same files bare (openpyxl, csv, pdfplumber's extract_tables).

    python bench/tables.py [--repeat 3] [--authorities N] [--tiny]

Not a test: nothing here asserts. The ratio travels between machines better than seconds.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import parse_args  # noqa: E402
from extract.tables.grids import decode_text  # noqa: E402
from extract.tables.loading import table_kind  # noqa: E402
from extract.tables.tidy import coverage, read_tables  # noqa: E402
from tests.corpora import (  # noqa: E402
    SHARED,
    cell_verdict,
    half,
    mh_answered,
    mh_cell_labels,
    mh_table_files,
    mh_table_setup,
)

warnings.filterwarnings("ignore", module="openpyxl")


def bare_load(name: str, data: bytes, *, calamine: bool = False) -> int:
    """Load a file the plain way, touching every value: what any script does first (with
    calamine for a workbook, as the reader itself loads one, when told)."""
    kind = table_kind(name, data)
    n = 0
    if kind == "xlsx" and calamine:
        from python_calamine import CalamineWorkbook
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for sheet in book.sheet_names:
            for row in book.get_sheet_by_name(sheet).to_python():
                n += len(row)
    elif kind == "xlsx":
        import openpyxl
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                n += len(row)
    elif kind == "csv":
        for row in csv.reader(io.StringIO(decode_text(data))):
            n += len(row)
    elif kind == "pdf":
        import pdfplumber
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                n += sum(len(t) for t in page.extract_tables())
                page.close()
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--authorities", type=int, help="only the first N authorities' files")
    parser.add_argument("--big-mb", type=int, default=50,
                        help="size of the generated workbook read through a worker (MB)")
    args = parse_args(parser, repeat=1, authorities=2, big_mb=0)
    questions, codes = mh_table_setup()
    folder = SHARED / "mh-accommodation-2021" / "responses"
    authorities = sorted(p.name for p in folder.iterdir() if p.is_dir())[:args.authorities]
    files = {a: mh_table_files(a) for a in authorities}
    ours, bare, bare_calamine = [], [], []
    readings = {}
    for _ in range(args.repeat):  # side by side, turn about, so both see the same machine
        t = time.perf_counter()
        for a in authorities:
            for name, data in files[a]:
                bare_load(name, data)
        bare.append(time.perf_counter() - t)
        t = time.perf_counter()
        for a in authorities:
            for name, data in files[a]:
                bare_load(name, data, calamine=True)
        bare_calamine.append(time.perf_counter() - t)
        t = time.perf_counter()
        readings = {a: read_tables(files[a], questions, codes) for a in authorities}
        ours.append(time.perf_counter() - t)

    for name in ("sealed", "tuning"):
        mine = {a: r for a, r in readings.items() if half(a) == name}
        if mine:
            print(f"\n== {name} half: {len(mine)} bodies " + ("(quote these first)" if
                                                           name == "sealed" else ""))
            report(mine, questions)
    police(args)
    counterfeit()
    print()
    o, b = statistics.median(ours), statistics.median(bare)
    bc = statistics.median(bare_calamine)
    print(f"time to read the accommodation corpus ({sum(len(f) for f in files.values())} "
          f"files): {o:.2f} s; bare load with openpyxl/csv/pdfplumber {b:.2f} s (ratio "
          f"{o / b:.2f}x), with calamine for workbooks {bc:.2f} s (ratio {o / bc:.2f}x); "
          f"median of {args.repeat}")
    big_workbook(args.big_mb)


def report(readings: dict, questions: list) -> None:
    """The figures of one half of the corpus."""
    answered = mh_answered()
    with_rows = [a for a, reading in readings.items()
                 if all(coverage(reading, q).figures for q in answered.get(a, ()))]
    asked = sum(len(answered.get(a, ())) for a in readings)
    got = sum(1 for a, reading in readings.items() for q in answered.get(a, ())
              if coverage(reading, q).figures)
    complete = []
    for a, reading in readings.items():
        cov = [coverage(reading, q.number) for q in questions]
        given = [c for c in cov if c.figures]
        if given and all(c.complete for c in given) and not reading.problems:
            complete.append(a)
    verdicts = Counter()
    wrong = []
    for label in [lb for lb in mh_cell_labels() if lb["authority"] in readings]:
        verdict, why = cell_verdict(readings[label["authority"]], label)
        verdicts[verdict] += 1
        if verdict != "right":
            wrong.append(f"  {verdict}: {label['authority'][:30]} {label['cell']}: {why}")
    labels: dict[tuple[str, str], str] = {}
    for a, reading in readings.items():
        for c in reading.cells:
            labels.setdefault((a, c.category), c.match if c.code else
                              ("own" if c.match == "own" else "unmatched"))
    methods = Counter(labels.values())
    coded = sum(n for m, n in methods.items() if m not in ("own", "unmatched"))
    from extract.tables.codes import normalise
    distinct = {normalise(c) for (_, c), m in labels.items() if m == "unmatched"}
    figures = sum(len(r.cells) for r in readings.values())
    totals = [t for r in readings.values() for t in r.totals]

    print(f"bodies with rows for every question they sent data for: {len(with_rows)}/"
          f"{len(readings)}; questions with data that have rows: {got}/{asked}")
    print(f"trusts (and NHS England) read completely without review: {len(complete)}/"
          f"{len(readings)} ({100 * len(complete) / len(readings):.0f}%)")
    print("  waiting for review: " + ", ".join(
        f"{a[:28]}" for a in readings if a not in complete))
    print(f"hand-read cells: right {verdicts['right']}, wrong {verdicts['wrong']}, "
          f"missing {verdicts['missing']} of {sum(verdicts.values())}")
    print("\n".join(wrong))
    print(f"labels as written (per authority): {len(labels)}; coded automatically {coded} "
          f"({100 * coded / len(labels):.0f}%): " + ", ".join(
              f"{m} {n}" for m, n in methods.most_common()))
    print(f"distinct unmatched labels across the corpus: {len(distinct)} (one `foi tables map` "
          f"each clears them for every trust): {', '.join(sorted(distinct))}")
    print(f"figures read: {figures:,}; totals checked {len(totals)}, not adding up "
          f"{sum(1 for t in totals if t.adds_up is False)}")
    parts = [a for a, r in readings.items() for p in r.problems if p.kind == "part_exceeds_whole"]
    print(f"parts above their wholes (CPA or s117 above all in contact): {len(parts)} in "
          f"{len(set(parts))} bodies")


def big_workbook(mb: int) -> None:
    """A generated workbook of about `mb` MB (sheets of monthly figures past the row cap)
    read through a reader worker with the documents' caps: time and the worker's peak."""
    import tempfile

    import openpyxl

    from bench.harness import TreeSampler
    from extract.reading.isolation import ReadJob, read_documents_isolated
    from flows.steps.limits import ReadingLimits
    from flows.steps.tables import table_questions
    from foi.campaigns import read_campaign
    from tests.corpora import MH_CAMPAIGN, mh_table_setup

    rows = max(200, mb * 20_000)   # about 50 bytes a row of 13 cells, packed
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "caseload.xlsx"
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("Q1 in contact")
        sheet.append(["Status", *[f"{m}-{y}" for y in (18, 19, 20) for m in
                                  ("Jan", "Feb", "Mar", "Apr")]])
        for r in range(rows):
            sheet.append([f"Owner occupier {r}", *[(r * 7 + c) % 997 for c in range(12)]])
        book.save(path)
        size = path.stat().st_size / 1e6
        questions = table_questions(read_campaign(MH_CAMPAIGN))
        _, codes = mh_table_setup()
        from extract.tables.tidy import reading_setup_to_json
        setup = reading_setup_to_json(questions, {q.number: codes for q in questions}, {})
        limits = ReadingLimits()
        started = time.perf_counter()
        with TreeSampler(children_only=True) as sampler:
            found = read_documents_isolated(
                [ReadJob("big", filename=path.name, path=path, mode="tables", tables=setup)],
                timeout_s=limits.timeout_s, memory_mb=limits.memory_mb,
                max_pages=limits.max_pages, workers=1)
        took = time.perf_counter() - started
    result = found["big"]
    print(f"\na generated workbook of {size:.1f} MB ({rows:,} rows of 12 months) through a "
          f"reader worker: {result.status} in {took:.1f} s; peak of the worker "
          f"{sampler.rss_kb / 1024:.0f} MB against its cap of {limits.memory_mb} MB"
          + (f"; {result.error}" if result.error else ""))


def police(args: argparse.Namespace) -> None:
    """The police round-robin: a hierarchy, outcome and hospital breakdowns, years."""
    from extract.tables.codes import level_of
    from tests.corpora import (
        POLICE,
        POLICE_CAMPAIGN,
        campaign_table_setup,
        label_rows,
        police_verdict,
        reply_files,
    )
    questions, codes = campaign_table_setup(POLICE_CAMPAIGN)
    folder = SHARED / "police-hospital-crimes-2025" / "responses"
    forces = sorted(p.name for p in folder.iterdir() if p.is_dir())[:args.authorities]
    readings = {f: read_tables(reply_files(POLICE, f), questions, codes) for f in forces}
    for name in ("sealed", "tuning"):
        mine = [f for f in forces if half(f) == name]
        if not mine:
            continue
        labels = [lb for lb in label_rows(POLICE, "cells.csv") if lb["authority"] in mine]
        verdicts: Counter = Counter()
        notes = []
        for label in labels:
            verdict, why = police_verdict(readings[label["authority"]], label)
            verdicts[verdict] += 1
            if verdict != "right":
                notes.append(f"  {verdict}: {label['authority'][:20]} {label['period']} "
                             f"{label['category_as_written'][:40]!r}: {why}")
        cells = [c for f in mine for c in readings[f].cells if not c.repeat]
        waiting = {(f, c.category) for f in mine for c in readings[f].cells
                   if c.code is None and c.match not in ("free", "mapping")}
        totals = [t for f in mine for t in readings[f].totals]
        print(f"\n== police, {name} half: {', '.join(mine)}")
        print(f"hand-read figures: right {verdicts['right']}, wrong {verdicts['wrong']}, "
              f"missing {verdicts['missing']} of {len(labels)}")
        for row in label_rows(POLICE, "records.csv"):
            if row["authority"] in mine and row["period"] != "all":
                counted = sum(c.value or 0 for c in readings[row["authority"]].cells
                              if c.layout == "records" and not c.dimension
                              and c.period == row["period"])
                stated = [t.adds_up for t in readings[row["authority"]].totals
                          if t.of == "reply" and t.period == row["period"]]
                print(f"  records {row['authority'][:20]} {row['period']}: counted "
                      f"{counted:.0f}, stated {row['stated_total']} (hand-read); the stated "
                      f"total read and checked: {stated}")
        if name == "tuning":
            print("\n".join(notes))
        levels = Counter(level_of(c.code) for c in cells if c.code)
        dimensions = ", ".join(f"{d or 'category'} {n}" for d, n in
                               Counter(c.dimension for c in cells).items())
        print(f"figures read {len(cells)} ({dimensions}); categories matched by level: "
              f"{dict(levels)}; labels waiting for a person {len(waiting)}; "
              f"totals checked {len(totals)}, not adding up "
              f"{sum(1 for t in totals if t.adds_up is False)}; problems "
              f"{sum(len(readings[f].problems) for f in mine)}")


def counterfeit() -> None:
    """The counterfeit-goods round-robin: the letter's own list, a template relabelled,
    quantities with units, a table in a legacy Word letter."""
    from tests.corpora import (
        COUNTERFEIT,
        COUNTERFEIT_CAMPAIGN,
        campaign_table_setup,
        counterfeit_verdict,
        label_rows,
        reply_files,
    )
    questions, codes = campaign_table_setup(COUNTERFEIT_CAMPAIGN)
    labels = label_rows(COUNTERFEIT, "cells.csv")
    councils = sorted({lb["authority"] for lb in labels})
    readings = {a: read_tables(reply_files(COUNTERFEIT, a), questions, codes) for a in councils}
    for name in ("sealed", "tuning"):
        mine = [a for a in councils if half(a) == name]
        verdicts: Counter = Counter()
        notes = []
        for label in [lb for lb in labels if lb["authority"] in mine]:
            verdict, why = counterfeit_verdict(readings[label["authority"]], label)
            verdicts[verdict] += 1
            if verdict != "right" and name == "tuning":
                notes.append(f"  {verdict}: {label['period']} "
                             f"{label['category_as_written']!r}: {why}")
        cells = [c for a in mine for c in readings[a].cells if not c.repeat]
        print(f"\n== counterfeit goods, {name} half: {', '.join(mine)}")
        print(f"hand-read cells: right {verdicts['right']}, wrong {verdicts['wrong']}, "
              f"missing {verdicts['missing']} of {sum(verdicts.values())}; figures read "
              f"{len(cells)}, with a unit {sum(1 for c in cells if c.unit)}, labels waiting "
              f"{len({c.category for c in cells if c.code is None})}")
        if notes:
            print("\n".join(notes))


if __name__ == "__main__":
    main()
