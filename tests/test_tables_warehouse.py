"""Data returns in a real DuckDB warehouse: stored from a reply's stored files, the views
v_table_answers and v_table_coverage, and a person's mapping reused on reading again."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flows.steps.tables import map_table_label, read_table_answers, save_code_lists
from foi.authorities import Authority
from foi.campaigns import read_campaign
from foi.workspace import Workspace
from tests.conftest import shared_path
from warehouse.authorities import import_authorities
from warehouse.campaigns import save_campaign
from warehouse.data_returns import tables_to_review
from warehouse.db import connect, rows, upsert
from warehouse.requests import record_sending

ROOT = Path(__file__).resolve().parents[1]
CAMPAIGN = ROOT / "examples" / "mh-accommodation-2021.toml"
DEVON = "Devon Partnership NHS Trust"


def _reply(con, workspace: Workspace, reference: str, files: list[Path]) -> None:
    """A reply to the request with these files attached, stored as ingest stores them."""
    upsert(con, "messages", [{"id": f"m-{reference}", "direction": "incoming", "kind": "reply",
                              "request_reference": reference, "raw_path": "x", "size": 1}])
    for part, path in enumerate(files, start=1):
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        (workspace.store / sha).write_bytes(data)
        upsert(con, "documents", [{"id": sha, "size": len(data), "store_path": sha}])
        upsert(con, "message_documents", [{"message_id": f"m-{reference}", "part": part,
                                           "document_id": sha, "filename": path.name}])


def test_a_reply_read_into_the_warehouse_and_a_mapping_reused(workspace: Workspace) -> None:
    folder = shared_path("corpus", "mh-accommodation-2021") / "responses" / DEVON
    campaign = read_campaign(CAMPAIGN)
    con = connect(workspace.database)
    try:
        import_authorities(con, [Authority("RWV", DEVON, "foi@devon.example", "england",
                                           "mh_trust")], "test")
        save_campaign(con, campaign, CAMPAIGN.read_text(encoding="utf-8"))
        save_code_lists(con, campaign, CAMPAIGN)
        record_sending(con, reference="MHA21-RWV", campaign_id=campaign.id, authority_id="RWV",
                       to_addr="foi@devon.example", message_id="<x@y>")
        _reply(con, workspace, "MHA21-RWV", sorted(folder.glob("*.[cC][sS][vV]")))
        stored = read_table_answers(con, campaign, ["MHA21-RWV"], workspace.store)
        assert stored > 1000
        # a cell a person read: Devon, question 1, Tenant - private landlord, January 2021 = 52
        (cell,) = rows(con, "SELECT * FROM v_table_answers WHERE question_number = 1 AND period"
                            " = '2021-01' AND category_as_sent = 'Tenant - private landlord'")
        assert (cell["category_code"], cell["value"], cell["cell"], cell["authority_name"]) == \
            ("MA06", 52, "row 53 col AL", DEVON)
        coverage = {r["question_key"]: r for r in rows(con, "SELECT * FROM v_table_coverage")}
        assert (coverage["all_contacts"]["first_period"], coverage["all_contacts"]["last_period"]
                ) == ("2018-01", "2021-02")
        waiting = {r["label"] for r in tables_to_review(con, campaign.id)["labels"]}
        assert "Not known" not in waiting and "Other Residential" in waiting
        assert not coverage["all_contacts"]["complete"]

        map_table_label(con, campaign.id, None, "other residential", "HS09", "tester")
        read_table_answers(con, campaign, ["MHA21-RWV"], workspace.store)
        codes = {r["category_code"] for r in rows(
            con, "SELECT category_code FROM v_table_answers"
                 " WHERE category_as_sent = 'Other Residential'")}
        assert codes == {"HS09"}
        assert "Other Residential" not in {
            r["label"] for r in tables_to_review(con, campaign.id)["labels"]}
    finally:
        con.close()
