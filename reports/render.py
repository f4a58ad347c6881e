"""Rendering a campaign's published page and its downloadable data."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from reports.page import question_chart
from reports.summary import STATUS_LABELS, Headline, money

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("reports", "templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

def display_value(answer: Mapping[str, Any] | None) -> str:
    """How one answer reads in the table."""
    if answer is None:
        return ""
    status = answer["status"]
    if answer["question_type"] == "money" and answer["value_number"] is not None:
        value = money(answer["value_number"])
    else:
        value = str(answer["value"] or "")
    if status == "answered":
        return value
    label = status.replace("_", " ")
    if answer["sections"]:
        label = f"{label} ({', '.join(answer['sections'])})"
    # partly, suppressed or unclear may still carry a figure: show it beside the status
    return f"{value} ({label})" if value else label


def authority_table(requests: Sequence[Mapping[str, Any]],
                    answers: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per request with its answers keyed by question."""
    by_request: dict[str, dict[str, Mapping[str, Any]]] = {}
    for a in answers:
        by_request.setdefault(a["request_reference"], {})[a["question_key"]] = a
    return [{**r, "status_label": STATUS_LABELS.get(r["status"], r["status"]),
             "answers": by_request.get(r["reference"], {})} for r in requests]


def render_campaign_page(campaign: Mapping[str, Any], headlines: Sequence[Headline],
                         table: Sequence[Mapping[str, Any]],
                         questions: Sequence[Mapping[str, Any]],
                         generated_at: datetime | None = None, *,
                         report: Mapping[str, Any] | None = None) -> str:
    """The campaign's index.html; `report` adds charts, timeliness and the method."""
    script = _ENV.loader.get_source(_ENV, "table.js")[0]  # type: ignore[union-attr]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    report = report or {}
    return _ENV.get_template("campaign.html.j2").render(
        campaign=campaign, headlines=headlines, table=table, questions=questions,
        display_value=display_value, generated_at=generated_at or datetime.now(UTC),
        charts={c.id: c for c in map(question_chart, headlines)},
        timeliness=report.get("timeliness"), refusals=report.get("refusals"),
        method=report.get("method"), data_returns=report.get("data_returns") or [],
        script=Markup(script), script_hash=f"sha256-{digest}")


def publish(site: Path, campaign_id: str, html: str,
            write_downloads: Callable[[Path], object]) -> Path:
    """Write the downloads, then the page, under site/<campaign>/; returns the page's path."""
    folder = site / campaign_id
    folder.mkdir(parents=True, exist_ok=True)
    write_downloads(folder)
    page = folder / "index.html"
    page.write_text(html, encoding="utf-8")
    return page
