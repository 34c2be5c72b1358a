"""`GET /metrics`: the Prometheus series of connectors/metrics.py, for the operator's scraper only.

Never public: the endpoint answers 404 until the operator allows someone, and then 403 to everyone
else. Two ways to be allowed (either is enough):
- `IKO_METRICS_ALLOWED_NETWORKS`: the request comes straight from one of these networks (CIDR,
  e.g. the cluster's pod network, where Prometheus scrapes each pod). A request that passed a proxy
  (it carries `X-Forwarded-For`, `Forwarded` or `X-Real-IP`) is never let in by its address, since
  that address is the proxy's: otherwise an ingress inside the allowed network would make the
  metrics public.
- `IKO_METRICS_TOKEN`: `Authorization: Bearer <token>` (Prometheus' `authorization` or
  `bearer_token_file`); compared in constant time.

`MetricsMiddleware`, right after the health probes' middleware, answers the path before the host
check, sessions or rate limits, because Prometheus scrapes a pod by its IP address (the same
reason as for the probes in iko_project/health.py); the URL conf routes the view too, for a set-up
without the middleware. The answer holds only names from the configuration and numbers (see
connectors/metrics.py), and writes no processing record: it is about IKO, not about anyone.
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4  # the text format every Prometheus reads

from connectors import metrics

METRICS_PATH = "/metrics"
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def _problem(status: int, title: str, detail: str) -> JsonResponse:
    return JsonResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail},
        status=status, content_type="application/problem+json", headers={"Cache-Control": "no-store"},
    )


def _token_ok(request) -> bool:
    token = settings.IKO_METRICS_TOKEN
    scheme, _, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def _network_ok(request) -> bool:
    if any(request.META.get(header) for header in PROXY_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network, strict=False)
               for network in settings.IKO_METRICS_ALLOWED_NETWORKS)


def metrics_view(request):
    if not (settings.IKO_METRICS_TOKEN or settings.IKO_METRICS_ALLOWED_NETWORKS):
        return _problem(404, "Not found", "There is no such page.")
    if not (_token_ok(request) or _network_ok(request)):
        return _problem(403, "Forbidden", "Metrics are served only to the networks or the token the operator configured.")
    if request.method not in ("GET", "HEAD"):
        return _problem(405, "Method not allowed", "Use GET.")
    return HttpResponse(generate_latest(metrics.registry_for_scrape()), content_type=CONTENT_TYPE_PLAIN_0_0_4,
                        headers={"Cache-Control": "no-store"})


class MetricsMiddleware:
    """Answers `/metrics` before the host check and everything after it (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == METRICS_PATH:
            return metrics_view(request)
        return self.get_response(request)
