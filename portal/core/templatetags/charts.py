"""``{% load charts %}{% bar_chart chart %}``: a ``portal.core.charts.BarChart`` as a figure
that reads at any width, with its figures in a table."""

from django import template
from django.utils.text import slugify

from portal.core.charts import SCALE, BarChart

register = template.Library()


@register.inclusion_tag("core/_bar_chart.html")
def bar_chart(chart: BarChart, id: str = "") -> dict[str, object]:
    # The id ties the figure to its title and description; two charts of one page have
    # different titles, or the page gives ids of its own.
    return {
        "chart": chart,
        "bars": chart.bars(),
        "id": id or f"chart-{slugify(chart.title)}",
        "scale": SCALE,
        "stacked": len(chart.series) > 1,
    }
