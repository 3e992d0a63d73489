"""The book-value chart: series built from schedule rows and value events, drawn as inline SVG."""

import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from finance.charts import book_value_series, book_value_svg, chart_context
from finance.choices import EntryKind
from finance.selectors import ScheduleRow
from ledgerline.money import Money


def row(period, amount, carrying, posted):
    return ScheduleRow(period, Money(Decimal(amount), "EUR"), Money(Decimal(carrying), "EUR"), posted)


def event(day, kind, amount, carrying):
    return SimpleNamespace(
        entry_date=day, kind=kind, amount=Decimal(amount), carrying_after=Decimal(carrying), currency="EUR"
    )


ROWS = [
    row(date(2024, 1, 1), "150", "9850", True),
    row(date(2024, 2, 1), "150", "9700", True),
    row(date(2024, 3, 1), "150", "9550", True),
    row(date(2024, 4, 1), "200", "10350", False),
    row(date(2024, 5, 1), "200", "10150", False),
]
REVALUATION = event(date(2024, 4, 10), EntryKind.REVALUATION, "1000", "10550")


def points(svg, css_class):
    found = re.search(rf'class="{css_class}" points="([^"]+)"', svg)
    return found.group(1).split() if found else []


def test_posted_months_and_a_revaluation_make_a_solid_line_with_a_step_then_the_plan_is_dashed():
    series = book_value_series(ROWS, [REVALUATION])

    assert [(p.day, p.value) for p in series.posted] == [
        (date(2024, 1, 1), Decimal("10000")),
        (date(2024, 1, 31), Decimal("9850")),
        (date(2024, 2, 29), Decimal("9700")),
        (date(2024, 3, 31), Decimal("9550")),
        (date(2024, 4, 10), Decimal("9550")),
        (date(2024, 4, 10), Decimal("10550")),
    ]
    assert [(p.day, p.value) for p in series.planned] == [
        (date(2024, 4, 10), Decimal("10550")),
        (date(2024, 4, 30), Decimal("10350")),
        (date(2024, 5, 31), Decimal("10150")),
    ]
    assert [(e.day, e.kind) for e in series.events] == [(date(2024, 4, 10), EntryKind.REVALUATION)]


def test_the_svg_has_a_point_per_posted_and_planned_month_event_markers_and_labelled_axes():
    svg = book_value_svg(book_value_series(ROWS, [REVALUATION]), currency="EUR", today=date(2024, 4, 20))

    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert len(points(svg, "line-posted")) == 6
    assert len(points(svg, "line-planned")) == 3
    assert 'stroke-dasharray="6 5"' in svg
    assert svg.count('<circle class="event event-revaluation"') == 1
    assert "Revaluation, 10 Apr 2024: book value EUR 10,550.00" in svg
    assert "Jan 2024" in svg and ">Feb<" in svg  # month ticks on a short span
    assert ">10k<" in svg and ">0<" in svg  # amounts on the value axis
    assert ">Today<" in svg
    assert 'role="img"' in svg and "<desc" in svg


def test_a_long_life_gets_year_ticks_and_compact_amounts():
    rows = [
        row(date(2020 + i // 12, i % 12 + 1, 1), "2500", str(1_200_000 - 2500 * (i + 1)), i < 40) for i in range(120)
    ]

    svg = book_value_svg(book_value_series(rows, []), currency="GBP", max_x_labels=6)

    labels = re.findall(r'<text x="[^"]+" y="[^"]+">(\d{4})</text>', svg)
    assert labels and len(labels) <= 6 and all(int(y) % 2 == 0 for y in labels)
    assert ">1.2M<" in svg or ">1M<" in svg
    assert ">GBP<" in svg


def test_a_disposal_month_is_drawn_before_the_disposal_and_ends_at_zero():
    rows = [row(date(2024, 1, 1), "150", "9850", True), row(date(2024, 2, 1), "75", "9775", True)]
    disposal = event(date(2024, 2, 15), EntryKind.DISPOSAL, "-9775", "0")

    series = book_value_series(rows, [disposal])

    assert [(p.day, p.value) for p in series.posted][-3:] == [
        (date(2024, 2, 15), Decimal("9775")),
        (date(2024, 2, 15), Decimal("9775")),
        (date(2024, 2, 15), Decimal("0")),
    ]
    assert series.planned == []


def test_labels_are_escaped_and_nothing_is_drawn_without_data():
    assert book_value_svg(book_value_series([], []), currency="EUR") == ""
    svg = book_value_svg(book_value_series(ROWS, []), currency="EUR", title="<script>alert(1)</script>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_the_page_gets_a_wide_and_a_narrow_drawing_and_a_legend_of_the_events_shown():
    context = chart_context(book_value_series(ROWS, [REVALUATION]), currency="EUR", today=date(2024, 4, 20))

    assert 'viewBox="0 0 720 280"' in context["wide"]
    assert 'viewBox="0 0 360 240"' in context["narrow"]
    assert context["legend"] == [("Revaluation", "#7c3aed")]
    assert context["has_planned"] and context["has_posted"]
