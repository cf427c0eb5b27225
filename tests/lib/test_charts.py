"""The charts' geometry: pure, so tested without a database or a template."""

from __future__ import annotations

import math

import pytest

from transition.lib import charts


def test_scale_maps_and_clamps():
    assert charts.scale(2, 0, 4, 0, 100) == 50
    assert charts.scale(-1, 0, 4, 0, 100) == 0
    assert charts.scale(9, 0, 4, 0, 100) == 100
    assert charts.scale(1, 1, 1, 10, 20) == 10  # an empty range sits at the start
    assert charts.scale(25, 0, 100, 200, 0) == 150  # a y axis runs upwards


def test_radar_axes_start_at_the_top_and_run_clockwise():
    radar = charts.radar(4, [[4, 4, 4, 4]], max_value=4, radius=100, margin_x=0, margin_y=0)
    top, right, bottom, left = radar.axes
    assert (top.x, top.y) == (radar.cx, radar.cy - 100)
    assert (right.x, right.y) == (radar.cx + 100, radar.cy)
    assert (bottom.x, bottom.y) == (radar.cx, radar.cy + 100)
    assert (left.x, left.y) == (radar.cx - 100, radar.cy)
    assert [a.anchor for a in radar.axes] == ["middle", "start", "middle", "end"]
    assert [a.baseline for a in radar.axes] == ["auto", "middle", "hanging", "middle"]


def test_radar_values_sit_at_their_share_of_the_radius():
    radar = charts.radar(21, [[2.0] * 21, [0.0] * 21], max_value=4, radius=150)
    half, zero = radar.series
    for dot in half.dots:
        assert dot is not None
        assert math.dist((dot.x, dot.y), (radar.cx, radar.cy)) == pytest.approx(75, abs=0.2)
    assert all(d is not None and (d.x, d.y) == (radar.cx, radar.cy) for d in zero.dots)
    assert len(radar.rings) == 4
    assert len(radar.axes) == 21
    assert half.points.count(",") == 21


def test_a_radar_series_with_gaps_has_dots_but_no_polygon():
    radar = charts.radar(3, [[1, None, 3]])
    (series,) = radar.series
    assert not series.complete
    assert series.points == ""
    assert series.dots[1] is None
    assert series.dots[0] is not None


def test_radar_labels_stay_inside_the_drawing():
    radar = charts.radar(21, [[4] * 21])
    for axis in radar.axes:
        assert 0 < axis.label_x < radar.width
        assert 0 < axis.label_y < radar.height


def test_radar_refuses_too_few_axes_and_a_series_of_the_wrong_length():
    with pytest.raises(ValueError, match="at least three axes"):
        charts.radar(2, [])
    with pytest.raises(ValueError, match="2 values for 5 axes"):
        charts.radar(5, [[1, 2]])


def test_gauge_fills_from_the_left_by_its_share():
    empty, half, full = (charts.gauge(v, radius=80, stroke=18) for v in (0, 50, 100))
    assert empty.value == ""
    assert (half.end_x, half.end_y) == (half.cx, pytest.approx(11))  # the top of the half circle
    assert full.end_x == pytest.approx(full.width - 11)
    assert charts.gauge(150).end_x == full.end_x  # clamped
    assert half.track.startswith("M 11")
    assert " A 80 80 0 0 1 " in half.track


def test_diverging_bar_runs_from_zero_either_way():
    assert charts.diverging_bar(0.5, start=0, end=200) == charts.Bar(x=100, width=50)
    assert charts.diverging_bar(-1, start=0, end=200) == charts.Bar(x=0, width=100)
    assert charts.diverging_bar(0, start=0, end=200).width == 0
    assert charts.diverging_bar(40, lo=0, hi=100, start=10, end=110) == charts.Bar(x=10, width=40)


