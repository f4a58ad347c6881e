"""Authority registries: parsing, validation by line, idempotent import."""

from __future__ import annotations

import csv

import pytest

from foi.authorities import RegistryFileError, demo_ccgs, parse_registry, registry_csv
from warehouse.authorities import import_authorities, load_authorities
from warehouse.db import connect

from .conftest import shared_path


def test_demo_registry_has_every_ccg_of_2016() -> None:
    rows = list(csv.DictReader(shared_path("data", "ccgs-2016.csv").open(encoding="utf-8")))
    ccgs = demo_ccgs()
    assert [a.id for a in ccgs] == [r["ods_code"] for r in rows]
    assert {a.name for a in ccgs} == {r["name"] for r in rows}
    assert all(a.email.endswith(".ccg.example") for a in ccgs)
    assert len({a.email for a in ccgs}) == len(ccgs)


def test_bad_rows_are_named_by_line_and_good_rows_kept() -> None:
    text = (
        "id,name,email,nation\n"
        "A1,Alpha Council,foi@alpha.example,england\n"
        ",No Id,foi@x.example,\n"
        "B2,Beta Council,not-an-email,\n"
        "C3,Gamma Council,foi@gamma.example,narnia\n"
        "A1,Alpha Again,foi@alpha2.example,\n"
        "D4,\"Delta, Council\",foi@delta.example,wales\n"
    )
    registry = parse_registry(text)
    assert [a.id for a in registry.authorities] == ["A1", "D4"]
    assert registry.authorities[1].name == "Delta, Council"
    by_line = {e.line: e.reason for e in registry.errors}
    assert set(by_line) == {3, 4, 5, 6}
    assert "id is empty" in by_line[3]
    assert "not-an-email" in by_line[4]
    assert "narnia" in by_line[5]
    assert "duplicate id 'A1'" in by_line[6]


def test_missing_columns_are_a_file_error() -> None:
    with pytest.raises(RegistryFileError, match=r"missing column.*email"):
        parse_registry("id,name\nA,B\n")


def test_import_is_idempotent_and_updates(workspace) -> None:
    con = connect(workspace.database)
    ccgs = demo_ccgs()
    first = import_authorities(con, ccgs, "test")
    again = import_authorities(con, ccgs, "test")
    assert (first.added, first.updated, first.unchanged) == (209, 0, 0)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 209)
    changed = parse_registry(registry_csv(ccgs[:1]).replace(ccgs[0].email, "new@x.example"))
    third = import_authorities(con, changed.authorities, "test")
    assert (third.added, third.updated) == (0, 1)
    stored = load_authorities(con)
    assert len(stored) == 209
    assert stored[0].email == "new@x.example"
    assert con.execute("SELECT count(*) FROM authorities").fetchone()[0] == 209


def test_foi_authorities_import_rejects_line_breaks_nul_and_huge_fields(workspace,
                                                                       tmp_path) -> None:
    from typer.testing import CliRunner

    from flows.cli import app

    path = tmp_path / "bodies.csv"
    path.write_bytes(
        b"id,name,email\n"
        b"A1,Alpha Council,foi@alpha.example\n"                      # line 2
        b"B2,\"Body\r\nBcc: someone@evil.example\",foi@b.example\n"   # lines 3-4
        b"C3,Gamma\x00 Council,foi@c.example\n"                      # line 5
        b"D4," + b"x" * 200_000 + b",foi@d.example\n"                # line 6: over csv's 128 KB
        b"E5," + b"y" * 5_000 + b",foi@e.example\n"                  # line 7
        b"F6,Zeta Council,\"foi@f.example\nBcc: x@evil.example\"\n"  # lines 8-9
        b"G7,Eta Council,foi@g.example\n")                           # line 10
    result = CliRunner().invoke(app, ["authorities", "import", str(path),
                                      "--home", str(workspace.home)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for line in (3, 5, 6, 7, 8):
        assert f"line {line}:" in result.output, (line, result.output)
    assert "2 added" in result.output and "5 rejected" in result.output
    con = connect(workspace.database)
    try:
        assert [a.id for a in load_authorities(con)] == ["A1", "G7"]
        problems = con.execute("SELECT item FROM problems WHERE stage = 'import'").fetchall()
        assert sorted(int(p[0].rsplit(":", 1)[1]) for p in problems) == [3, 5, 6, 7, 8]
    finally:
        con.close()
