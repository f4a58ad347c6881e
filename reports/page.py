"""The figures of the published page: per-question outcomes, timeliness, refusals, method."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from reports.charts import bar_chart
from reports.summary import Headline

# (column of v_campaign_summary, label) in the order the outcome tables show them
OUTCOMES = (("partly", "answered in part"), ("suppressed", "figure withheld as too small"),
            ("not_held", "not held"), ("refused", "refused"),
            ("not_applicable", "did not apply"), ("unclear", "unclear"),
            ("unanswered", "no answer we could read"))


@dataclass(frozen=True)
class Chart:
    """One figure: its id, caption, rows of (label, count, key) and the SVG drawing."""

    id: str
    caption: str
    rows: list[tuple[str, int, str]]
    svg: Markup


def _chart(chart_id: str, caption: str, data: list[tuple[str, int, str]]) -> Chart:
    return Chart(chart_id, caption, data,
                 bar_chart(chart_id, [d[0] for d in data], [d[1] for d in data], caption))


def question_chart(h: Headline) -> Chart:
    """The outcome counts of one question, drawn from its v_campaign_summary row."""
    f = h.figures
    if f["question_type"] == "yes_no":
        data = [("yes", f["yes"], "yes"), ("no", f["no"], "no")]
    else:
        data = [("answered", f["answered"], "answered")]
    data += [(label, f[key], key) for key, label in OUTCOMES if f.get(key)]
    return _chart(f"chart-q{h.number}", f"Question {h.number}: answers of the {f['asked']} asked",
                  data)


def _pending(r: Mapping[str, Any]) -> bool:
    return bool(r["open"] and not r["overdue"])


def timeliness(clock: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """On time, late, never answered and the median working days to reply."""
    sent = [r for r in clock if r["sent_on"] is not None]
    counts = {
        "on_time": sum(1 for r in sent if r["responded"] and r["replied_late"] is False),
        "late": sum(1 for r in sent if r["responded"] and r["replied_late"]),
        "never": sum(1 for r in sent if not r["responded"] and not _pending(r)),
        "not_yet_due": sum(1 for r in sent if _pending(r)),
        "undated": sum(1 for r in sent if r["responded"] and r["replied_late"] is None),
    }
    days = [r["working_days_to_reply"] for r in sent if r["working_days_to_reply"] is not None]
    labels = (("on_time", "answered on time"), ("late", "answered late"),
              ("never", "never answered"), ("not_yet_due", "not yet due"),
              ("undated", "answered, date unknown"))
    data = [(label, counts[key], key) for key, label in labels if counts[key] or key in
            ("on_time", "late", "never")]
    return {**counts, "sent": len(sent),
            "median_days": statistics.median(days) if days else None,
            "chart": _chart("chart-timeliness", "Requests by timeliness of the reply", data)}


def refusals(sections: Sequence[Mapping[str, Any]], regime: str) -> Chart | None:
    """Requests citing each exemption, as a chart; None when nobody cited one."""
    if not sections:
        return None
    act = {"foisa": "FOISA", "eir": "EIR"}.get(regime, "FOIA")
    data = [(f"{act} {s['section']}", s["requests"], str(s["section"])) for s in sections]
    return _chart("chart-refusals", f"Requests citing each {act} exemption", data)
