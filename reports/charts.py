"""Static inline SVG charts drawn with matplotlib (no script, no web fonts): bars, lines."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import matplotlib
import matplotlib.ticker
from markupsafe import Markup
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

INK = "#1a1a1a"
BAR = "#1f5f99"  # 7:1 on white
_SAFE_LABEL = re.compile(r"[^\w ()'.,:/-]")


def _label(text: str, limit: int = 40) -> str:
    # matplotlib escapes SVG text itself; '$' would start mathtext, so keep labels plain
    return _SAFE_LABEL.sub("", text)[:limit]


# Okabe and Ito's palette, told apart with colour blindness; each line also has its own dash
LINES = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#1a1a1a")
_DASHES = ("solid", "dashed", "dashdot", "dotted", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)),
           (0, (1, 3)))


def _rc(chart_id: str) -> dict[str, object]:
    return {"svg.fonttype": "none", "svg.hashsalt": chart_id, "font.family": "sans-serif",
            "font.size": 10, "text.color": INK, "axes.labelcolor": INK, "xtick.color": INK,
            "ytick.color": INK}


def bar_chart(chart_id: str, labels: Sequence[str], values: Sequence[float], title: str) -> Markup:
    """A horizontal bar chart as an <svg> element whose ids all start with chart_id."""
    height = 0.9 + 0.38 * max(len(labels), 1)
    with matplotlib.rc_context(_rc(chart_id)):
        fig = Figure(figsize=(6.4, height))
        FigureCanvasSVG(fig)
        ax = fig.add_subplot()
        positions = range(len(labels))
        bars = ax.barh(list(positions), list(values), color=BAR)
        ax.set_yticks(list(positions), [_label(x) for x in labels])
        ax.invert_yaxis()
        ax.bar_label(bars, padding=3)
        ax.set_xlim(0, max([*values, 1]) * 1.15)
        ax.xaxis.set_visible(False)
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
        fig.tight_layout()
    return _svg(fig, chart_id, title)


def line_chart(chart_id: str, periods: Sequence[str], series: Sequence[tuple[str, Sequence[float]]],
               title: str, y_label: str) -> Markup:
    """Lines over time (periods as written, e.g. 2019-03), at most len(LINES) of them, with a
    legend below, as an <svg> element whose ids all start with chart_id."""
    with matplotlib.rc_context(_rc(chart_id)):
        fig = Figure(figsize=(6.4, 3.2 + 0.22 * len(series)))
        FigureCanvasSVG(fig)
        ax = fig.add_subplot()
        x = list(range(len(periods)))
        for n, (name, values) in enumerate(series[:len(LINES)]):
            ax.plot(x, list(values), color=LINES[n], linestyle=_DASHES[n], linewidth=1.8,
                    label=_label(name, 64))
        years = [i for i, p in enumerate(periods) if p.endswith("-01")]
        if len(years) >= 2:   # months: a labelled tick each January, a small one each month
            ax.set_xticks(years, [periods[i][:4] for i in years])
            ax.set_xticks(x, minor=True)
        else:
            step = max(1, -(-len(periods) // 6))
            ax.set_xticks(x[::step], [_label(p) for p in periods[::step]])
        ax.set_ylim(bottom=0)
        ax.set_ylabel(_label(y_label))
        ax.yaxis.set_major_formatter(
            matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.1), ncol=1, frameon=False,
                  fontsize=9)
        fig.tight_layout()
    return _svg(fig, chart_id, title)


def _svg(fig: Figure, chart_id: str, title: str) -> Markup:
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    svg = out.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'(\sid=")', rf'\1{chart_id}-', svg)
    svg = re.sub(r"url\(#", f"url(#{chart_id}-", svg)
    svg = re.sub(r'(xlink:href=")#', rf"\1#{chart_id}-", svg)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{_attr(title)}" '
                                 'preserveAspectRatio="xMinYMin meet" ', 1)
    svg = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r"<svg \1", svg, count=1)
    return Markup(svg)


def _attr(text: str) -> str:
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))
