"""Publishing a 1,000-authority campaign: page render time beside a bare jinja2 table, and
the page weight.

    python bench/page.py [--n 1000] [--repeat 3] [--tiny]

Not a test: nothing here asserts. The ratio travels between machines better than seconds.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import jinja2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import parse_args  # noqa: E402
from flows.steps.report import campaign_headlines, publish_campaign  # noqa: E402
from foi.authorities import Authority  # noqa: E402
from foi.campaigns import parse_campaign  # noqa: E402
from foi.workspace import init_workspace  # noqa: E402
from reports.page import question_chart  # noqa: E402
from warehouse.answers import save_answers  # noqa: E402
from warehouse.authorities import import_authorities  # noqa: E402
from warehouse.campaigns import save_campaign  # noqa: E402
from warehouse.clock import refresh_deadlines  # noqa: E402
from warehouse.db import connect  # noqa: E402
from warehouse.queries import answer_rows, request_rows  # noqa: E402
from warehouse.requests import record_sending, record_sent  # noqa: E402
from warehouse.timeline import record_event  # noqa: E402

EXAMPLE = ROOT / "examples" / "qof-local-schemes.toml"
BARE = jinja2.Environment(autoescape=True).from_string(
    "<table>{% for r in rows %}<tr><td>{{ r.authority_name }}</td><td>{{ r.reference }}</td>"
    "<td>{{ r.status }}</td><td>{{ r.due_on }}</td><td>{{ r.responded_on }}</td>"
    "{% for a in r.answers %}<td>{{ a.value }} {{ a.snippet }} {{ a.document_filename }}"
    " {{ a.page }}</td>{% endfor %}</tr>{% endfor %}</table>")


def build(home: Path, n: int) -> object:
    """A workspace with n authorities asked, nine in ten answering every question."""
    ws = init_workspace(home)
    con = connect(ws.database)
    import_authorities(con, [Authority(f"A{i:04d}", f"Authority {i}", f"foi{i}@x.example",
                                       "england", "ccg", ()) for i in range(n)], "bench")
    # the example has its own cutoff (30 June 2016): lateness is counted to it, so the page
    # is the same whatever day it is built
    text = EXAMPLE.read_text(encoding="utf-8")
    save_campaign(con, parse_campaign(text), text)
    rng = random.Random(1)
    for i in range(n):
        ref = f"QOF16-A{i:04d}"
        record_sending(con, reference=ref, campaign_id="qof-local-schemes",
                       authority_id=f"A{i:04d}", to_addr="x@y.example", message_id=f"<{i}@b>")
        record_sent(con, ref, datetime(2016, 4, 4, 10, tzinfo=UTC), "bench")
        if i % 10 == 9:
            continue
        save_answers(con, ref, [
            {"question_key": k, "status": "answered", "value": v, "confidence": 0.9,
             "document_id": None, "page": 1 + i % 4, "method": "bench", "sections": [],
             "snippet": f"In answer to question {q}, the CCG says {v}. " * 3}
            for q, (k, v) in enumerate([("delegated", "yes"), ("local_scheme", "no"),
                                        ("budget", str(rng.randrange(1, 99) * 10_000))], 1)])
        record_event(con, ref, "successful",
                     on=date(2016, 4, 4) + timedelta(days=rng.randrange(5, 40)))
    refresh_deadlines(con)
    con.close()
    return ws


def main() -> None:
    """Build, publish and time; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parse_args(parser, n=20, repeat=1)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        ws = build(Path(tmp) / "ws", args.n)
        built = time.perf_counter() - t
        con = connect(ws.database)  # type: ignore[attr-defined]
        page_s = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            path = publish_campaign(con, ws.site, "qof-local-schemes")  # type: ignore[attr-defined]
            page_s.append(time.perf_counter() - t)
        lines = campaign_headlines(con, "qof-local-schemes")
        t = time.perf_counter()
        for h in lines:
            question_chart(h)
        charts = time.perf_counter() - t
        requests = request_rows(con, "qof-local-schemes")
        answers = answer_rows(con, "qof-local-schemes")
        by_ref: dict[str, list] = {}
        for a in answers:
            by_ref.setdefault(a["request_reference"], []).append(a)
        table = [{**r, "answers": by_ref.get(r["reference"], [])} for r in requests]
        bare_s = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            bare = BARE.render(rows=table)
            bare_s.append(time.perf_counter() - t)
        con.close()
        size = path.stat().st_size
    page, base = min(page_s), min(bare_s)
    print(f"page: {args.n} authorities, {len(answers)} answers (workspace built in {built:.1f} s)")
    print(f"  publish (queries + charts + render): {page * 1000:.0f} ms")
    print(f"  of which {len(lines)} question charts (matplotlib SVG): {charts * 1000:.0f} ms")
    print(f"  bare jinja2 table, same rows:        {base * 1000:.0f} ms  "
          f"({len(bare.encode()) / 1024:.0f} KB)")
    print(f"  ratio: {page / base:.1f}x; page weight {size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
