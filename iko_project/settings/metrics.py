"""Settings of `GET /metrics` for Prometheus (iko_project/metrics_view.py), read by `base.py`.

The endpoint is off (404) unless a scraper network or a token is configured, and refuses
everyone else (403): the series name sources and profiles, which an operator may not want public.
"""

import ipaddress as _ipaddress

from django.core.exceptions import ImproperlyConfigured

from iko_project.settings.envvars import DeclaredEnv

env = DeclaredEnv(__name__)

__all__ = ["IKO_METRICS_ALLOWED_NETWORKS", "IKO_METRICS_TOKEN"]

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
