"""Static inline SVG bar charts drawn with matplotlib (no script, no web fonts)."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import matplotlib
from markupsafe import Markup
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

INK = "#1a1a1a"
BAR = "#1f5f99"  # 7:1 on white
_SAFE_LABEL = re.compile(r"[^\w ()'.,:/-]")


def _label(text: str) -> str:
    # matplotlib escapes SVG text itself; '$' would start mathtext, so keep labels plain
    return _SAFE_LABEL.sub("", text)[:40]


def bar_chart(chart_id: str, labels: Sequence[str], values: Sequence[float], title: str) -> Markup:
    """A horizontal bar chart as an <svg> element whose ids all start with chart_id."""
    height = 0.9 + 0.38 * max(len(labels), 1)
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": chart_id,
                                "font.family": "sans-serif", "font.size": 10,
                                "text.color": INK, "axes.labelcolor": INK,
                                "xtick.color": INK, "ytick.color": INK}):
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
