"""Connection tests for the admin: of a server, and of a source (through its connector).

`server_check` GETs the server's connection check path (or its API root) through `SourceHttp`,
so pinned to the server, without redirects and bounded in time. A 2xx is a success; 400, 404 and
other client errors are a warning (the server answers, but that proves neither the path nor the
credentials); 401, 403, 407, 429 and 5xx, and no answer at all, are errors. A server that cannot
be used as configured (servers.py) is reported without a call.
`source_check` runs the source's connector's own test (`Connector.check`), which asks for no
personal data. Neither ever raises: the admin shows a message, never an error page.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .base import CheckResult, ConnectorError, SourceConfig
from .errors import http_error
from .http import SourceHttp
from .servers import server_problems

# The longest a connection test waits, whatever the server's own timeout.
CHECK_TIMEOUT_SECONDS = 10.0


def source_check(source) -> CheckResult:
    """The connection test of one source (a `connectors.models.Source`)."""
    connector_class = source.connector_class
    if connector_class is None:
        return CheckResult(False, _("The connector %(connector)r is not installed.") % {"connector": source.connector})
    return connector_class(source.to_config()).check()


def server_check(*, service) -> CheckResult:
    """The admin's connection test of one server (a `zgw_consumers.Service`)."""
    problems = server_problems(service)
    if problems:
        return CheckResult(False, _("This server cannot be used: %(problems)s") % {"problems": " ".join(problems)})
    timeout = min(float(service.timeout or CHECK_TIMEOUT_SECONDS), CHECK_TIMEOUT_SECONDS)
    snapshot = SourceConfig(name=service.slug, connector_id="", service=service, options={}, timeout=timeout)
    path = service.api_connection_check_path or ""
    where = _("its connection check path") if path else _("its API root")
    try:
        response = SourceHttp(snapshot).request("GET", path, headers={"Accept": "application/json"})
    except ConnectorError as exc:
        return CheckResult(False, exc.detail)
    except Exception as exc:  # noqa: BLE001 - the admin shows a message, never a 500
        return CheckResult(False, _("The connection test failed unexpectedly (%(kind)s).") % {"kind": type(exc).__name__})
    code = response.status_code
    if 200 <= code < 300:
        return CheckResult(True, _("The server answered at %(where)s (HTTP %(code)s).") % {"where": where, "code": code})
    if code in (401, 403, 407, 429) or code >= 500:
        return CheckResult(False, http_error(response, service.label or service.slug).detail)
    return CheckResult(
        True,
        _(
            "The server answered at %(where)s with HTTP %(code)s: it is reachable, but this proves "
            "neither the API root nor the credentials. Set a connection check path that answers 200."
        ) % {"where": where, "code": code},
        warning=True,
    )
