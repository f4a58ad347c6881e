"""WhatDoTheyKnow: its authorities list, and requests made through it fetched with their
responses and attachments, against a local server answering in Alaveteli's formats."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import duckdb
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from typer.testing import CliRunner

from flows.cli import app
from foi.registries.http import RegistryClient
from foi.workspace import Workspace

from .registry_server import Site, serve, wdtk_authorities_csv, wdtk_request

runner = CliRunner()


def foi(home: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--home", str(home)])
    return result.exit_code, " ".join(result.output.split())


def reply_pdf() -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    lines = ["NHS Darlington CCG - Freedom of Information response",
             "1. Yes, the CCG took on fully delegated responsibility for primary care.",
             "2. No, there is no plan to replace QOF with a local incentive scheme.",
             "3. Not applicable."]
    for n, line in enumerate(lines):
        pdf.drawString(60, 780 - 20 * n, line)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def test_wdtk_authorities_linked_tagged_and_bad_rows_kept_out(qof_workspace: Workspace) -> None:
    home = qof_workspace.home
    with serve(Site()) as site:
        site.files["/body/all-authorities.csv"] = ("text/csv", wdtk_authorities_csv())
        url = f"{site.base}/body/all-authorities.csv"
        code, out = foi(home, "authorities", "import", "wdtk", "--tag", "ccg", "--url", url,
                        "--per-second", "0")
        # Darlington CCG is the builtin 00C (same name): linked, not added; the row with a
        # line break in its name is refused; the trust and the council lack the tag.
        assert code == 2 and "0 added, 1 updated" in out and "1 rejected" in out, out
        assert "control character" in out
        code, out = foi(home, "authorities", "import", "wdtk", "--url", url,
                        "--per-second", "0")
        assert "2 added" in out and "1 unchanged" in out, out
    con = duckdb.connect(str(home / "foi.duckdb"), read_only=True)
    try:
        rows = {r[0]: r[1:] for r in con.execute(
            "SELECT id, name, email, wdtk_url_name, wdtk_short_name, tags FROM v_authorities"
            " WHERE wdtk_url_name IS NOT NULL").fetchall()}
        problems = con.execute("SELECT item FROM problems WHERE reason LIKE '%control%'"
                               ).fetchall()
    finally:
        con.close()
    assert rows["00C"][:4] == ("NHS Darlington CCG", "foi@00c.ccg.example", "nhs_darlington_ccg",
                               "Darlington CCG")
    assert "ons:E38000042" in rows["00C"][4]
    assert rows["cddft"][1] is None and rows["cddft"][2] == "cddft"
    assert "evil_body" not in rows and problems


def test_a_request_made_through_wdtk_is_tracked_and_read(qof_workspace: Workspace,
                                                        tmp_path: Path) -> None:
    home = qof_workspace.home
    with serve(Site()) as site:
        url = wdtk_request(site, reply_pdf(), b"year,posts\n2015,3\n2016,4\n")
        site.faults["/request/301/response/4002/attach/3/breakdown.csv"] = [503]
        urls = tmp_path / "urls.txt"
        urls.write_text(f"# the QOF round-robin on WhatDoTheyKnow\n{url}\n"
                        f"{site.base}/request/no_such_request\nnot a url\n", encoding="utf-8")
        code, out = foi(home, "requests", "import", "qof-local-schemes", "--wdtk-file",
                        str(urls), "--per-second", "0")
        assert code == 2, out
        assert "1 requests added" in out and "2 responses stored with 2 attachments" in out
        assert "2 problems" in out and "not a WhatDoTheyKnow request URL" in out
        assert "HTTP 404" in out and "1 retried" in out
        assert all(a.startswith("foitrack/") for a in site.agents)
        before = dict(site.hits)
        # Again: the request is known, its responses stored; no attachment fetched again.
        code, out = foi(home, "requests", "import", "qof-local-schemes", "--wdtk", url,
                        "--per-second", "0")
        assert code == 0 and "0 requests added, 1 already tracked" in out, out
        assert "0 responses stored" in out and "2 already stored" in out
        assert site.hits["/request/301/response/4002/attach/2/QOF reply.pdf"] == \
            before["/request/301/response/4002/attach/2/QOF reply.pdf"] == 1
    code, out = foi(home, "extract", "qof-local-schemes")
    assert code == 0, out
    con = duckdb.connect(str(home / "foi.duckdb"), read_only=True)
    try:
        request = con.execute("SELECT channel, url, sent_on::VARCHAR, status FROM requests"
                              " WHERE reference = 'QOF16-00C'").fetchone()
        messages = con.execute(
            "SELECT m.match_method, m.subject, m.dated::DATE::VARCHAR, list(md.filename ORDER BY"
            " md.part) FROM messages m LEFT JOIN message_documents md ON md.message_id = m.id"
            " WHERE m.request_reference = 'QOF16-00C' GROUP BY ALL ORDER BY 3").fetchall()
        pdf_text = con.execute(
            "SELECT string_agg(p.text, ' ') FROM document_pages p JOIN message_documents md"
            " ON md.document_id = p.document_id WHERE md.filename = 'QOF reply.pdf'").fetchone()
        body = con.execute("SELECT body_text FROM messages WHERE body_text LIKE '%attached%'"
                           ).fetchone()
    finally:
        con.close()
    assert request[:3] == ("whatdotheyknow", url, "2016-04-04")
    assert [m[2] for m in messages] == ["2016-04-06", "2016-05-03"]
    assert messages[1][3] == ["message body", "QOF reply.pdf", "breakdown.csv"]
    assert "FOI 16/123" not in (messages[1][1] or "")
    assert "fully delegated responsibility" in pdf_text[0]
    # The authority's words stay text: the escaped tag in the page is not markup here either.
    assert "<script>alert(1)</script>" in body[0]


def test_the_rate_limit_spaces_requests() -> None:
    with serve(Site()) as site:
        site.files["/x"] = ("text/plain", b"x")
        start = time.monotonic()
        with RegistryClient("foitrack/test (+http://127.0.0.1)", per_second=10) as client:
            for _ in range(6):
                client.get_bytes(f"{site.base}/x", cached=False)
        elapsed = time.monotonic() - start
    assert elapsed >= 0.5 and site.hits["/x"] == 6


def test_request_json_and_page_formats() -> None:
    from foi.registries.wdtk import parse_request_page, request_address

    address = request_address("https://www.whatdotheyknow.com/request/some_title#incoming-9")
    assert (address.site, address.json_url) == (
        "https://www.whatdotheyknow.com",
        "https://www.whatdotheyknow.com/request/some_title.json")
    pages = parse_request_page(
        '<div id="incoming-9"><div class="correspondence_text">Hello</div>'
        '<a href="/request/1/response/9/attach/2/a%20b.pdf">a</a>'
        '<a href="/request/1/response/9/attach/html/2/a%20b.pdf.html">html</a></div>',
        page_url="https://www.whatdotheyknow.com/request/some_title")
    assert pages[9].text == "Hello"
    assert [(a.number, a.filename) for a in pages[9].attachments] == [(2, "a b.pdf")]
    assert json.dumps(pages[9].attachments[0].url).endswith('attach/2/a%20b.pdf"')
