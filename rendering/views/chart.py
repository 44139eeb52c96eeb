"""The response-time chart of a monitor page: inline SVG, one line per region, drawn in
Python so the page needs no script to show it."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

WIDTH, HEIGHT = 720, 200
LEFT, BOTTOM, TOP = 48, 22, 8  # room for the axis labels


@dataclass(frozen=True)
class Line:
    region: str  # the region's display name
    index: int  # its colour, 0-based
    path: str  # SVG path data


@dataclass(frozen=True)
class Tick:
    at: float  # x or y in the SVG's coordinates
    label: str


@dataclass(frozen=True)
class Chart:
    lines: list[Line]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: int = HEIGHT - BOTTOM

    @property
    def empty(self) -> bool:
        return not self.lines


def chart(
    series: Mapping[str, Sequence[tuple[datetime, float]]],
    region_names: Mapping[str, str],
    start: datetime,
    end: datetime,
    x_label: Callable[[datetime], str],
    y_label: Callable[[float], str],
) -> Chart:
    """Lines of (time, ms) per region over [start, end]; regions in `region_names` order."""
    points = [value for region in series for _, value in series[region]]
    if not points:
        return Chart([], [], [])
    top = _nice_ceiling(max(points))
    span = (end - start).total_seconds() or 1.0
    plot_w, plot_h = WIDTH - LEFT, HEIGHT - BOTTOM - TOP

    def x(moment: datetime) -> float:
        return LEFT + plot_w * min(max((moment - start).total_seconds() / span, 0.0), 1.0)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / top)

    # The regions' lines share their moments: each moment's x is written once.
    x_texts: dict[datetime, str] = {}

    def x_text(moment: datetime) -> str:
        text = x_texts.get(moment)
        if text is None:
            text = x_texts[moment] = f"{x(moment):.1f}"
        return text

    lines = []
    for index, region in enumerate(r for r in region_names if series.get(r)):
        path = "M" + " L".join(f"{x_text(t)},{y(v):.1f}" for t, v in series[region])
        lines.append(Line(region_names[region], index, path))
    y_ticks = [Tick(y(top * f), y_label(top * f)) for f in (0.0, 0.5, 1.0)]
    x_ticks = [
        Tick(x(start + (end - start) * f), x_label(start + (end - start) * f))
        for f in (0.0, 0.5, 1.0)
    ]
    return Chart(lines, y_ticks, x_ticks)


def _nice_ceiling(value: float) -> float:
    """The next of 1, 2, 5 times 10^n at or above `value` (at least 10 ms)."""
    value = max(value, 10.0)
    power = 10 ** math.floor(math.log10(value))
    return float(next(step * power for step in (1, 2, 5, 10) if step * power >= value))
