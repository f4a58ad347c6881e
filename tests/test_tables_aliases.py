"""Labels matched by aliases: an earlier version of a code list, or the mappings a reporter
made in an earlier campaign (`foi tables mappings`), named in the next campaign's
`categories.aliases`; a person's own mapping of a label still wins."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app
from flows.steps.tables import read_table_answers
from foi.workspace import init_workspace
from tests.table_workspace import CAMPAIGN, add_campaign, add_reply
from warehouse.data_returns import label_mappings
from warehouse.db import connect, rows

REPLY = (b"Question 1: people in contact\n"
         b"Accommodation status,Jan-21,Feb-21\n"
         b"Tenant - LA/ALMO/RSL,10,12\n"          # the earlier version's label
         b"Home Owner,3,4\n"                     # a reporter mapped it last time
         b"Independent hospital/clinic,1,2\n")


def _campaign_with_aliases(folder: Path, aliases: str) -> Path:
    """The accommodation campaign copied beside an aliases file it names."""
    text = CAMPAIGN.read_text(encoding="utf-8").replace(
        'categories = { code_list = "mhsds-accommodation-status-codes.csv" }',
        'categories = { code_list = "mhsds-accommodation-status-codes.csv", '
        'aliases = ["earlier.csv"] }')
    shutil.copy(CAMPAIGN.parent / "mhsds-accommodation-status-codes.csv", folder)
    (folder / "earlier.csv").write_text(aliases, encoding="utf-8")
    path = folder / "campaign.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_aliases_are_matched_and_a_person_still_decides(tmp_path: Path) -> None:
    workspace = init_workspace(tmp_path / "ws")
    path = _campaign_with_aliases(tmp_path, "label,code\nTenant - LA/ALMO/RSL,MA04\n"
                                            "Home Owner,MA01\nNot Recorded,\n")
    con = connect(workspace.database)
    try:
        campaign = add_campaign(con, path)
        # a person's mapping made before the aliases are loaded again is kept
        con.execute("UPDATE table_label_mappings SET code = 'MA09', author = 'ana'"
                    " WHERE label = 'Home Owner' AND question_key = 'all_contacts'")
        add_campaign(con, path)
        ref = add_reply(con, workspace, "XX1", "A Trust", [("q1.csv", REPLY)], campaign)
        read_table_answers(con, campaign, [ref], workspace.store)
        got = {r["category_as_sent"]: (r["category_code"], r["match"]) for r in rows(
            con, "SELECT * FROM v_table_answers WHERE period = '2021-01'")}
        mapped = label_mappings(con, campaign.id, "cpa")
    finally:
        con.close()
    assert got == {"Tenant - LA/ALMO/RSL": ("MA04", "mapping"),
                   "Home Owner": ("MA09", "mapping"),
                   "Independent hospital/clinic": ("HS02", "label")}
    assert mapped == {"Tenant - LA/ALMO/RSL": "MA04", "Home Owner": "MA01", "Not Recorded": ""}


def test_a_campaigns_mappings_become_the_next_ones_aliases(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--home", str(home)]).exit_code == 0
    assert runner.invoke(app, ["campaign", "add", str(CAMPAIGN), "--home", str(home)]
                         ).exit_code == 0
    for label, code in (("Home Owner", "MA01"), ("=cmd|' /C calc'!A0", "-")):
        result = runner.invoke(app, ["tables", "map", "mh-accommodation-2021", label, code,
                                     "--home", str(home)])
        assert result.exit_code == 0, result.output
    out = tmp_path / "next.csv"
    result = runner.invoke(app, ["tables", "mappings", "mh-accommodation-2021", "--out",
                                 str(out), "--home", str(home)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.splitlines() == ["label,code", "'=cmd|' /C calc'!A0,", "Home Owner,MA01"]
    # the file is an aliases file the next campaign can name
    path = _campaign_with_aliases(tmp_path, text.replace("'=cmd", "=cmd"))
    workspace = init_workspace(tmp_path / "next")
    con = connect(workspace.database)
    try:
        add_campaign(con, path)
        assert label_mappings(con, "mh-accommodation-2021", "s117")["Home Owner"] == "MA01"
    finally:
        con.close()


def test_an_alias_to_a_code_the_list_lacks_is_refused(tmp_path: Path) -> None:
    import pytest

    from extract.tables.codes import CodeListError

    path = _campaign_with_aliases(tmp_path, "label,code\nHome Owner,ZZ99\n")
    workspace = init_workspace(tmp_path / "ws")
    con = connect(workspace.database)
    try:
        with pytest.raises(CodeListError, match="line 2: 'ZZ99' is not a code of the list"):
            add_campaign(con, path)
    finally:
        con.close()
