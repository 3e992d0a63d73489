"""The asset page's book-value chart: a series built from the schedule and the value events, drawn as inline SVG.

Pure functions of their inputs (no database, no request), so the page needs no script library and the drawing
is tested directly. Pixel positions are computed with Decimal like everything else near money.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ledgerline.money import Money

from .choices import EntryKind
from .schedule import add_months, month_index, period_end

# Marker colours per kind of value event; the page's legend uses the same ones.
EVENT_COLOURS: dict[str, str] = {
    EntryKind.REVALUATION: "#7c3aed",
    EntryKind.IMPAIRMENT: "#b42318",
    EntryKind.IMPAIRMENT_REVERSAL: "#177245",
    EntryKind.IMPROVEMENT: "#0e7490",
    EntryKind.CORRECTION: "#9a5b00",
    EntryKind.DISPOSAL: "#5b6474",
}
LINE_COLOUR = "#1f4e8c"
AREA_COLOUR = "#e8f0fb"
GRID_COLOUR = "#e2e6ee"
TEXT_COLOUR = "#6b7587"
NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 36, 60, 120, 240, 600)
PIXEL = Decimal("0.1")


class ScheduleRowLike(Protocol):
    """What the chart reads of a schedule row (finance.selectors.ScheduleRow)."""

    @property
    def period(self) -> date: ...
    @property
    def amount(self) -> Money: ...
    @property
    def carrying_after(self) -> Money: ...
    @property
    def posted(self) -> bool: ...


class ValueEventLike(Protocol):
    """What the chart reads of a value event (finance.models.ValueEntry)."""

    @property
    def entry_date(self) -> date: ...
    @property
    def kind(self) -> str: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def carrying_after(self) -> Decimal: ...
    @property
    def currency(self) -> str: ...


@dataclass(frozen=True)
class ChartPoint:
    """The book value at the end of a day."""

    day: date
    value: Decimal


@dataclass(frozen=True)
class ChartEvent:
    """A value event marked on the line, with the text of its tooltip."""

    day: date
    value: Decimal
    kind: str
    label: str


@dataclass(frozen=True)
class BookValueSeries:
    """The line to draw: `posted` (solid) from the ledger, `planned` (dashed) from the plan, and the events."""

    posted: list[ChartPoint]
    planned: list[ChartPoint]
    events: list[ChartEvent]

    @property
    def points(self) -> list[ChartPoint]:
        return self.posted + self.planned

    @property
    def is_empty(self) -> bool:
        return len({p.day for p in self.points}) < 2


def book_value_series(rows: Sequence[ScheduleRowLike], events: Sequence[ValueEventLike]) -> BookValueSeries:
    """Merge the posted months and the value events in date order, then continue with the planned months.

    A month's depreciation is placed at the month's end; an event at its date, as a step. The partial month
    posted with a disposal is placed at the disposal date, just before the disposal itself.
    """
    disposal_day = next((e.entry_date for e in events if e.kind == EntryKind.DISPOSAL), None)
    # (day, order on that day, value before, value after, event or None)
    items: list[tuple[date, int, Decimal, Decimal, ValueEventLike | None]] = []
    for row in rows:
        if not row.posted:
            continue
        day = period_end(row.period)
        if disposal_day is not None and row.period == disposal_day.replace(day=1):
            day = min(day, disposal_day)
        after = row.carrying_after.amount
        items.append((day, 1, after + row.amount.amount, after, None))
    for value_event in events:
        order = 2 if value_event.kind == EntryKind.DISPOSAL else 0
        items.append(
            (
                value_event.entry_date,
                order,
                value_event.carrying_after - value_event.amount,
                value_event.carrying_after,
                value_event,
            )
        )
    items.sort(key=lambda item: (item[0], item[1]))

    planned_rows = [row for row in rows if not row.posted]
    posted: list[ChartPoint] = []
    marked: list[ChartEvent] = []
    if items:
        first_day, _, before, _, _ = items[0]
        posted.append(ChartPoint(first_day.replace(day=1), before))
    elif planned_rows:
        first = planned_rows[0]
        posted.append(ChartPoint(first.period, first.carrying_after.amount + first.amount.amount))
    for day, _, _, after, event in items:
        if event is not None:
            posted.append(ChartPoint(day, posted[-1].value))
            marked.append(ChartEvent(day, after, event.kind, _event_label(event)))
        posted.append(ChartPoint(day, after))
    planned: list[ChartPoint] = []
    if planned_rows and posted:
        planned.append(posted[-1])
        planned.extend(ChartPoint(period_end(row.period), row.carrying_after.amount) for row in planned_rows)
    return BookValueSeries(posted=posted, planned=planned, events=marked)


def _event_label(event: ValueEventLike) -> str:
    kind = EntryKind(event.kind).label
    return f"{kind}, {event.entry_date:%d %b %Y}: book value {Money(event.carrying_after, event.currency).format()}"


def book_value_svg(
    series: BookValueSeries,
    *,
    currency: str,
    width: int = 720,
    height: int = 280,
    today: date | None = None,
    max_x_labels: int = 7,
    max_y_labels: int = 5,
    id_prefix: str = "value-chart",
    title: str = "Book value over time",
) -> SafeString:
    """The series as an accessible inline SVG (every text escaped); empty when there is nothing to draw."""
    points = series.points
    if series.is_empty:
        return mark_safe("")
    left, right, top, bottom = 58, 14, 22, 30
    plot_w, plot_h = Decimal(width - left - right), Decimal(height - top - bottom)
    first_day = min(p.day for p in points)
    last_day = max(p.day for p in points)
    span = Decimal((last_day - first_day).days or 1)
    highest = max([p.value for p in points] + [e.value for e in series.events])
    step, y_max = _value_axis(highest, max_y_labels)

    def x(day: date) -> Decimal:
        return (left + plot_w * (day - first_day).days / span).quantize(PIXEL)

    def y(value: Decimal) -> Decimal:
        return (top + plot_h * (1 - value / y_max)).quantize(PIXEL)

    base_y = Decimal(top) + plot_h
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="value-chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="12">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(_description(series, currency))}</desc>',
    ]
    # Value axis: grid lines and amounts.
    parts.append(f'<g class="chart-grid" stroke="{GRID_COLOUR}" stroke-width="1">')
    ticks = [step * i for i in range(int(y_max / step) + 1)]
    for value in ticks:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(value)}" y2="{y(value)}"/>')
    parts.append("</g>")
    parts.append(f'<g class="chart-y" fill="{TEXT_COLOUR}" text-anchor="end">')
    for value in ticks:
        parts.append(f'<text x="{left - 6}" y="{y(value) + 4}">{escape(_compact_amount(value, y_max))}</text>')
    parts.append("</g>")
    parts.append(
        f'<text class="chart-unit" x="{left - 6}" y="{top - 9}" fill="{TEXT_COLOUR}" text-anchor="end" '
        f'font-weight="600">{escape(currency)}</text>'
    )
    # Time axis: ticks at month or year starts.
    parts.append(f'<g class="chart-x" fill="{TEXT_COLOUR}" text-anchor="middle">')
    for day, label in _time_ticks(first_day, last_day, max_x_labels):
        parts.append(f'<line x1="{x(day)}" x2="{x(day)}" y1="{base_y}" y2="{base_y + 4}" stroke="{TEXT_COLOUR}"/>')
        parts.append(f'<text x="{x(day)}" y="{base_y + 18}">{escape(label)}</text>')
    parts.append("</g>")
    parts.append(
        f'<line class="chart-axis" x1="{left}" x2="{width - right}" y1="{base_y}" y2="{base_y}" '
        f'stroke="{TEXT_COLOUR}" stroke-width="1"/>'
    )
    # Today, when it falls inside the chart.
    if today is not None and first_day < today < last_day:
        tx = x(today)
        parts.append(
            f'<g class="chart-today"><line x1="{tx}" x2="{tx}" y1="{top}" y2="{base_y}" '
            f'stroke="{TEXT_COLOUR}" stroke-width="1" stroke-dasharray="2 3"/>'
            f'<text x="{tx + 4}" y="{base_y - 6}" fill="{TEXT_COLOUR}" font-size="11">Today</text></g>'
        )
    # The lines: the area under the posted part, the posted line, the planned line.
    if len(series.posted) > 1:
        coords = " ".join(f"{x(p.day)},{y(p.value)}" for p in series.posted)
        area = f"{x(series.posted[0].day)},{base_y} {coords} {x(series.posted[-1].day)},{base_y}"
        parts.append(f'<polygon class="chart-area" points="{area}" fill="{AREA_COLOUR}" stroke="none"/>')
        parts.append(
            f'<polyline class="line-posted" points="{coords}" fill="none" stroke="{LINE_COLOUR}" '
            f'stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/>'
        )
    if len(series.planned) > 1:
        coords = " ".join(f"{x(p.day)},{y(p.value)}" for p in series.planned)
        parts.append(
            f'<polyline class="line-planned" points="{coords}" fill="none" stroke="{LINE_COLOUR}" '
            f'stroke-width="2" stroke-dasharray="6 5" stroke-opacity="0.75"/>'
        )
    # Value events.
    if series.events:
        parts.append('<g class="chart-events" stroke="#fff" stroke-width="2">')
        for event in series.events:
            colour = EVENT_COLOURS.get(event.kind, LINE_COLOUR)
            parts.append(
                f'<circle class="event event-{escape(event.kind)}" cx="{x(event.day)}" cy="{y(event.value)}" '
                f'r="6" fill="{colour}"><title>{escape(event.label)}</title></circle>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _description(series: BookValueSeries, currency: str) -> str:
    first, last = series.points[0], series.points[-1]
    text = (
        f"Book value from {Money(first.value, currency).format()} in {first.day:%b %Y} "
        f"to {Money(last.value, currency).format()} in {last.day:%b %Y}"
    )
    if series.planned:
        text += f"; planned from {series.planned[0].day:%b %Y}"
    if series.events:
        text += f"; {len(series.events)} value event{'s' if len(series.events) != 1 else ''}"
    return text + "."


def _value_axis(highest: Decimal, max_labels: int) -> tuple[Decimal, Decimal]:
    """A round step and the top of the value axis (from zero), with at most `max_labels` labels."""
    if highest <= 0:
        return Decimal(1), Decimal(1)
    raw = highest / max(1, max_labels - 1)
    magnitude = Decimal(1).scaleb(raw.adjusted())
    step = next(magnitude * s for s in NICE_STEPS if magnitude * s >= raw)
    top = (highest / step).to_integral_value(rounding=ROUND_CEILING) * step
    return step, top


def _compact_amount(value: Decimal, scale: Decimal) -> str:
    """An axis amount: 1,500 or 12.5k or 1.2M, chosen by the top of the axis."""
    if value == 0:
        return "0"
    if scale >= Decimal(1_000_000):
        return f"{_trim(value / Decimal(1_000_000))}M"
    if scale >= Decimal(10_000):
        return f"{_trim(value / Decimal(1000))}k"
    return f"{value.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"


def _trim(value: Decimal) -> str:
    rounded = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = f"{rounded:,}"
    return text[:-2] if text.endswith(".0") else text


def _time_ticks(first: date, last: date, max_labels: int) -> list[tuple[date, str]]:
    """Month or year starts between two days, spaced so that at most `max_labels` are labelled."""
    months = month_index(last) - month_index(first) + 1
    step = next((s for s in MONTH_STEPS if months / s <= max_labels - 1), MONTH_STEPS[-1])
    ticks: list[tuple[date, str]] = []
    if step >= 12:
        years = step // 12
        year = first.year + 1 if first > date(first.year, 1, 1) else first.year
        year += (-year) % years
        while date(year, 1, 1) <= last:
            ticks.append((date(year, 1, 1), str(year)))
            year += years
    else:
        day = first if first.day == 1 else add_months(first, 1)
        day = add_months(day, (-(day.month - 1)) % step)
        while day <= last:
            ticks.append((day, f"{day:%b %Y}" if day.month == 1 or not ticks else f"{day:%b}"))
            day = add_months(day, step)
    return ticks


def chart_context(series: BookValueSeries, *, currency: str, today: date) -> dict[str, Any]:
    """The wide (desktop) and narrow (phone) drawings of one series, and the legend of the events shown."""
    kinds = [k for k in EVENT_COLOURS if any(e.kind == k for e in series.events)]
    return {
        "wide": book_value_svg(series, currency=currency, today=today, id_prefix="value-chart-wide"),
        "narrow": book_value_svg(
            series,
            currency=currency,
            today=today,
            width=360,
            height=240,
            max_x_labels=4,
            max_y_labels=4,
            id_prefix="value-chart-narrow",
        ),
        "legend": [(EntryKind(k).label, EVENT_COLOURS[k]) for k in kinds],
        "has_planned": bool(series.planned),
        "has_posted": len(series.posted) > 1,
    }
