"""The source-health page's chart: one source's last hour as a small SVG drawn on the server.

A strip of sixty cells shows each minute's availability (green, amber, red, or grey without calls)
and below it two lines show p50 and p95 latency per minute, in milliseconds (connectors/
source_health.py). Plain SVG in the page: no script, no external file, readable in any browser
and in a screenshot. Every text is escaped; each cell and point has a `<title>` with its figures,
shown as a tooltip.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone as dt_timezone
from html import escape

from django.utils import timezone
from django.utils.translation import gettext as _

from .source_health import Minute, SourceHour, quantile

WIDTH, HEIGHT = 480, 150
LEFT, RIGHT = 52, 8  # room for the latency axis' labels
STRIP_TOP, STRIP_HEIGHT = 4, 16
PLOT_TOP, PLOT_BOTTOM = 30, 122
COLOURS = {"good": "#2e7d32", "degraded": "#f9a825", "bad": "#c62828", "none": "#e0e0e0",
           "p50": "#1565c0", "p95": "#ef6c00", "grid": "#d0d0d0", "text": "#555"}
GOOD, DEGRADED = 0.995, 0.95  # availability at or above: green, amber; below: red


def availability_colour(availability: float | None) -> str:
    if availability is None:
        return COLOURS["none"]
    if availability >= GOOD:
        return COLOURS["good"]
    return COLOURS["degraded"] if availability >= DEGRADED else COLOURS["bad"]


def _nice_ceiling(value: float) -> float:
    """1, 2 or 5 times a power of ten, at or above `value` (at least 10 ms)."""
    value = max(value, 10.0)
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _clock(minute: int) -> str:
    moment = datetime.fromtimestamp(minute * 60, tz=dt_timezone.utc)
    return timezone.localtime(moment).strftime("%H:%M")


class _Frame:
    """Where a minute and a latency go in the picture."""

    def __init__(self, count: int, top_ms: float):
        self.count, self.top_ms = count, top_ms
        self.step = (WIDTH - LEFT - RIGHT) / count

    def x(self, index: int) -> float:
        return LEFT + index * self.step

    def middle(self, index: int) -> float:
        return self.x(index) + self.step / 2

    def y(self, ms: float) -> float:
        return PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * min(ms, self.top_ms) / self.top_ms


def _text(x: float, y: float, text: str, anchor: str = "end") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{COLOURS["text"]}">{escape(text)}</text>'


def _strip(hour: SourceHour, frame: _Frame, first: int) -> list[str]:
    """A cell per minute, coloured by its availability."""
    parts = [_text(LEFT - 4, STRIP_TOP + 12, _("avail."))]
    for index, minute in enumerate(hour.minutes):
        availability = minute.answered / minute.calls if minute.calls else None
        if minute.calls:
            tip = _("%(time)s: %(calls)d calls, %(share).1f%% answered") % {
                "time": _clock(first + index), "calls": minute.calls, "share": 100 * availability}
        else:
            tip = _("%(time)s: no calls") % {"time": _clock(first + index)}
        parts.append(f'<rect x="{frame.x(index):.1f}" y="{STRIP_TOP}" width="{max(frame.step - 1, 1):.1f}" '
                     f'height="{STRIP_HEIGHT}" fill="{availability_colour(availability)}">'
                     f'<title>{escape(tip)}</title></rect>')
    return parts


def _latency(series: str, values: list[float | None], frame: _Frame, first: int, dash: str) -> list[str]:
    """One quantile's line (broken where a minute had no timed calls) and a dot per minute."""
    steps, dots = [], []
    for index, value in enumerate(values):
        if value is None:
            continue
        command = "L" if index and values[index - 1] is not None else "M"
        steps.append(f"{command}{frame.middle(index):.1f},{frame.y(value):.1f}")
        tip = f"{_clock(first + index)}: {series} {value:.0f} ms"
        dots.append(f'<circle cx="{frame.middle(index):.1f}" cy="{frame.y(value):.1f}" r="2" '
                    f'fill="{COLOURS[series]}"><title>{escape(tip)}</title></circle>')
    if not steps:
        return []
    return [f'<path d="{" ".join(steps)}" fill="none" stroke="{COLOURS[series]}" stroke-width="1.5"{dash}/>', *dots]


def _legend(x: float, y: float, series: str, dash: str) -> list[str]:
    return [f'<line x1="{x}" x2="{x + 16}" y1="{y - 3}" y2="{y - 3}" stroke="{COLOURS[series]}" '
            f'stroke-width="2"{dash}/>', _text(x + 20, y, series, "start")]


def source_chart(hour: SourceHour, *, last_minute: int) -> str:
    """The SVG of one source's hour; `last_minute` is the current minute (time.time() // 60)."""
    count = len(hour.minutes)
    first = last_minute - count + 1
    p50 = [minute_latency_ms(m, 0.5) for m in hour.minutes]
    p95 = [minute_latency_ms(m, 0.95) for m in hour.minutes]
    frame = _Frame(count, _nice_ceiling(max([v for v in p95 if v is not None] or [0.0])))
    name = escape(hour.source)
    title = _("%(source)s: availability and latency (p50, p95) per minute in the last hour") % {"source": hour.source}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="chart-{name}" font-family="sans-serif" font-size="10">',
        f'<title id="chart-{name}">{escape(title)}</title>',
        *_strip(hour, frame, first),
    ]
    for value in (0.0, frame.top_ms / 2, frame.top_ms):  # grid lines, labelled in milliseconds
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{frame.y(value):.1f}" y2="{frame.y(value):.1f}" '
                     f'stroke="{COLOURS["grid"]}" stroke-width="1"/>')
        parts.append(_text(LEFT - 4, frame.y(value) + 3, f"{value:g} ms"))
    dashed = ' stroke-dasharray="4 2"'
    parts += _latency("p95", p95, frame, first, dashed) + _latency("p50", p50, frame, first, "")
    axis_y = HEIGHT - 16
    parts += [_text(frame.x(0), axis_y, _("-60 min"), "start"),
              _text(frame.x(count // 2), axis_y, _("-30 min"), "middle"), _text(frame.x(count), axis_y, _("now"))]
    parts += _legend(LEFT, HEIGHT - 3, "p50", "") + _legend(LEFT + 50, HEIGHT - 3, "p95", dashed)
    parts.append("</svg>")
    return "".join(parts)


def minute_latency_ms(minute: Minute, q: float) -> float | None:
    """One minute's latency quantile in milliseconds, or None without timed calls."""
    seconds = quantile(q, minute.buckets)
    return None if seconds is None else seconds * 1000
