"""foi authorities import ods against a local server answering in ORD's own format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from foi.registries.ods import resolve_role, tidy_name
from foi.workspace import Workspace

from .registry_server import Site, ods_organisations, serve

runner = CliRunner()


def foi(home: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--home", str(home)])
    return result.exit_code, result.output


def said(out: str) -> str:
    """The output with the terminal's line wrapping undone."""
    return " ".join(out.split())


@pytest.fixture
def ods_site() -> Site:
    with serve(Site(orgs=ods_organisations(extra_ccgs=7))) as site:
        yield site


def authorities(home: Path) -> dict[str, dict]:
    code, out = foi(home, "authorities", "list", "--format", "json")
    assert code == 0, out
    return {r["id"]: r for r in json.loads(out)}


def test_a_2016_campaign_gets_2016s_ccgs_and_a_new_one_todays_icb(workspace: Workspace,
                                                                   ods_site: Site) -> None:
    home = workspace.home
    url = f"{ods_site.base}/ORD/2-0-0"
    code, out = foi(home, "authorities", "import", "ods", "--role", "ccg", "--as-of",
                    "2016-06-01", "--url", url, "--per-second", "0")
    assert code == 0, out
    got = authorities(home)
    # Open in June 2016: the three 2013 CCGs and the 7 made-up ones; not County Durham (2020).
    assert set(got) == {"00C", "00D", "00J", *(f"Z{n:04d}" for n in range(7))}
    darlington = got["00C"]
    assert darlington["name"] == "NHS Darlington CCG"
    assert darlington["kind"] == "ccg" and darlington["nation"] == "england"
    assert darlington["email"] == "" and darlington["email_source"] is None
    assert (darlington["opened_on"], darlington["closed_on"]) == ("2013-04-01", "2022-06-30")
    assert darlington["successors"] == "QHM"
    assert got["00D"]["successors"] == "84H" and got["Z0000"]["closed_on"] is None
    assert "10 added" in said(out) and "1 not open on 2016-06-01" in said(out)
    # The ICB: a strategic partnership since 2016, but an ICB only from July 2022.
    code, out = foi(home, "authorities", "import", "ods", "--role", "icb", "--url", url,
                    "--per-second", "0")
    assert code == 0 and "1 added" in said(out), out
    icb = authorities(home)["QHM"]
    assert icb["name"] == "NHS North East and North Cumbria Integrated Care Board"
    assert (icb["kind"], icb["opened_on"], icb["closed_on"]) == ("icb", "2022-07-01", None)
    code, out = foi(home, "authorities", "list", "--open-on", "2016-06-01", "--format", "json")
    assert "QHM" not in {r["id"] for r in json.loads(out)}
    code, out = foi(home, "authorities", "list", "--open-on", "2023-01-01", "--kind", "ccg",
                    "--format", "json")
    assert {r["id"] for r in json.loads(out)} == {"Z0000", "Z0002", "Z0004", "Z0006"}
    # Foundation trusts: NHS trusts (primary role) with the non-primary role RO57.
    code, out = foi(home, "authorities", "import", "ods", "--role", "foundation-trust",
                    "--url", url, "--per-second", "0")
    assert code == 0, out
    trusts = {k for k, a in authorities(home).items() if a["kind"] == "trust"}
    assert trusts == {"RXP", "RR7"}      # not Sunderland (closed 2019), nor an NHS trust
    code, out = foi(home, "authorities", "import", "ods", "--role", "trust", "--url", url,
                    "--per-second", "0")
    assert code == 0, out
    assert {k for k, a in authorities(home).items() if a["kind"] == "trust"} == {
        "RXP", "RR7", "RX3"}
    # Every request named foitrack, its version and a contact.
    assert all(a.startswith("foitrack/") and "(+" in a for a in ods_site.agents)


def test_paged_retried_then_cached(workspace: Workspace) -> None:
    home = workspace.home
    # 1,004 CCGs: three pages of the server's 500, whatever Limit the client asks for.
    with serve(Site(orgs=ods_organisations(extra_ccgs=1000))) as site:
        url = f"{site.base}/ORD/2-0-0"
        site.faults["/ORD/2-0-0/organisations"] = [503]             # the first list page
        site.faults["/ORD/2-0-0/organisations/00C"] = [429, 429]    # Retry-After: 0
        code, out = foi(home, "authorities", "import", "ods", "--role", "ccg", "--all",
                        "--url", url, "--per-second", "0")
        assert code == 0, out
        assert "1004 added" in said(out) and "1010 requests" in said(out)
        assert "3 retried" in said(out)
        assert site.hits["/ORD/2-0-0/organisations"] == 4            # 3 pages + the 503
        assert site.hits["/ORD/2-0-0/organisations/00C"] == 3
        assert len(authorities(home)) == 1004
        before = sum(site.hits.values())
        code, out = foi(home, "authorities", "import", "ods", "--role", "ccg", "--all",
                        "--url", url, "--per-second", "0")
        assert code == 0 and "0 requests, 1007 from the cache" in said(out), out
        assert "0 added, 0 updated, 1004 unchanged" in said(out)
        assert sum(site.hits.values()) == before
        code, out = foi(home, "authorities", "import", "ods", "--role", "ccg", "--all",
                        "--url", url, "--per-second", "0", "--refresh")
        assert code == 0 and "1007 requests, 0 from the cache" in said(out), out


def test_a_service_that_stays_down_is_a_clear_error(workspace: Workspace) -> None:
    home = workspace.home
    with serve(Site(orgs=ods_organisations())) as site:
        site.faults["/ORD/2-0-0/organisations"] = [429] * 5
        code, out = foi(home, "authorities", "import", "ods", "--role", "ccg", "--url",
                        f"{site.base}/ORD/2-0-0", "--per-second", "0")
    assert code == 1 and "HTTP 429" in said(out) and "5 attempts" in said(out)
    code, out = foi(home, "authorities", "import", "ods", "--role", "surgery", "--url",
                    "http://127.0.0.1:9/ORD/2-0-0")
    assert code == 1 and "role 'surgery' must be one of" in said(out)


def test_registry_options_do_not_apply_to_a_csv(workspace: Workspace) -> None:
    code, out = foi(workspace.home, "authorities", "import", "builtin:ccgs-2016", "--role",
                    "ccg")
    assert code == 1 and "--role" in out


def test_names_roles_and_rate() -> None:
    assert tidy_name("NHS DURHAM DALES, EASINGTON AND SEDGEFIELD CCG") == \
        "NHS Durham Dales, Easington and Sedgefield CCG"
    assert tidy_name("KING'S COLLEGE HOSPITAL NHS FOUNDATION TRUST") == \
        "King's College Hospital NHS Foundation Trust"
    assert resolve_role("trust").role_ids == ("RO197", "RO57")
    assert resolve_role("ro144", kind="health-board").kind == "health-board"
