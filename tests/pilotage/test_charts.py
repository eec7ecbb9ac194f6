from datetime import date, timedelta

import pytest

from pilotage import charts
from pilotage.templatetags.pilotage import duration_short


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, (1, 1)), (3, (3, 1)), (7, (8, 2)), (23, (30, 10)), (140, (150, 50)), (1000, (1000, 500))],
)
def test_axes_end_on_a_round_number(value, expected):
    assert charts.nice_ceiling(value) == expected


def test_the_longest_bar_is_the_largest_value_and_an_empty_one_stays_empty():
    chart = charts.horizontal_bars([("Nancy", 10), ("Toul", 5), ("Briey", 0)])
    widths = [bar.width for bar in chart["bars"]]
    assert widths[0] == charts.BARS_WIDTH - charts.VALUE_ROOM
    assert widths[1] == widths[0] / 2 and widths[2] == 0
    assert chart["height"] == 3 * (charts.BAR_LABEL_HEIGHT + charts.BAR_HEIGHT) + 2 * charts.BAR_GAP


def test_each_name_sits_above_its_own_bar_and_each_value_after_it():
    chart = charts.horizontal_bars([("Nancy", 10), ("Toul", 5), ("Briey", 0)])
    bars = chart["bars"]
    for bar, following in zip(bars, [*bars[1:], None], strict=True):
        assert bar.y - charts.BAR_LABEL_HEIGHT < bar.label_y < bar.y  # the name's line, just above the bar
        assert bar.y < bar.text_y < bar.y + charts.BAR_HEIGHT and bar.value_x > bar.width
        if following:
            assert bar.y + charts.BAR_HEIGHT < following.y - charts.BAR_LABEL_HEIGHT  # a gap before the next name
    assert bars[-1].y + charts.BAR_HEIGHT == chart["height"]
    assert max(bar.value_x for bar in bars) + charts.VALUE_ROOM - 6 <= chart["width"]  # the longest value fits


def test_long_names_are_cut_in_the_chart_only():
    (bar,) = charts.horizontal_bars([("CC du Territoire de Lunéville à Baccarat et au-delà", 1)])["bars"]
    assert len(bar.short_label) == charts.LABEL_CHARACTERS and bar.short_label.endswith("…")
    assert bar.label == "CC du Territoire de Lunéville à Baccarat et au-delà"


def test_a_time_series_puts_zero_on_the_axis_and_the_top_value_at_the_top():
    days = [date(2020, 4, 1) + timedelta(days=n) for n in range(30)]
    chart = charts.time_series(days, {"web": ("En ligne", [0] * 29 + [8])})
    points = chart["lines"][0].points.split()
    assert points[0] == f"{charts.MARGIN_LEFT:.1f},{chart['bottom']:.1f}"
    assert points[-1] == f"{charts.WIDTH - charts.MARGIN_RIGHT:.1f},{charts.MARGIN_TOP:.1f}"
    assert [line["value"] for line in chart["gridlines"]] == [0, 2, 4, 6, 8]
    assert len(chart["x_labels"]) <= charts.X_LABELS + 1 and chart["x_labels"][0]["label"] == "01/04"


@pytest.mark.parametrize(
    ("delay", "text"),
    [(None, "—"), (timedelta(minutes=45), "45 min"), (timedelta(hours=3, minutes=5), "3 h 05"),
     (timedelta(days=2, hours=4, minutes=20), "2 j 4 h")],
)  # fmt: skip
def test_delays_read_as_staff_say_them(delay, text):
    assert duration_short(delay) == text
