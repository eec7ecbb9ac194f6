"""Geometry of the server-side SVG charts: plain numbers the templates write into <svg> attributes.

No JavaScript and no style attribute: colours come from classes in static CSS, so the charts live under a strict
Content-Security-Policy. Every chart is drawn in a fixed coordinate system (viewBox) and scales with the page.
"""

import math
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format

WIDTH = 760  # time series
# Horizontal bars: each name on its own line above its bar, so that the name has the chart's whole width and the
# chart stays narrow: drawn at its own size on a computer (static/css/entraide.css caps it at BARS_WIDTH pixels), it
# shrinks least on a phone, where the stylesheet also enlarges its text.
BARS_WIDTH = 480
BAR_LABEL_HEIGHT = 20  # the line of the name, above the bar
BAR_HEIGHT = 16
BAR_GAP = 10
VALUE_ROOM = 56  # the value is written after the bar
LINE_HEIGHT = 260
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 48, 16, 12, 36
X_LABELS = 5  # at most this many dates under a time series (they stay apart on a phone, in larger text)
LABEL_CHARACTERS = 40  # longer names are cut in the chart; the table beside it has them whole


def nice_ceiling(value: float, ticks: int = 4) -> tuple[int, int]:
    """A round top for an axis and its step (1, 2 or 5 times a power of ten), so that gridlines read easily."""
    if value <= 0:
        return 1, 1
    raw = value / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step))
    return step * math.ceil(value / step), step


@dataclass
class HorizontalBar:
    label: str
    value: int
    y: float  # the bar's top
    width: float
    label_y: float  # the name's baseline, above the bar
    text_y: float  # the bar's middle, where its value is written
    value_x: float

    @property
    def short_label(self) -> str:
        return self.label if len(self.label) <= LABEL_CHARACTERS else self.label[: LABEL_CHARACTERS - 1] + "…"


def horizontal_bars(items: list[tuple[str, int]]) -> dict:
    """One bar per item, longest for the largest value, each under its name."""
    top = max((value for _label, value in items), default=0) or 1
    room = BARS_WIDTH - VALUE_ROOM
    row = BAR_LABEL_HEIGHT + BAR_HEIGHT + BAR_GAP
    bars = []
    for index, (label, value) in enumerate(items):
        y = index * row + BAR_LABEL_HEIGHT
        width = round(room * value / top, 1)
        bars.append(
            HorizontalBar(
                label=str(label),
                value=value,
                y=y,
                width=width,
                label_y=y - 5,
                text_y=y + BAR_HEIGHT / 2,
                value_x=width + 6,
            )
        )
    height = max(len(items) * row - BAR_GAP, BAR_LABEL_HEIGHT + BAR_HEIGHT)
    return {"bars": bars, "width": BARS_WIDTH, "height": height, "bar_height": BAR_HEIGHT}


@dataclass
class Series:
    code: str
    label: str
    values: list[int]
    points: str


def time_series(days: list[date], series: dict[str, tuple[str, list[int]]]) -> dict:
    """One line per series over the days, a y axis with round gridlines and a few dates under the x axis."""
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = LINE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    top, step = nice_ceiling(max((max(values, default=0) for _label, values in series.values()), default=0))
    span = max(len(days) - 1, 1)

    def x(index: int) -> float:
        return round(MARGIN_LEFT + plot_width * (index / span if len(days) > 1 else 0.5), 1)

    def y(value: float) -> float:
        return round(MARGIN_TOP + plot_height * (1 - value / top), 1)

    lines = [
        Series(code, label, values, " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(values)))
        for code, (label, values) in series.items()
    ]
    gridlines = [{"value": value, "y": y(value)} for value in range(0, top + 1, step)]
    every = max(1, math.ceil(len(days) / X_LABELS))
    x_labels = [
        {"x": x(i), "label": date_format(day, "d/m")}
        for i, day in enumerate(days)
        if i % every == 0 or i == len(days) - 1 and (len(days) - 1) % every >= every / 2
    ]
    return {
        "lines": lines,
        "gridlines": gridlines,
        "x_labels": x_labels,
        "width": WIDTH,
        "height": LINE_HEIGHT,
        "left": MARGIN_LEFT,
        "right": WIDTH - MARGIN_RIGHT,
        "bottom": LINE_HEIGHT - MARGIN_BOTTOM,
        "label_y": LINE_HEIGHT - MARGIN_BOTTOM + 20,
        "axis_x": MARGIN_LEFT - 6,
    }


def dashboard_charts(figures: dict) -> dict:
    """The charts of the dashboard, drawn from its figures (no query here)."""
    per_day = figures["per_day"]
    open_requests = figures["open_requests"]
    return {
        "per_day": time_series(
            per_day.days, {code: (per_day.labels[code], values) for code, values in per_day.series.items()}
        ),
        "open_by_status": horizontal_bars(
            [(label, open_requests.row_totals[code]) for code, label in open_requests.rows]
        ),
        "open_by_domain": horizontal_bars(
            [(label, open_requests.column_totals[code]) for code, label in open_requests.columns]
        ),
        "per_epci": horizontal_bars([(row.label, row.count) for row in figures["per_epci"]]),
        "volunteers_by_domain": horizontal_bars(
            [(label, count) for _code, label, count in figures["volunteers"].by_domain]
        ),
    }
