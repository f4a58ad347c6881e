"""Every view defined once, in warehouse/views/: created after the numbered migrations, again only
when a definition changed, and the same rows as the views of migration 013 gave.

tests/fixtures/workspace_013 is a warehouse built by foitrack before the views left the
migrations, with each view's rows as those views gave them (tests/fixtures/build_workspace_013.py).
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import tomllib
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import duckdb
import pytest

from warehouse.access import reading, writing
from warehouse.db import WarehouseError, connect
from warehouse.migrations import (
    ViewFile,
    available,
    checksum,
    create_views,
    pending,
    view_files,
    views,
)
from warehouse.snapshots import snapshot_path

from .conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "workspace_013"
BEFORE = json.loads((FIXTURE / "views.json").read_text(encoding="utf-8"))
# v_requests' clock columns depend on the day they are read: compared with the old views read
# today, not with the rows of the day the fixture was built.
TODAYS = set(BEFORE["todays_columns"])
CURRENT = """SELECT view_name, view_oid, sql FROM duckdb_views() WHERE NOT internal
             AND database_name = current_database() ORDER BY view_name"""


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    """A copy of the warehouse built before views left the migrations."""
    db = tmp_path / "foi.duckdb"
    with gzip.open(FIXTURE / "foi.duckdb.gz") as packed, db.open("wb") as out:
        shutil.copyfileobj(packed, out)
    return db


def view_rows(con: duckdb.DuckDBPyConnection, view: str) -> dict[str, Any]:
    """A view's columns (name, type) and rows, as views.json holds them."""
    result = con.execute(f"SELECT * FROM {view} ORDER BY ALL")
    columns = [[d[0], str(d[1])] for d in result.description]
    rows = json.loads(json.dumps([list(r) for r in result.fetchall()], default=str))
    return {"columns": columns, "rows": rows}


def lasting(view: dict[str, Any]) -> list[list]:
    """The rows without the columns that change with the day, in a fixed order."""
    keep = [i for i, (name, _) in enumerate(view["columns"]) if name not in TODAYS]
    return sorted(([row[i] for i in keep] for row in view["rows"]), key=json.dumps)


