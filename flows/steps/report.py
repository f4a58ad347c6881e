"""Publishing a campaign: sentences, table, summary.md and data files under site/<campaign>/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from reports.exports import campaign_tables, summary_markdown, write_publication
from reports.page import DataReturn, data_return, refusals, timeliness
from reports.render import authority_table, publish, render_campaign_page
from reports.summary import Headline, headlines
from warehouse.campaigns import load_campaign
from warehouse.data_returns import code_list
from warehouse.db import rows
from warehouse.publication import (
    table_coverage_labels,
    table_coverage_rows,
    table_period_sums,
)
from warehouse.queries import (
    answer_rows,
    campaign_info,
    method_figures,
    question_summary,
    refusal_sections,
    request_clock,
    request_rows,
)


def _findings(con: duckdb.DuckDBPyConnection, campaign_id: str
              ) -> tuple[dict[str, Any], list[dict[str, Any]], list[Headline]]:
    """The campaign row, its per-question counts and the sentence of every question."""
    info = campaign_info(con, campaign_id)
    summary = question_summary(con, campaign_id)
    return info, summary, headlines(summary, info["authority_noun"],
                                    info["authority_noun_plural"])


def campaign_headlines(con: duckdb.DuckDBPyConnection, campaign_id: str) -> list[Headline]:
    """The published sentence of every question."""
    return _findings(con, campaign_id)[2]


def data_returns(con: duckdb.DuckDBPyConnection, campaign_id: str, noun_plural: str
                 ) -> list[DataReturn]:
    """Each table question's national total by category over time and its coverage."""
    questions = rows(con, "SELECT number, key, text FROM questions WHERE campaign_id = ?"
                          " AND type = 'table' ORDER BY number", [campaign_id])
    if not questions:
        return []
    sums = table_period_sums(con, campaign_id)
    coverage = table_coverage_rows(con, campaign_id)
    labels = table_coverage_labels(con, campaign_id)
    return [data_return(q["number"], q["key"], q["text"], code_list(con, campaign_id, q["key"]),
                        [s for s in sums if s["question_key"] == q["key"]],
                        [c for c in coverage if c["question_key"] == q["key"]],
                        {ref: found for (ref, key), found in labels.items() if key == q["key"]},
                        noun_plural)
            for q in questions]


def publish_campaign(con: duckdb.DuckDBPyConnection, site: Path, campaign_id: str) -> Path:
    """Render and write the campaign page; returns its path."""
    info, summary, lines = _findings(con, campaign_id)
    answers = answer_rows(con, campaign_id)
    questions = rows(con, "SELECT number, key, text, type FROM questions WHERE campaign_id = ?"
                          " ORDER BY number", [campaign_id])
    first = summary[0] if summary else {"requests_sent": 0, "responded": 0}
    cutoff = load_campaign(con, campaign_id).cutoff
    clock = {c["reference"]: c for c in request_clock(con, campaign_id, cutoff)}
    # lateness counted to the cut-off when the campaign has one, so history stays frozen
    requests = [{**r, "overdue": clock[r["reference"]]["overdue"],
                 "working_days_late": clock[r["reference"]]["working_days_late"]}
                for r in request_rows(con, campaign_id)]
    page_info = {**info, "requests_sent": first["requests_sent"], "responded": first["responded"],
                 "overdue": sum(1 for r in requests if r["overdue"]), "cutoff": cutoff,
                 "needs_review": sum(r["needs_review"] for r in summary)}
    report = {"timeliness": timeliness(list(clock.values())),
              "refusals": refusals(refusal_sections(con, campaign_id), info["regime"]),
              "method": method_figures(con, campaign_id),
              "data_returns": data_returns(con, campaign_id, info["authority_noun_plural"])}
    html = render_campaign_page(page_info, lines, authority_table(requests, answers), questions,
                                report=report)
    summary_md = summary_markdown(info, lines, page_info["requests_sent"],
                                  page_info["responded"], page_info["needs_review"])
    tables = campaign_tables(con, campaign_id)
    return publish(site, campaign_id, html,
                   lambda folder: write_publication(folder, tables, summary_md))
