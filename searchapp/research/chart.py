"""The geometry of the timeline's bar charts, drawn as SVG by the template.

Hand-written SVG rather than a plotting library: a bar per year is a few rectangles, the
page stays server-rendered and readable without JavaScript, and every label goes through
the template's escaping. Years between the first and last are all drawn (a year without
the term is a visible gap, not a missing bar); a bar's <title> gives its numbers on hover
and to screen readers, and the table beside the chart holds the same figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from searchapp.research.timeline import Row

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 26  # margins for the axis labels
SMALL = 0.5  # small multiples are drawn at half the size


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    year: int
    value: int
    label: str  # the bar's <title>


@dataclass(frozen=True)
class Chart:
    title: str
    desc: str  # the text alternative: what the chart shows, in one or two sentences
    width: int
    height: int
    bars: list[Bar]
    y_ticks: list[tuple[float, int]]  # (y, value)
    x_ticks: list[tuple[float, int]]  # (x, year)
    baseline: float


def bar_chart(rows: Sequence[Row], title: str, small: bool = False) -> Chart:
    """Paragraphs per year of `rows` (one group's rows; unknown years left out)."""
    scale = SMALL if small else 1.0
    width, height = int(WIDTH * scale), int(HEIGHT * scale)
    dated = {r.year: r for r in rows if r.year}
    years = list(range(min(dated), max(dated) + 1)) if dated else []
    top = max((r.paragraphs for r in dated.values()), default=0)
    ceiling = _nice(top)
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    step = plot_w / max(len(years), 1)
    bars = []
    for i, year in enumerate(years):
        row = dated.get(year)
        value = row.paragraphs if row else 0
        h = plot_h * value / ceiling if ceiling else 0.0
        label = (f"{year}年：{value} 段，{row.occurrences} 次，{row.reports} 份报告"
                 if row else f"{year}年：0 段")
        bars.append(Bar(round(LEFT + i * step + step * 0.1, 2), round(TOP + plot_h - h, 2),
                        round(step * 0.8, 2), round(h, 2), year, value, label))
    y_ticks = [(round(TOP + plot_h - plot_h * v / ceiling, 2), v)
               for v in (0, ceiling // 2, ceiling)] if ceiling else []
    every = max(1, -(-len(years) // (6 if small else 12)))
    x_ticks = [(round(LEFT + (i + 0.5) * step, 2), y) for i, y in enumerate(years)
               if i % every == 0]
    return Chart(title, _describe(title, dated, years), width, height, bars, y_ticks,
                 x_ticks, TOP + plot_h)


def _nice(value: int) -> int:
    """The smallest 1, 2 or 5 × 10^k at or above `value` (an even axis top)."""
    if value <= 0:
        return 0
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if factor * magnitude >= value:
                return factor * magnitude
        magnitude *= 10


def _describe(title: str, dated: dict[int, Row], years: list[int]) -> str:
    if not dated:
        return f"{title}：没有年份已知的段落。"
    peak = max(dated.values(), key=lambda r: (r.paragraphs, -r.year))
    return (f"{title}：{years[0]}–{years[-1]} 年每年含该词的段落数；"
            f"{len(dated)} 个年份出现，最多为 {peak.year} 年（{peak.paragraphs} 段）。")
