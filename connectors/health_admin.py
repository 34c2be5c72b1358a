"""The source-health page of the admin: per source, the last hour's availability and p50/p95 latency
with a chart, its circuit state, the class of its last failure, and its connection test.

The figures are connectors/source_health.py's, the counting behind `/metrics` as well; with Redis
they cover every instance, without it the process that serves the page. The circuit state is the
breaker's (connectors/breaker.py). "Test the connection" runs the source admin's own action
(connectors/admin.py), so the test exists once.

`source_health_view` is routed at `/admin/source-health/` through the admin site
(iko_project/urls.py), which gives it the admin's login, CSRF and never-cache handling; it also
needs the permission to view sources. The admin index links to it (templates/admin/index.html).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone as dt_timezone

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from iko_project import shared_store

from .breaker import CLOSED, HALF_OPEN, OPEN, get_breaker
from .health_chart import availability_colour, source_chart
from .metrics import label
from .models import Source
from .source_health import LastError, source_hours

CIRCUIT_STATES = {  # the state, and what it means for the calls
    CLOSED: (_("Closed"), _("calls go through")),
    HALF_OPEN: (_("Half open"), _("the next call is a trial")),
    OPEN: (_("Open"), _("calls are skipped")),
}
ERROR_CLASSES = {
    "timeout": _("No answer in time"),
    "connection": _("No connection"),
    "tls": _("TLS handshake failed"),
    "redirect": _("Answered with a redirect"),
    "http_401_403": _("Credentials refused (HTTP 401 or 403)"),
    "http_429": _("Rate limited by the source (HTTP 429)"),
    "http_4xx": _("Request rejected (HTTP 4xx)"),
    "http_5xx": _("Source failed (HTTP 5xx)"),
    "invalid_answer": _("Answer not usable"),
    "configuration": _("Configuration"),
    "connector": _("Connector failed"),
    "error": _("Other error"),
}


@dataclass(frozen=True)
class SourceRow:
    source: Source
    circuit: str
    circuit_label: str
    circuit_meaning: str
    calls: int
    availability: str  # "99.5 %", or "" without calls
    availability_colour: str
    p50_ms: str
    p95_ms: str
    last_error: str
    last_error_at: datetime | None
    chart: SafeString


def _ms(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds * 1000:.0f} ms"


def _last_error(last: LastError | None) -> tuple[str, datetime | None]:
    if last is None:
        return "", None
    text = ERROR_CLASSES.get(last.error_class, ERROR_CLASSES["error"])
    return str(text), datetime.fromtimestamp(last.at, tz=dt_timezone.utc)


def source_rows(*, now: float | None = None, sources=None) -> list[SourceRow]:
    """One row per configured source (or per source of `sources`, a queryset), by name."""
    now = time.time() if now is None else now
    sources = list((Source.objects.all() if sources is None else sources).order_by("name"))
    hours = source_hours(sources=[label(source.circuit_key) for source in sources], now=now)
    breaker = get_breaker()
    rows = []
    for source in sources:
        hour = hours[label(source.circuit_key)]
        availability = hour.availability
        circuit = breaker.state(source.circuit_key)
        circuit_label, circuit_meaning = CIRCUIT_STATES.get(circuit, (circuit, ""))
        last_error, last_error_at = _last_error(hour.last_error)
        rows.append(SourceRow(
            source=source, circuit=circuit, circuit_label=str(circuit_label), circuit_meaning=str(circuit_meaning),
            calls=hour.calls, availability="" if availability is None else f"{availability * 100:.1f} %",
            availability_colour=availability_colour(availability),
            p50_ms=_ms(hour.latency(0.5)), p95_ms=_ms(hour.latency(0.95)),
            last_error=last_error, last_error_at=last_error_at,
            # Escaped throughout (health_chart.py): the only text is a source's name and fixed words.
            chart=mark_safe(source_chart(hour, last_minute=int(now // 60))),  # noqa: S308
        ))
    return rows


def source_health_view(request, sources=None):
    """The page; `sources`: only these (the admin passes the staff user's organisation's sources)."""
    if not request.user.has_perm("connectors.view_source"):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "title": _("Source health"),
        "rows": source_rows(sources=sources),
        "shared": shared_store.redis_usable(),
        "source_list_url": reverse("admin:connectors_source_changelist"),
    }
    return TemplateResponse(request, "admin/connectors/source_health.html", context)