def old_views_today(db: Path) -> dict[str, dict[str, Any]]:
    """Every view of a warehouse as its own definitions give it today, without migrating it."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("SET TimeZone = 'Europe/London'")
        return {name: view_rows(con, name) for name, *_ in con.execute(CURRENT).fetchall()}
    finally:
        con.close()


def projected(view: dict[str, Any], columns: list[list[str]]) -> dict[str, Any]:
    """A view's rows on the columns an older view had, in their order (newer views may add
    columns; they never drop or retype one)."""
    names = [name for name, _ in view["columns"]]
    keep = [names.index(name) for name, _ in columns]
    return {"columns": [view["columns"][i] for i in keep],
            "rows": [[row[i] for i in keep] for row in view["rows"]]}


def assert_same_as_before(con: duckdb.DuckDBPyConnection, today: dict[str, dict]) -> None:
    """The views are those of migration 013 with only columns added: every column they had,
    of the same type, with the same rows."""
    found = {name for name, _, _ in con.execute(CURRENT).fetchall()}
    assert found >= set(BEFORE["views"])   # views may be added, never dropped
    for name, before in BEFORE["views"].items():
        now = projected(view_rows(con, name), before["columns"])
        assert now["columns"] == before["columns"], name
        assert lasting(now) == lasting(before), name
        assert now == projected(today[name], before["columns"]), name


def test_the_fixture_is_what_the_old_views_give(old_db: Path) -> None:
    today = old_views_today(old_db)
    assert set(today) == set(BEFORE["views"]) and len(today) == 6
    for name, before in BEFORE["views"].items():
        assert lasting(today[name]) == lasting(before), name
    assert all(BEFORE["views"][v]["rows"] for v in today)   # every view has rows to compare
    assert {r[-1] for r in BEFORE["views"]["v_requests"]["rows"]} >= {
        "read the reply (foi extract)", "complain to the ICO", "fix the address and resend",
        "none"}


def test_a_fresh_warehouse_has_the_views_of_migration_013_and_more(old_db: Path, tmp_path: Path
                                                          ) -> None:
    today = old_views_today(old_db)
    con = connect(tmp_path / "fresh.duckdb")
    try:
        # the same data as the old warehouse, in tables made by the new code
        con.execute(f"ATTACH '{old_db}' AS old (READ_ONLY)")
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'old'").fetchall()]
        for table in tables:
            if table not in ("schema_migrations", "schema_views"):
                con.execute(f"DELETE FROM main.{table}")
                con.execute(f"INSERT INTO main.{table} BY NAME SELECT * FROM old.main.{table}")
        assert_same_as_before(con, today)
    finally:
        con.close()


def test_an_old_workspace_is_upgraded_in_place(old_db: Path) -> None:
    today = old_views_today(old_db)
    with pytest.raises(WarehouseError, match=r"needs migrating \(.*views\): run any writing"):
        connect(old_db, read_only=True)
    con = connect(old_db)
    try:
        versions = [r[0] for r in con.execute(
            "SELECT version FROM schema_migrations ORDER BY version").fetchall()]
        assert versions == [m.version for m in available()]
        assert versions[:len(BEFORE["migrations"])] == BEFORE["migrations"]
        assert pending(con) == []
        assert con.execute("SELECT checksum FROM schema_views").fetchall() == [
            (checksum(view_files()),)]
        assert_same_as_before(con, today)
    finally:
        con.close()
    connect(old_db, read_only=True).close()


def test_a_reader_of_an_old_snapshot_gets_it_brought_up_to_date(old_db: Path) -> None:
    shutil.copyfile(old_db, snapshot_path(old_db))   # as the older foitrack published it
    with pytest.raises(WarehouseError, match="run any writing foi command"):
        connect(snapshot_path(old_db), read_only=True)   # the old file itself is refused
    with reading(old_db) as con:      # a reader's refresh migrates, then publishes
        assert "review_below" in {d[0] for d in con.execute(
            "SELECT * FROM v_answers LIMIT 0").description}
    with writing(old_db, parquet=False):
        pass
    with reading(old_db) as con:
        assert "review_below" in {d[0] for d in con.execute(
            "SELECT * FROM v_answers LIMIT 0").description}


def test_an_ordinary_open_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "foi.duckdb"
    connect(db).close()
    before = (db.read_bytes(), db.stat().st_mtime_ns)
    for read_only in (False, True):
        con = connect(db, read_only=read_only)
        assert con.execute("SELECT count(*) FROM schema_views").fetchone() == (1,)
        con.close()
    assert (db.read_bytes(), db.stat().st_mtime_ns) == before   # no view was created again


def test_changed_definitions_are_created_again_with_the_views_using_them(tmp_path: Path) -> None:
    db = tmp_path / "foi.duckdb"
    current = view_files()
    names = [name for name, _ in views(current)]
    # as an older foitrack left them: a column of v_answers named otherwise, a view since removed
    older = [ViewFile("gone", "CREATE VIEW v_gone AS SELECT 1 AS one;"),
             *(ViewFile(f.family, f.sql.replace("a.review_below\n", "NULL AS below\n"))
               if f.family == "answers" else f for f in current)]
    assert sum(o.sql != c.sql for o, c in zip(older[1:], current, strict=True)) == 1
    con = connect(db)
    try:
        create_views(con, older, previous=names)
        assert con.execute("SELECT checksum FROM schema_views").fetchall() == [
            (checksum(older),)]
        assert "below" in {d[0] for d in con.execute("SELECT * FROM v_answers").description}
        assert pending(con) == ["views"]
    finally:
        con.close()
    with pytest.raises(WarehouseError, match=r"\(views\)"):
        connect(db, read_only=True)

    con = connect(db)
    try:
        found = {name: sql for name, _, sql in con.execute(CURRENT).fetchall()}
        assert sorted(found) == sorted(names)   # v_gone dropped
        columns = [d[0] for d in con.execute("SELECT * FROM v_answers").description]
        assert columns[-1] == "review_below" and "below" not in columns
        con.execute("SELECT * FROM v_campaign_summary").fetchall()   # uses v_answers
        assert pending(con) == []
        assert con.execute("SELECT checksum FROM schema_views").fetchall() == [
            (checksum(current),)]
    finally:
        con.close()


def test_views_that_cannot_be_created_leave_the_views_as_they_were(tmp_path: Path) -> None:
    con = connect(tmp_path / "foi.duckdb")
    try:
        before = con.execute(CURRENT).fetchall()
        current = view_files()
        broken = [*current, ViewFile("broken",
                                     "CREATE VIEW v_broken AS SELECT no_such_column FROM requests")]
        with pytest.raises(duckdb.BinderException, match="no_such_column"):
            create_views(con, broken, previous=[name for name, _ in views(current)])
        assert con.execute(CURRENT).fetchall() == before
        assert con.execute("SELECT checksum FROM schema_views").fetchall() == [
            (checksum(current),)]
        assert pending(con) == []
    finally:
        con.close()


def test_each_view_is_defined_once_and_no_migration_defines_one() -> None:
    names = [name for name, _ in views(view_files())]
    assert len(names) == len(set(names)) == 7
    for m in available():
        assert not re.search(r"\bCREATE\s+(OR\s+REPLACE\s+)?VIEW\b", m.sql, re.IGNORECASE), \
            m.label


def test_a_wheel_ships_every_migration_and_view_file() -> None:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = settings["tool"]["setuptools"]["package-data"]["warehouse"]
    package = ROOT / "warehouse"
    files = [p.relative_to(package).as_posix() for p in package.glob("*/*.sql")]
    assert len(files) == len(available()) + len(view_files())
    assert [f for f in files if not any(fnmatch(f, p) for p in patterns)] == []


def test_a_view_file_holding_anything_but_views_is_refused() -> None:
    with pytest.raises(ValueError, match=r"is not CREATE VIEW .*: table changes are numbered"):
        views([*view_files(), ViewFile("answers", "ALTER TABLE answers ADD COLUMN x INT;")])
