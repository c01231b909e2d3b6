"""Charts drawn on the server: horizontal stacked bars as SVG, each with the table of
its numbers and the rows of its CSV download, from one description.

A page builds a :class:`BarChart` (series, then one :class:`Bar` per row) and
includes ``templates/includes/bar_chart.html``, which draws every bar as an SVG
whose rectangles are placed with attributes only (the Content Security Policy
forbids style attributes and scripts; nothing is fetched from elsewhere). Each bar
is an image with a text alternative naming every value, its label is HTML text that
wraps on a phone, and the table beside it holds the same numbers. The CSV download
(``marketplace.spreadsheets.csv_attachment``) writes :meth:`BarChart.csv_rows`, the
table's rows.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    colour: str  # a USWDS palette colour with enough contrast against white


@dataclass
class Bar:
    label: str
    values: list[int]
    key: str = ""  # a stable ID for the CSV (a function or capability code)
    href: str = ""


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    colour: str


@dataclass
class BarChart:
    """Stacked horizontal bars. ``scale`` is the value of a full-width bar (the
    largest total when not given)."""

    id: str
    title: str
    series: list[Series]
    bars: list[Bar] = field(default_factory=list)
    scale: int | None = None
    unit: str = ""
    key_label: str = "ID"
    label_heading: str = "Name"

    @property
    def full(self) -> int:
        if self.scale:
            return self.scale
        return max((sum(bar.values) for bar in self.bars), default=0) or 1

    def segments(self, bar: Bar) -> list[Segment]:
        segments, x = [], 0.0
        for series, value in zip(self.series, bar.values, strict=True):
            if value <= 0:
                continue
            width = 100 * value / self.full
            segments.append(Segment(round(x, 2), round(width, 2), series.colour))
            x += width
        return segments

    def description(self, bar: Bar) -> str:
        """The text alternative of one bar: every value named."""
        parts = [
            f"{value} {series.label.lower()}"
            for series, value in zip(self.series, bar.values, strict=True)
        ]
        return f"{bar.label}: " + ", ".join(parts)

    @property
    def rows(self) -> list[dict]:
        return [
            {
                "bar": bar,
                "segments": self.segments(bar),
                "description": self.description(bar),
                "total": sum(bar.values),
            }
            for bar in self.bars
        ]

    def csv_rows(self) -> list[list]:
        header = [self.key_label, self.label_heading, *[s.label for s in self.series]]
        return [header] + [[bar.key, bar.label, *bar.values] for bar in self.bars]
