"""The one bar chart of the portal, ``{% bar_chart %}``, as the dashboard and the complaints
report draw it."""

import re

import pytest
from django.template import Context, Template

from portal.core.charts import BarChart, Segment, Series

TWO = (Series("Met on time", tone="ok"), Series("Finished late", tone="error"))


def chart(rows, series=TWO) -> BarChart:
    return BarChart(
        title="Deadlines by month",
        description="One bar per month.",
        label_heading="Month",
        series=series,
        rows=tuple(rows),
    )


def render(drawn: BarChart, **options) -> str:
    template = Template("{% load charts %}{% bar_chart drawn id=id %}")
    return template.render(Context({"drawn": drawn, "id": options.get("id", "")}))


def test_bars_stack_their_series_and_the_longest_fills_the_view_box():
    bars = chart([("Oct", (3, 1)), ("Nov", (1, 1))]).bars()
    assert [bar.segments for bar in bars] == [
        (Segment("ok", 0, 750), Segment("error", 750, 250)),
        (Segment("ok", 0, 250), Segment("error", 250, 250)),
    ]
    assert [bar.total for bar in bars] == [4, 2]


def test_bars_segments_meet_and_end_at_the_edge_whatever_the_rounding():
    series = (*TWO, Series("Open and overdue", tone="warn"))
    (bar,) = chart([("Oct", (1, 1, 1))], series=series).bars()
    assert [(s.x, s.x + s.width) for s in bar.segments] == [(0, 333), (333, 667), (667, 1000)]


def test_bars_of_nothing_are_empty_not_an_error():
    bars = chart([("Sep", (0, 0)), ("Oct", (0, 0))]).bars()
    assert [bar.segments for bar in bars] == [(), ()]
    assert chart([]).bars() == []


@pytest.mark.parametrize(
    ("rows", "series", "message"),
    [
        ([("Oct", (1,))], TWO, "has 1 values for 2 series"),
        ([("Oct", (1, -1))], TWO, "negative"),
        ([], (), "at least one series"),
    ],
)
def test_chart_refuses_figures_it_cannot_draw(rows, series, message):
    with pytest.raises(ValueError, match=message):
        chart(rows, series=series)


def test_series_refuses_an_unknown_tone():
    with pytest.raises(ValueError, match="ok, error, warn, brand, muted"):
        Series("Late", tone="red")


def test_chart_is_an_image_with_a_title_and_description():
    html = render(chart([("Oct", (3, 1))]))
    picture = re.search(r'<div class="bar-chart-picture" role="img"[^>]*>', html)[0]
    assert 'aria-labelledby="chart-deadlines-by-month-title"' in picture
    assert 'aria-describedby="chart-deadlines-by-month-desc"' in picture
    assert 'id="chart-deadlines-by-month-title">Deadlines by month</figcaption>' in html
    assert '<p class="hint" id="chart-deadlines-by-month-desc">One bar per month.' in html


def test_chart_draws_bars_by_view_box_and_labels_in_html():
    html = render(chart([("The outcome of a special consideration application", (3, 1))]))
    assert 'viewBox="0 0 1000 10" preserveAspectRatio="none" aria-hidden="true"' in html
    assert '<rect class="tone-ok" x="0" y="0" width="750" height="10"/>' in html
    # Text inside the SVG would shrink with the bar on a phone; labels are HTML instead.
    assert "<text" not in html
    assert (
        '<span class="bar-chart-label">The outcome of a special consideration application</span>'
        in html
    )


def test_chart_gives_the_same_figures_in_a_table():
    html = " ".join(render(chart([("Oct", (3, 1)), ("Nov", (0, 2))])).split())
    assert (
        '<th scope="col">Month</th> <th scope="col" class="number">Met on time</th>'
        '<th scope="col" class="number">Finished late</th> '
        '<th scope="col" class="number">Total</th>'
    ) in html
    assert (
        '<th scope="row">Oct</th> <td class="number" data-label="Met on time">3</td>'
        '<td class="number" data-label="Finished late">1</td> '
        '<td class="number" data-label="Total">4</td>'
    ) in html
    assert (
        '<th scope="row">Nov</th> <td class="number" data-label="Met on time">0</td>'
        '<td class="number" data-label="Finished late">2</td> '
        '<td class="number" data-label="Total">2</td>'
    ) in html


def test_chart_of_one_series_has_no_key_and_no_total_column():
    html = render(chart([("Process", (2,))], series=(Series("Cases"),)))
    assert "bar-chart-key" not in html
    assert ">Total<" not in html


def test_chart_takes_an_id_of_the_pages_own():
    html = render(chart([("Oct", (1, 0))]), id="by-month")
    assert 'id="by-month-title"' in html and 'aria-labelledby="by-month-title"' in html
