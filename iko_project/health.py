"""Health probes for the orchestrator (Kubernetes liveness and readiness; docs/operator/index.md).

- `GET /_healthz/livez`: the process is up and answers. No I/O at all, so a slow database never
  makes Kubernetes restart healthy workers.
- `GET /_healthz/readyz`: this instance can serve: the database answers a trivial query and, when
  `IKO_REDIS_URL` is set, Redis answers a PING. Never the sources: a register that is down makes
  views partial (per-source status), it must not take IKO out of the load balancer. Redis is
  reported but by default does not fail readiness, because rate limits fall back to memory
  (api/throttling.py); `IKO_READYZ_REQUIRE_REDIS=true` makes it count.

Both answer JSON without authentication, are not rate limited and write no processing record.
`HealthProbeMiddleware`, first in the middleware list, answers them before anything else runs:
no session, no CSRF, no login throttling, and no `ALLOWED_HOSTS` check, because a kubelet probes
the pod's IP address, which is not a host name IKO serves. The same views are routed in the URL
conf too, for a setup without the middleware.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)

LIVEZ_PATH = "/_healthz/livez"
READYZ_PATH = "/_healthz/readyz"
NO_STORE = {"Cache-Control": "no-store"}


def livez(request):
    return JsonResponse({"status": "ok"}, headers=NO_STORE)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; the detail goes to the log
        # Only the type: a driver's message can carry the host name and the user of the DSN.
        logger.warning("Readiness: the database does not answer (%s).", type(exc).__name__)
        return False


def _redis_ok() -> bool:
    from iko_project.shared_store import redis_client

    try:
        return bool(redis_client().ping())
    except Exception as exc:  # noqa: BLE001
        logger.warning("Readiness: Redis does not answer (%s).", type(exc).__name__)
        return False


def readyz(request):
    started = time.monotonic()
    checks = {"database": "ok" if _database_ok() else "error"}
    ready = checks["database"] == "ok"
    if settings.IKO_REDIS_URL:
        checks["redis"] = "ok" if _redis_ok() else "error"
        if checks["redis"] != "ok" and settings.IKO_READYZ_REQUIRE_REDIS:
            ready = False
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": checks,
        "durationMs": round((time.monotonic() - started) * 1000, 1),
    }
    return JsonResponse(body, status=200 if ready else 503, headers=NO_STORE)


PROBES = {LIVEZ_PATH: livez, READYZ_PATH: readyz}


class HealthProbeMiddleware:
    """Answers the probe paths before every other middleware (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = PROBES.get(request.path_info)
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)
