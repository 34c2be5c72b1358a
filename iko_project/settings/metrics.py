"""Settings of what an operator watches IKO with, read by `base.py`: `GET /metrics` for Prometheus
(iko_project/metrics_view.py), OpenTelemetry tracing (connectors/telemetry.py) and the
`Server-Timing` header of view answers (api/timing.py).

The endpoint is off (404) unless a scraper network or a token is configured, and refuses
everyone else (403): the series name sources and profiles, which an operator may not want public.
Tracing is off unless an OTLP endpoint is configured; the variables are OpenTelemetry's own.
"""

import ipaddress as _ipaddress

from django.core.exceptions import ImproperlyConfigured

from iko_project.settings.envvars import DeclaredEnv

env = DeclaredEnv(__name__)

__all__ = ["IKO_METRICS_ALLOWED_NETWORKS", "IKO_METRICS_TOKEN", "IKO_OTLP_TRACES_ENDPOINT", "IKO_OTEL_SERVICE_NAME",
           "IKO_SERVER_TIMING"]

# --- metrics: GET /metrics for Prometheus (iko_project/metrics_view.py) ---------------------------
# Off (404) unless one of these is set; everyone else gets 403. Networks (CIDR) the scraper comes
# from directly, e.g. the pod network; a request that passed a proxy is let in by the token only.
IKO_METRICS_ALLOWED_NETWORKS = env.list(
    "IKO_METRICS_ALLOWED_NETWORKS", default=[], group="metrics",
    help_text="Networks (CIDR) a Prometheus scraper may reach `/metrics` from directly; a request that passed a proxy "
    "needs the token.")
IKO_METRICS_TOKEN = env.str("IKO_METRICS_TOKEN", default="", group="metrics",
                            help_text="Bearer token that lets a scraper read `/metrics` (at least 24 characters).",
                            secret=True)

for _network in IKO_METRICS_ALLOWED_NETWORKS:
    try:
        _parsed = _ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"IKO_METRICS_ALLOWED_NETWORKS: {_network!r} is not a network (write e.g. 10.0.0.0/8 or 192.168.1.5)."
        ) from None
    if _parsed.prefixlen == 0:
        raise ImproperlyConfigured(
            f"IKO_METRICS_ALLOWED_NETWORKS: {_network} is every address and would make the metrics public; "
            "name the scraper's network, or use IKO_METRICS_TOKEN."
        )
if IKO_METRICS_TOKEN and len(IKO_METRICS_TOKEN) < 24:
    raise ImproperlyConfigured("IKO_METRICS_TOKEN must be at least 24 characters (a random string).")

# --- tracing: OpenTelemetry spans over OTLP/HTTP (connectors/telemetry.py) -------------------------
# Off (nothing of OpenTelemetry is even imported) unless an endpoint is set. The names are the
# OpenTelemetry SDK's, so a collector sidecar's usual environment works; the exporter reads its
# other variables (OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT, _CERTIFICATE, ...) itself.
_otlp_endpoint = env.str(
    "OTEL_EXPORTER_OTLP_ENDPOINT", default="", group="tracing",
    help_text="Base URL of an OTLP/HTTP collector, e.g. `http://otel-collector:4318`; IKO sends its spans to "
    "`<url>/v1/traces`. Empty (and no traces endpoint): tracing is off.")
_otlp_traces_endpoint = env.str(
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", default="", group="tracing",
    help_text="Full URL the spans are sent to (OTLP/HTTP, protobuf); wins over `OTEL_EXPORTER_OTLP_ENDPOINT`.")
IKO_OTEL_SERVICE_NAME = env.str("OTEL_SERVICE_NAME", default="iko", group="tracing",
                                help_text="The `service.name` of IKO's spans.")
IKO_OTLP_TRACES_ENDPOINT = _otlp_traces_endpoint or (
    _otlp_endpoint.rstrip("/") + "/v1/traces" if _otlp_endpoint else "")
if IKO_OTLP_TRACES_ENDPOINT and not IKO_OTLP_TRACES_ENDPOINT.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT: {IKO_OTLP_TRACES_ENDPOINT!r} is no http:// or https:// URL "
        "(IKO exports over OTLP/HTTP; for gRPC's port 4317 use the collector's HTTP port, 4318)."
    )

# --- Server-Timing: the source calls of a view, in its answer (api/timing.py) ----------------------
IKO_SERVER_TIMING = env.bool(
    "IKO_SERVER_TIMING", default=False, group="metrics",
    help_text="The view answer's `Server-Timing` header lists each source call of the view: relation and source, "
    "start and duration (ms) and the calls it waited for; no parameters, no data. Off by default: it shows the "
    "caller how a profile's calls depend on each other.")
