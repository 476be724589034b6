"""Bar charts as data, drawn by ``{% load charts %}{% bar_chart chart %}``.

An app says what to chart (a title, what the bars show, its series and one row of numbers
per bar); the shared layer draws it the one way: each label in HTML, so that it wraps and
keeps the page's font size on a phone, and each bar an SVG stretched by its view box, with
the same figures in a table beside it for those who do not see the chart.
"""

from dataclasses import dataclass

# The colours a series may take; each is a class of the stylesheet (tone-ok, ...).
TONES = ("ok", "error", "warn", "brand", "muted")
# Bars are drawn in a view box 1000 units wide: widths are thousandths of the longest bar.
SCALE = 1000


@dataclass(frozen=True)
class Series:
    label: str
    tone: str = "brand"

    def __post_init__(self) -> None:
        if self.tone not in TONES:
            raise ValueError(f"A series tone is one of {', '.join(TONES)}, not {self.tone!r}.")


@dataclass(frozen=True)
class Segment:
    tone: str
    x: int
    width: int


@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[int, ...]
    segments: tuple[Segment, ...]
    # (series label, value): what a table cell shows, under its column's name on a phone.
    cells: tuple[tuple[str, int], ...] = ()

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass(frozen=True)
class BarChart:
    """``rows`` are (label, one value per series); a bar stacks its row's values."""

    title: str
    description: str
    label_heading: str
    series: tuple[Series, ...]
    rows: tuple[tuple[str, tuple[int, ...]], ...]

    def __post_init__(self) -> None:
        if not self.series:
            raise ValueError("A chart needs at least one series.")
        for label, values in self.rows:
            if len(values) != len(self.series):
                raise ValueError(
                    f"The bar {label!r} has {len(values)} values for {len(self.series)} series."
                )
            if any(value < 0 for value in values):
                raise ValueError(f"The bar {label!r} has a negative value.")

    def bars(self) -> list[Bar]:
        """Each row with its segments placed, the longest bar filling the view box."""
        longest = max((sum(values) for _, values in self.rows), default=0) or 1
        bars = []
        for label, values in self.rows:
            segments, running, x = [], 0, 0
            for series, value in zip(self.series, values, strict=True):
                running += value
                # Ends are rounded, not widths, so that the segments meet and a full bar
                # ends exactly at the edge of the view box.
                end = round(SCALE * running / longest)
                if end > x:
                    segments.append(Segment(tone=series.tone, x=x, width=end - x))
                x = end
            cells = tuple(
                (series.label, value) for series, value in zip(self.series, values, strict=True)
            )
            bars.append(
                Bar(label=label, values=tuple(values), segments=tuple(segments), cells=cells)
            )
        return bars
