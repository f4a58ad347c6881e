"""Importing authorities from the registries over a local server in the services' formats:
`foi authorities import ods` (list pages, one record per organisation, parse, store) beside
fetching the same pages and records bare with httpx and json.loads; then the same import
from the workspace's cache; and WhatDoTheyKnow's authorities CSV beside a bare csv read.

    python bench/registries.py [--orgs 1000] [--bodies 5000] [--tiny]

The rate limit is off (--per-second 0) so that the figures compare the work, not the
politeness (at ODS's 4 a second, 1,000 organisations take 4 minutes whatever we do).
Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import parse_args  # noqa: E402
from flows.steps.registries import import_ods, import_wdtk_authorities  # noqa: E402
from foi.workspace import init_workspace  # noqa: E402
from tests.registry_server import (  # noqa: E402
    WDTK_COLUMNS,
    Site,
    ods_organisations,
    serve,
)


def bare_ods(base: str) -> int:
    """Every CCG's list page and record, fetched and parsed with nothing else; how many."""
    n = 0
    with httpx.Client() as client:
        codes, offset = [], 0
        while True:
            r = client.get(f"{base}/organisations",
                           params={"PrimaryRoleId": "RO98", "Limit": 1000, "Offset": offset})
            r.raise_for_status()
            page = [o["OrgId"] for o in json.loads(r.content)["Organisations"]]
            codes += page
            offset += len(page)
            if not page or offset >= int(r.headers["X-Total-Count"]):
                break
        for code in codes:
            json.loads(client.get(f"{base}/organisations/{code}").content)
            n += 1
    return n


def wdtk_csv(bodies: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(WDTK_COLUMNS.split(","))
    for n in range(bodies):
        writer.writerow((f"Test Authority {n}", f"TA{n}", f"test_authority_{n}",
                         "ccg NHS" if n % 3 == 0 else "local_council", "", "", "", "", "", "",
                         "1"))
    return out.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--bodies", type=int, default=5000)
    args = parse_args(parser, orgs=5, bodies=20)
    with serve(Site(orgs=ods_organisations(extra_ccgs=args.orgs))) as site, \
            tempfile.TemporaryDirectory() as tmp:
        base = f"{site.base}/ORD/2-0-0"
        home = Path(tmp) / "ws"
        init_workspace(home)
        t0 = time.perf_counter()
        fetched = bare_ods(base)
        bare = time.perf_counter() - t0
        t0 = time.perf_counter()
        first = import_ods(home, roles=["ccg"], as_of=None, url=base, per_second=0)
        ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = import_ods(home, roles=["ccg"], as_of=None, url=base, per_second=0)
        cached = time.perf_counter() - t0
        print(f"ODS, {fetched} CCGs over loopback:")
        print(f"  bare httpx + json.loads        {bare:6.2f} s  {fetched / bare:7.0f} orgs/s")
        print(f"  foi authorities import ods     {ours:6.2f} s  {fetched / ours:7.0f} orgs/s"
              f"  ({ours / bare:.2f}x bare; {first.stats.requests} requests, "
              f"{first.counts.added} added)")
        print(f"  the same again, from the cache {cached:6.2f} s  ({cached / bare:.2f}x bare; "
              f"{again.stats.requests} requests, {again.stats.cache_hits} cache hits, "
              f"{again.counts.unchanged} unchanged)")
        site.files["/body/all-authorities.csv"] = ("text/csv", wdtk_csv(args.bodies))
        url = f"{site.base}/body/all-authorities.csv"
        t0 = time.perf_counter()
        rows = list(csv.DictReader(io.StringIO(httpx.get(url).text)))
        bare = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = import_wdtk_authorities(home, tags=[], url=url, per_second=0, refresh=True)
        ours = time.perf_counter() - t0
        print(f"WhatDoTheyKnow authorities CSV, {len(rows)} bodies:")
        print(f"  bare httpx + csv               {bare:6.2f} s")
        print(f"  foi authorities import wdtk    {ours:6.2f} s  ({ours / bare:.1f}x bare; "
              f"{report.counts.added} added)")


if __name__ == "__main__":
    main()
