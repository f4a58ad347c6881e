"""The figures of the published page: per-question outcomes, timeliness, refusals, method."""

from __future__ import annotations

import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from reports.charts import LINES, bar_chart, line_chart
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


# ---- data returns: the figures of `table` questions ----------------------------------------

_MONTH = re.compile(r"^\d{4}-\d{2}$")
_PREFIX = re.compile(r"^([A-Za-z]+)(\d+)$")
NOT_MATCHED = "not matched to a code"


def category_groups(codes: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Each code's group for a chart: the code itself when the list is short, else its letter
    prefix named by the list's head code (MA00 'Mainstream Housing' for MA01..MA09)."""
    if len(codes) <= len(LINES) - 1 or not all(_PREFIX.match(c) for c, _ in codes):
        return {c: f"{c} {label}" for c, label in codes}
    heads = {m.group(1): label for c, label in codes
             if (m := _PREFIX.match(c)) and not m.group(2).strip("0")}
    members: dict[str, list[str]] = {}
    for c, _ in codes:
        members.setdefault(_PREFIX.match(c).group(1), []).append(c)  # type: ignore[union-attr]
    return {c: heads.get(p) or f"{p} codes ({cs[0]}-{cs[-1]})"
            for p, cs in members.items() for c in cs}


@dataclass(frozen=True)
class DataReturn:
    """One table question on the page: its chart, the figures behind it and its coverage."""

    number: int
    key: str
    text: str
    chart: Chart | None           # None when no monthly figure was sent
    series: list[str]             # the chart's lines, in order
    table: list[dict[str, Any]]   # per month: each line's sum (values), suppressed cells,
                                  # authorities sending
    notes: dict[str, Any]
    coverage: list[dict[str, Any]]


def data_return(number: int, key: str, text: str, codes: Sequence[tuple[str, str]],
                sums: Sequence[Mapping[str, Any]], coverage: Sequence[Mapping[str, Any]],
                unmatched: Mapping[str, Sequence[str]], noun_plural: str) -> DataReturn:
    """The national total by category over time of one table question, and who sent what.
    Suppressed cells are unknown: left out of the sums, counted beside them."""
    groups = category_groups(codes)
    monthly = [s for s in sums if _MONTH.match(s["period"])]
    yearly = sum(s["figures"] for s in sums if not _MONTH.match(s["period"]))
    by_group: dict[str, float] = {}
    for s in monthly:
        group = groups.get(s["category_code"] or "", NOT_MATCHED)
        by_group[group] = by_group.get(group, 0) + s["total"]
    ranked = sorted((g for g in by_group if g != NOT_MATCHED), key=lambda g: -by_group[g])
    shown = ranked[:len(LINES) - 2]
    series = [*shown, *(["other codes"] if ranked[len(shown):] else []),
              *([NOT_MATCHED] if NOT_MATCHED in by_group else [])]
    periods = sorted({s["period"] for s in monthly})
    column = {g: n for n, g in enumerate(series)}
    table = {p: {"period": p, "values": [0.0] * len(series), "suppressed": 0,
                 "authorities": set()} for p in periods}
    for s in monthly:
        group = groups.get(s["category_code"] or "", NOT_MATCHED)
        row = table[s["period"]]
        row["values"][column.get(group, column.get("other codes", 0))] += s["total"]
        row["suppressed"] += s["suppressed"]
        row["authorities"].update(s["references"])
    rows = [{**r, "authorities": len(r["authorities"])} for r in table.values()]
    senders = [r["authorities"] for r in rows]
    notes = {"suppressed": sum(r["suppressed"] for r in rows), "yearly": yearly,
             "unmatched": sum(s["total"] for s in monthly if not s["category_code"]),
             "fewest": min(senders, default=0), "most": max(senders, default=0),
             "first": periods[0] if periods else None, "last": periods[-1] if periods else None}
    chart = None
    if periods:
        caption = (f"Question {number}: the monthly figures sent by {noun_plural}, summed by "
                   f"category, {periods[0]} to {periods[-1]}")
        chart = Chart(f"chart-table-q{number}", caption, [],
                      line_chart(f"chart-table-q{number}", periods,
                                 [(g, [r["values"][n] for r in rows])
                                  for n, g in enumerate(series)], caption,
                                 "people (sum of figures sent)"))
    cover = [{**c, "unmatched": list(unmatched.get(c["reference"], ()))} for c in coverage]
    return DataReturn(number, key, text, chart, series, rows, notes, cover)