def test_line_chart_spreads_points_evenly_and_puts_one_in_the_middle():
    chart = charts.line_chart([0, 50, 100], ["a", "b", "c"], width=200, height=100, left=0, right=0, top=0, bottom=0)
    assert [(d.x, d.y) for d in chart.dots] == [(0, 100), (100, 50), (200, 0)]
    assert chart.points == "0,100 100,50 200,0"
    assert [t.label for t in chart.y_ticks] == ["0", "25", "50", "75", "100"]
    assert [t.label for t in chart.x_ticks] == ["a", "b", "c"]
    single = charts.line_chart([30], width=200, left=0, right=0)
    assert single.dots[0].x == 100


def test_sparkline_marks_the_last_value_and_copes_with_none():
    spark = charts.sparkline([10, 90], width=80, height=24)
    assert spark.last is not None
    assert spark.last.value == 90
    assert spark.last.x == 77
    assert charts.sparkline([]).last is None


def test_months_timeline_draws_hours_against_capacity_on_one_scale():
    timeline = charts.months_timeline([10, 30, 0], [20, 20, 20], width=300, bars_height=100)
    first, second, third = timeline.columns
    assert second.planned_y == timeline.bars_bottom - 100  # the busiest month fills the height
    assert first.capacity_y == third.capacity_y
    assert second.over
    assert not first.over
    assert third.planned_y == timeline.bars_bottom
    assert [c.x for c in timeline.columns] == [8, 108, 208]


def test_months_timeline_packs_overlapping_spans_in_separate_lanes():
    spans = [("a", 0, 1), ("b", 1, 2), ("c", 2, 2), ("d", 0, 0)]
    timeline = charts.months_timeline([1, 1, 1], [1, 1, 1], spans, width=300)
    lanes = {s.label: s.lane for s in timeline.spans}
    assert lanes["a"] != lanes["b"]
    assert lanes["a"] != lanes["d"]
    assert lanes["c"] in (lanes["a"], lanes["d"])  # c starts after a and d end: it reuses a lane
    a = next(s for s in timeline.spans if s.label == "a")
    assert a.width == 2 * 100 - 16


def test_months_timeline_projected_readiness_and_its_checks():
    timeline = charts.months_timeline([1, 1], [1, 1], readiness=[0, 100], width=200, bars_height=100)
    low, high = timeline.readiness_dots
    assert (low.x, low.y) == (50, timeline.bars_bottom)
    assert high.y == timeline.bars_bottom - 100
    with pytest.raises(ValueError, match="one value per month each"):
        charts.months_timeline([1], [1, 2])
    with pytest.raises(ValueError, match="readiness needs one value per month"):
        charts.months_timeline([1], [1], readiness=[1, 2])


def test_spokes_draw_a_line_from_the_centre_to_each_axis_end():
    radar = charts.radar(4, [[4, 4, 4, 4]], max_value=4, radius=100, margin_x=0, margin_y=0)
    assert radar.spokes == "M100 100L100 0M100 100L200 100M100 100L100 200M100 100L0 100"


def test_radars_of_one_shape_share_what_the_values_do_not_change():
    # The rings, axes and spokes are worked out once per shape; the series are each chart's own.
    first = charts.radar(5, [[1, 2, 3, 4, 0]], max_value=4)
    second = charts.radar(5, [[4, 3, 2, 1, None]], max_value=4)
    assert first.rings is second.rings
    assert first.axes is second.axes
    assert first.spokes is second.spokes
    assert first.series != second.series
    assert second.series[0].dots[4] is None
    assert not second.series[0].complete


def test_dots_draw_a_circle_per_mark_and_skip_the_missing():
    marks = [charts.Dot(10, 20, 1), None, charts.Dot(30.5, 40, 2)]
    path = charts.dots(marks, 3)
    assert path == "M7 20a3 3 0 1 0 6 0a3 3 0 1 0 -6 0M27.5 40a3 3 0 1 0 6 0a3 3 0 1 0 -6 0"
    assert charts.dots([None], 3) == ""
