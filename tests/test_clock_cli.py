"""Clock commands: deadline, holidays update from a local GOV.UK-format server, requests import,
and timeline events."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from foi.clock import add_working_days, deadline
from warehouse.db import connect, rows

from .conftest import EXAMPLE

runner = CliRunner()


def foi(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def govuk_server() -> Iterator[tuple[str, dict]]:
    """A local HTTP server answering with GOV.UK-format bank holidays (mutable payload)."""
    payload: dict = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/bank-holidays.json":
                self.send_error(404)
                return
            body = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", payload
    finally:
        server.shutdown()


def test_deadline_prints_due_dates_and_explains_them(tmp_path: Path) -> None:
    code, out = foi("deadline", "2016-12-20", "--explain", "--home", str(tmp_path / "none"))
    expected = deadline(date(2016, 12, 20))
    assert code == 0
    assert f"due                 {expected.due}" in out
    assert f"very_overdue_after  {expected.very_overdue_after}" in out
    assert "2016-12-26 Boxing Day" in out and "2 January (Scotland)" in out
    code, out = foi("deadline", "20/12/2016")
    assert code == 1 and "not a date" in out
    code, out = foi("deadline", "2016-12-20", "--regime", "gdpr")
    assert code == 1 and "foia, eir or foisa" in out


def test_holidays_update_makes_govuk_the_truth_and_redates(tmp_path: Path,
                                                            govuk_server) -> None:
    url, payload = govuk_server
    home = str(tmp_path / "ws")
    foi("init", "--home", home)
    foi("authorities", "import", "builtin:ccgs-2016", "--home", home)
    foi("campaign", "add", str(EXAMPLE), "--home", home)
    foi("send", "qof-local-schemes", "--limit", "2", "--home", home)
    con = connect(Path(home) / "foi.duckdb", read_only=True)
    sent_on, due_before = con.execute("SELECT sent_on, due_on FROM requests LIMIT 1").fetchone()
    # GOV.UK's file for the year: what the workspace has, plus a new one-off bank holiday
    # (as for the 2022 funeral) on the first working day after sending.
    extra, _ = add_working_days(sent_on, 1)
    year = extra.year
    known = rows(con, "SELECT day, nation, name FROM bank_holidays WHERE year(day) = ?", [year])
    con.close()
    for nation in ("england-and-wales", "scotland", "northern-ireland"):
        events = [{"title": r["name"], "date": r["day"].isoformat(), "notes": "",
                   "bunting": True} for r in known if r["nation"] == nation]
        events.append({"title": "Special bank holiday", "date": extra.isoformat(), "notes": "",
                       "bunting": True})
        payload[nation] = {"division": nation, "events": events}
    code, out = foi("holidays", "update", "--url", f"{url}/bank-holidays.json", "--home", home)
    assert code == 0, out
    con = connect(Path(home) / "foi.duckdb", read_only=True)
    due_after = con.execute("SELECT due_on FROM requests LIMIT 1").fetchone()[0]
    sources = rows(con, "SELECT DISTINCT source FROM bank_holidays WHERE year(day) = ?", [year])
    con.close()
    assert due_after == add_working_days(due_before, 1)[0]
    assert sources == [{"source": "gov.uk"}]
    code, out = foi("holidays", "update", "--url", f"{url}/missing.json", "--home", home)
    assert code == 1 and "cannot fetch bank holidays" in out


def test_requests_sent_elsewhere_are_imported_and_tracked(tmp_path: Path) -> None:
    home = str(tmp_path / "ws")
    foi("init", "--home", home)
    foi("authorities", "import", "builtin:ccgs-2016", "--home", home)
    foi("campaign", "add", str(EXAMPLE), "--home", home)
    old = (date.today() - timedelta(days=70)).isoformat()
    uk = (date.today() - timedelta(days=5)).strftime("%d/%m/%Y")
    csv_file = tmp_path / "sent.csv"
    csv_file.write_text(
        "authority_id,sent_on,reference,channel,url\n"
        f"00C,{old},,whatdotheyknow,https://www.whatdotheyknow.com/request/qof_00c\n"
        f"00D,{uk},,email,\n"
        f"ZZZ,{old},,email,\n"
        f"00J,yesterday,,email,\n"
        f"00C,{old},,email,\n")
    code, out = foi("requests", "import", "qof-local-schemes", str(csv_file), "--home", home)
    assert code == 2
    assert "2 requests imported, 3 rejected" in out
    assert "line 4: no authority 'ZZZ'" in out and "line 5: sent_on 'yesterday'" in out
    assert "line 6: 00C already has request QOF16-00C" in out
    con = connect(Path(home) / "foi.duckdb", read_only=True)
    got = rows(con, "SELECT reference, channel, sent_on, due_on, clock, next_action"
                    " FROM v_requests ORDER BY reference")
    con.close()
    assert [r["reference"] for r in got] == ["QOF16-00C", "QOF16-00D"]
    assert got[0]["channel"] == "whatdotheyknow"
    assert got[0]["due_on"] == deadline(date.fromisoformat(old)).due
    assert got[0]["next_action"] == "send second chaser"
    assert got[1]["next_action"] == "wait"


def test_events_from_the_command_line(tmp_path: Path) -> None:
    home = str(tmp_path / "ws")
    foi("init", "--home", home)
    foi("authorities", "import", "builtin:ccgs-2016", "--home", home)
    foi("campaign", "add", str(EXAMPLE), "--home", home)
    foi("send", "qof-local-schemes", "--limit", "1", "--home", home)
    code, out = foi("event", "qof16-00c", "refused", "--sections", "s12", "--home", home)
    assert code == 0 and "QOF16-00C: refused" in out
    code, out = foi("event", "QOF16-00C", "extended", "--on", "someday", "--home", home)
    assert code == 1 and "not a date" in out
    code, out = foi("event", "QOF16-XXX", "note", "--home", home)
    assert code == 1 and "no request 'QOF16-XXX'" in out
