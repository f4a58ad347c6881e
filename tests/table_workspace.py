"""A workspace asking the real accommodation round-robin's table questions, with replies whose
files are stored as ingest stores them: the real trusts' files or generated ones."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from flows.steps.tables import save_code_lists
from foi.authorities import Authority
from foi.campaigns import Campaign, read_campaign
from foi.workspace import Workspace
from tests.conftest import shared_path
from warehouse.authorities import import_authorities
from warehouse.campaigns import save_campaign
from warehouse.db import upsert
from warehouse.requests import record_sending

ROOT = Path(__file__).resolve().parents[1]
CAMPAIGN = ROOT / "examples" / "mh-accommodation-2021.toml"
# a wide CSV such as trusts send, with a formula for a label, a suppressed cell and a total
# that does not add up (January: 10 + 3 is not 14)
HOSTILE_LABEL = '=HYPERLINK("http://evil.example/","click")'
HOSTILE_CSV = (b'Question 1: people in contact, by accommodation status\n'
               b'Accommodation status,Jan-21,Feb-21\n'
               b'MA01 - Owner occupier,10,12\n'
               b'"=HYPERLINK(""http://evil.example/"",""click"")",3,<5\n'
               b'Total,14,12\n')


def corpus_files(trust: str, pattern: str = "*") -> list[tuple[str, bytes]]:
    """(name, bytes) of a real trust's reply files matching pattern, in name order."""
    folder = shared_path("corpus", "mh-accommodation-2021") / "responses" / trust
    return [(p.name, p.read_bytes()) for p in sorted(folder.glob(pattern))
            if p.name != "reply.md"]


def add_campaign(con: duckdb.DuckDBPyConnection, path: Path = CAMPAIGN) -> Campaign:
    """An example campaign (the accommodation one unless told) with its code lists."""
    campaign = read_campaign(path)
    save_campaign(con, campaign, path.read_text(encoding="utf-8"))
    save_code_lists(con, campaign, path)
    return campaign


def add_reply(con: duckdb.DuckDBPyConnection, workspace: Workspace, code: str, name: str,
              files: list[tuple[str, bytes]], campaign: Campaign | None = None) -> str:
    """An authority asked, and its reply with these files stored; returns the reference."""
    prefix, campaign_id = (campaign.reference_prefix, campaign.id) if campaign else \
        ("MHA21", "mh-accommodation-2021")
    reference = f"{prefix}-{code}"
    import_authorities(con, [Authority(code, name, f"foi@{code.lower()}.example", "england",
                                       "mh_trust")], "test")
    record_sending(con, reference=reference, campaign_id=campaign_id,
                   authority_id=code, to_addr=f"foi@{code.lower()}.example",
                   message_id=f"<{code}@test>")
    upsert(con, "messages", [{"id": f"m-{reference}", "direction": "incoming", "kind": "reply",
                              "request_reference": reference, "raw_path": "x", "size": 1}])
    for part, (filename, data) in enumerate(files, start=1):
        sha = hashlib.sha256(data).hexdigest()
        (workspace.store / sha).write_bytes(data)
        upsert(con, "documents", [{"id": sha, "size": len(data), "store_path": sha}])
        upsert(con, "message_documents", [{"message_id": f"m-{reference}", "part": part,
                                           "document_id": sha, "filename": filename}])
    return reference
