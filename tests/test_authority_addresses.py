"""FOI addresses: kept with their source and date; foi authorities check lists the bodies
with none, a placeholder, or a bounce; foi send never writes to a body with no address."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app
from foi.workspace import Workspace

from .registry_server import Site, ods_organisations, serve

runner = CliRunner()


def foi(home: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--home", str(home)])
    return result.exit_code, " ".join(result.output.split())


def check(home: Path, *args: str) -> dict[tuple[str, str], dict]:
    result = runner.invoke(app, ["authorities", "check", *args, "--format", "json",
                                 "--home", str(home)])
    assert result.exit_code == 0, result.output
    return {(r["id"], r["problem"]): r for r in json.loads(result.output)}


def test_addresses_their_sources_and_the_check(workspace: Workspace, tmp_path: Path) -> None:
    home = workspace.home
    registry = tmp_path / "bodies.csv"
    registry.write_text("id,name,email,kind\n"
                        "00C,NHS Darlington CCG,foi@darlington.example,ccg\n"
                        "00D,NHS Durham Dales CCG,foi@dddes.nhs.uk,ccg\n"
                        "00J,NHS North Durham CCG,foi@northdurham.nhs.uk,ccg\n", encoding="utf-8")
    assert foi(home, "authorities", "import", str(registry))[0] == 0
    code, out = foi(home, "authorities", "address", "00J", "not an address", "--source", "x")
    assert code == 1 and "not an email address" in out
    code, out = foi(home, "authorities", "address", "00J", "",  "--source", "x")
    assert code == 1
    code, out = foi(home, "authorities", "address", "00J", "foi@ndccg.nhs.uk", "--source",
                    "their FOI page", "--on", "2016-03-30")
    assert code == 0, out
    listed = {r["id"]: r for r in json.loads(runner.invoke(
        app, ["authorities", "list", "--format", "json", "--home", str(home)]).output)}
    assert listed["00D"]["email_source"] == str(registry)
    assert (listed["00J"]["email"], listed["00J"]["email_source"],
            listed["00J"]["email_noted_on"]) == ("foi@ndccg.nhs.uk", "their FOI page",
                                                 "2016-03-30")
    # The old address is kept, with its own source and date.
    code, out = foi(home, "sql", "SELECT email, source FROM authority_addresses"
                              " WHERE authority_id = '00J' ORDER BY noted_on", "--format", "csv",
                    "--live")
    assert "foi@northdurham.nhs.uk" in out and "foi@ndccg.nhs.uk" in out
    found = check(home)
    assert set(found) == {("00C", "placeholder address")}
    assert "reserved domain" in found[("00C", "placeholder address")]["detail"]


def test_a_bounce_and_a_body_with_no_address(qof_workspace: Workspace, tmp_path: Path) -> None:
    home = qof_workspace.home
    code, out = foi(home, "send", "qof-local-schemes", "--limit", "2")
    assert code == 0, out
    letter = sorted((home / "outbox").glob("*.eml"))[0].read_text(encoding="utf-8")
    message_id = next(line.split(":", 1)[1].strip() for line in letter.splitlines()
                      if line.lower().startswith("message-id:"))
    reference = next(line.split(":", 1)[1].strip() for line in letter.splitlines()
                     if line.lower().startswith("x-foi-reference:"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "bounce.eml").write_text(
        "From: Mail Delivery System <MAILER-DAEMON@mx.nhs.example>\n"
        "To: foi-desk@newsroom.example\n"
        f"Subject: Undelivered Mail Returned to Sender ({reference})\n"
        "Date: Mon, 04 Apr 2016 10:00:00 +0100\n"
        "Message-ID: <bounce-1@mx.nhs.example>\n"
        f"In-Reply-To: {message_id}\n\n"
        "This is the mail system at host mx.nhs.example.\n"
        "I'm sorry to have to inform you that your message could not be delivered.\n"
        "<foi@00c.ccg.example>: host said: 550 5.1.1 User unknown\n", encoding="utf-8")
    code, out = foi(home, "ingest", "--eml", str(inbox))
    assert code == 0, out
    found = check(home, "--campaign", "qof-local-schemes")
    authority = reference.split("-", 1)[1]
    assert (authority, "bounced") in found
    assert found[(authority, "bounced")]["reference"] == reference
    assert "bounced" in found[(authority, "bounced")]["detail"]
    # Every one of the 209 builtin CCGs has a placeholder address.
    assert sum(1 for _, p in found if p == "placeholder address") == 209
    # CCGs from NHS ODS come with no address: listed, and foi send leaves them out.
    with serve(Site(orgs=ods_organisations(extra_ccgs=2))) as site:
        code, out = foi(home, "authorities", "import", "ods", "--role", "ccg", "--as-of",
                        "2016-06-01", "--url", f"{site.base}/ORD/2-0-0", "--per-second", "0")
    assert code == 0 and "2 added" in out, out
    found = check(home, "--campaign", "qof-local-schemes")
    assert {i for i, p in found if p == "no address"} == {"Z0000", "Z0001"}
    # Known bodies keep the address they had; ODS adds its dates.
    assert (("00C", "placeholder address")) in found
    code, out = foi(home, "send", "qof-local-schemes")
    assert code == 0, out
    assert "Z0000: no FOI address" in out and "Z0001: no FOI address" in out
    code, out = foi(home, "sql", "SELECT count(*) AS n FROM requests WHERE authority_id"
                              " LIKE 'Z%'", "--format", "csv", "--live")
    assert out.split()[-1] == "0"
